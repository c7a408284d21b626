"""A live look-up, start to end: the hourly limits, the registries, the project record with each link and
where it came from, the project's history from the refresh job's sources, and one write of all of it.

Nothing is written unless a registry said the project exists, and then only what came back whole: a source
that failed adds nothing (its reason goes into the outcome for the answer to say). A registry that fails
never reads as "no such package": the name is then "unreached", not "nowhere".

A bare name PyPI and npm both have, with no metadata linking the two to one repository (`react`: the npm
package of facebook/react, and an unrelated PyPI package), is two readings: unless the metric asked for
settles it (npm downloads → the npm package, PyPI downloads → the PyPI one, a GitHub metric → the one whose
metadata names a repository), nothing is stored and the outcome carries both `Package`s (`readings`), so the
answer asks which. What is kept for that question is only the registries' metadata already fetched (name,
summary, the repository each names), in memory and in the question itself: no project row, no history for
either reading. A click names one reading (`npm:react` / `pypi:react`) and is looked up then, without taking
from the hourly limits again (`counted=False`): the question already took its one look-up.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import httpx

from bot.catalog import Catalog, Framework, catalog
from bot.ingest.live.candidates import Candidate
from bot.ingest.live.history import fetch_history
from bot.ingest.live.registries import GITHUB_HEADERS, Package, github_repo, npm_package, pypi_package
from bot.ingest.refresh import StoredFigures
from bot.ingest.sources.base import USER_AGENT, Batch, Clock, Context, Fetcher, SourceError, utc_today
from bot.settings import Settings
from bot.store.connection import Store
from bot.store.live_lookups import Refused, take_lookups
from bot.store.observations import replace_languages, upsert_observations
from bot.store.projects import LIVE_SOURCE_PREFIX, live_projects, upsert_projects

log = logging.getLogger("fwtrend.lookup")

REQUEST_TIMEOUT_S = 8.0
TRIES = 2  # one retry: a person is waiting
REGISTRY_DEADLINE_S = 12.0
"""One registry question (retry included), at most."""


@dataclass
class Outcome:
    """What a look-up found, per name as the question typed it."""

    found: dict[str, str] = field(default_factory=dict)
    """typed name → project id now in the store and the catalog."""
    nowhere: dict[str, str] = field(default_factory=dict)
    """typed name → where it was asked ("any", "pypi", "npm", "github"), when every registry asked said it
    has no such package or repository."""
    unreached: dict[str, list[str]] = field(default_factory=dict)
    """typed name → "PyPI (HTTP 500 …)" for each registry that failed, when none found it."""
    notes: list[str] = field(default_factory=list)
    """Links with where they came from, sources that failed while fetching history, same-name packages."""
    readings: dict[str, tuple[Package, ...]] = field(default_factory=dict)
    """typed name → its readings (npm's first, then PyPI's) when PyPI and npm both have an unlinked package of
    that name and the question does not settle which: asked about, nothing stored."""
    refused: Refused | None = None
    """Set when the hourly limit stopped the look-up before any request."""
    seconds: float = 0.0


def limits_refusal(store: Store, settings: Settings, team: str, candidates: list[Candidate]) -> Refused | None:
    """Take one look-up per candidate from the hourly limits (shared by every process through the store)."""
    return take_lookups(
        store,
        team,
        [c.name for c in candidates],
        per_hour=settings.fwtrend_lookups_per_hour,
        per_team=settings.fwtrend_lookups_per_hour_per_workspace,
        now=time.time(),
    )


def look_up(
    store: Store,
    candidates: list[Candidate],
    settings: Settings,
    *,
    team: str = "",
    client_factory: Callable[[], httpx.AsyncClient] | None = None,
    today: date | None = None,
    cat: Catalog | None = None,
    counted: bool = True,
) -> Outcome:
    """Look each candidate up (after taking it from the hourly limits, unless `counted` is False: a reading
    picked from a question whose look-up was already counted) and store what came back. Never raises for a
    source's failure; the outcome says what failed."""
    started = time.monotonic()
    know_stored_projects(store, cat)
    refused = limits_refusal(store, settings, team, candidates) if counted else None
    if refused is not None:
        return Outcome(refused=refused)
    outcome = asyncio.run(
        _look_up(store, candidates, settings, client_factory or _client, today or utc_today(), cat or catalog())
    )
    outcome.seconds = time.monotonic() - started
    return outcome


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(REQUEST_TIMEOUT_S, connect=4.0),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=True,
    )


@dataclass
class _Found:
    candidate: Candidate
    record: dict
    framework: Framework


async def _look_up(
    store: Store, candidates: list[Candidate], settings: Settings, factory, today: date, cat: Catalog
) -> Outcome:
    outcome = Outcome()
    async with factory() as client:
        fetcher = Fetcher(client, clock=Clock(), max_tries=TRIES, base_delay=0.25, max_wait=2.0)
        ctx = Context(fetcher=fetcher, settings=settings, stored=StoredFigures(store), today=today)
        found = await asyncio.gather(*(_one(ctx, c, outcome, today) for c in candidates))
        found = [f for f in found if f is not None]
        fresh = [f for f in found if f.record["id"] not in cat]
        cat.know_projects([f.record for f in fresh])
        histories = await asyncio.gather(*(fetch_history(ctx, f.framework) for f in fresh))
    batches: list[Batch] = []
    for f, (got, failed) in zip(fresh, histories, strict=True):
        batches += got
        for label, reason in failed.items():
            outcome.notes.append(f"{label} failed for {f.record['name']}, so its figures are missing: {reason}.")
    _write(store, [f.record for f in fresh], batches)
    for f in found:
        outcome.found[f.candidate.typed] = f.record["id"]
    return outcome


async def _ask(coro) -> tuple[object, str | None]:
    """(the registry's answer, None) or (None, one-line reason it failed)."""
    try:
        return await asyncio.wait_for(coro, REGISTRY_DEADLINE_S), None
    except TimeoutError:
        return None, f"no answer within {REGISTRY_DEADLINE_S:g} s"
    except SourceError as exc:
        return None, str(exc)
    except Exception as exc:  # a connection the test guard refuses, an odd body: a failure, never a crash
        log.warning("live look-up request failed: %s", type(exc).__name__)
        return None, type(exc).__name__


async def _one(ctx: Context, c: Candidate, outcome: Outcome, today: date) -> _Found | None:
    s = ctx.settings
    pypi = npm = None
    failed: list[str] = []
    gh_slug: str | None = None
    if c.where in ("pypi", "any"):
        pypi_task = _ask(pypi_package(ctx.fetcher, s.fwtrend_pypi_url, c.name))
    if c.where in ("npm", "any"):
        npm_task = _ask(npm_package(ctx.fetcher, s.fwtrend_npm_registry_url, c.name))
    if c.where == "any":
        (pypi, p_err), (npm, n_err) = await asyncio.gather(pypi_task, npm_task)
    elif c.where == "pypi":
        pypi, p_err = await pypi_task
        n_err = None
    elif c.where == "npm":
        npm, n_err = await npm_task
        p_err = None
    else:
        p_err = n_err = None
        gh_slug, g_err = await _ask(github_repo(ctx.fetcher, s.github_api_url, c.name, _gh_headers(s)))
        if g_err:
            failed.append(f"GitHub ({g_err})")
    failed += [f"PyPI ({p_err})"] * bool(p_err) + [f"npm ({n_err})"] * bool(n_err)
    if pypi and npm and not await _same_repository(ctx, pypi, npm):
        chosen = _settled_by_metric(c.metric, pypi, npm)
        if chosen is None:  # two projects share the name: ask which (nothing stored)
            outcome.readings[c.typed] = (npm, pypi)
            return None
        other = npm if chosen is pypi else pypi
        outcome.notes.append(_settled_note(c, chosen, other))
        pypi, npm = (chosen, None) if chosen is pypi else (None, chosen)
    main: Package | None = pypi or npm
    if main is None and gh_slug is None:
        if failed:
            outcome.unreached[c.typed] = failed
        else:
            outcome.nowhere[c.typed] = c.where
        return None
    if c.where == "any" and p_err and npm is not None:
        # A bare name is PyPI's first: with PyPI unheard, storing the npm package would read the name as it for good.
        outcome.unreached[c.typed] = failed
        outcome.notes.append(f"npm has a package named `{npm.name}`: ask `npm:{npm.name}` for its figures.")
        return None
    if failed:  # found elsewhere: say which registry could not be asked
        outcome.notes.append(f"I couldn't reach {', '.join(failed)} while looking up “{c.typed}”.")
    source_bits: list[str] = []
    links: list[str] = []
    github: str | None = None
    if main is None:
        record_id, name, github = gh_slug.lower(), gh_slug, gh_slug
        source_bits.append("GitHub /repos")
    else:
        record_id = main.name if main.registry == "pypi" else f"npm:{main.name}"
        name = main.display
        source_bits.append("PyPI JSON API" if main.registry == "pypi" else "npm registry")
        github = await _linked_repo(ctx, main, outcome, links)
        if github:
            source_bits.append("GitHub /repos")
        if pypi and npm:  # linked: both packages' metadata name one repository
            links.append(f"github.com/{github or npm.repo} ↔ npm:{npm.name} ({npm.repo_from})")
    record = {
        "id": record_id,
        "name": name,
        "pypi": [pypi.name] if pypi else [],
        "npm": [npm.name] if npm else [],
        "github": github,
        "github_former": [],
        "links": links,
        "source": f"{LIVE_SOURCE_PREFIX} {today.isoformat()}: {', '.join(source_bits)}",
    }
    outcome.notes += [f"Linked {link}." for link in links]
    framework = Framework.model_construct(
        id=record_id, name=name, pypi=tuple(record["pypi"]), npm=tuple(record["npm"]), github=github, links=tuple(links)
    )
    return _Found(c, record, framework)


async def _same_repository(ctx: Context, pypi: Package, npm: Package) -> bool:
    """Whether both packages' metadata name one repository (as named, or as GitHub knows it today: a moved
    repository's old name redirects to its new one). Never the names alone: `react` on PyPI is not React."""
    if not (pypi.repo and npm.repo):
        return False
    if pypi.repo.lower() == npm.repo.lower():
        return True
    s = ctx.settings
    ask = [_ask(github_repo(ctx.fetcher, s.github_api_url, p.repo or "", _gh_headers(s))) for p in (pypi, npm)]
    (a, _), (b, _) = await asyncio.gather(*ask)
    return isinstance(a, str) and isinstance(b, str) and a.lower() == b.lower()


_METRIC_REGISTRY = {"npm_downloads": "npm", "pypi_downloads": "pypi"}


def _settled_by_metric(metric: str | None, pypi: Package, npm: Package) -> Package | None:
    """The one reading that has the metric asked for, or None when both (or neither) have it."""
    if metric in _METRIC_REGISTRY:
        return npm if _METRIC_REGISTRY[metric] == "npm" else pypi
    if metric and metric.startswith("github_") and bool(pypi.repo) != bool(npm.repo):
        return pypi if pypi.repo else npm
    return None


def _settled_note(c: Candidate, chosen: Package, other: Package) -> str:
    registry = {"pypi": "PyPI", "npm": "npm"}
    what = {"npm_downloads": "npm downloads", "pypi_downloads": "PyPI downloads"}.get(c.metric or "", "a repository")
    return (
        f"I read “{c.typed}” as the {registry[chosen.registry]} package `{chosen.name}`, the one with {what}; "
        f"{registry[other.registry]} also has a package named `{other.name}`, which no source links to it: "
        f"ask `{other.registry}:{other.name}` for its figures."
    )


async def _linked_repo(ctx: Context, package: Package, outcome: Outcome, links: list[str]) -> str | None:
    """The repository the package's metadata names, as GitHub knows it today; the link is kept with where it
    came from. A repository GitHub says does not exist is dropped; one GitHub could not confirm is kept."""
    if not package.repo:
        return None
    key = f"pypi:{package.name}" if package.registry == "pypi" else f"npm:{package.name}"
    s = ctx.settings
    today_slug, err = await _ask(github_repo(ctx.fetcher, s.github_api_url, package.repo, _gh_headers(s)))
    if err:
        outcome.notes.append(f"I couldn't reach GitHub ({err}) to check github.com/{package.repo}.")
        links.append(f"github.com/{package.repo} ↔ {key} ({package.repo_from}; not confirmed: GitHub unreachable)")
        return package.repo
    if today_slug is None:
        outcome.notes.append(
            f"{package.repo_from} names github.com/{package.repo}, which GitHub says does not exist: not linked."
        )
        return None
    moved = f"; GitHub redirects it to {today_slug}" if today_slug.lower() != package.repo.lower() else ""
    links.append(f"github.com/{today_slug} ↔ {key} ({package.repo_from}{moved})")
    return today_slug


def _gh_headers(settings: Settings) -> dict[str, str]:
    headers = dict(GITHUB_HEADERS)
    if settings.github_token is not None:
        headers["Authorization"] = f"Bearer {settings.github_token.get_secret_value()}"
    return headers


def _write(store: Store, records: list[dict], batches: list[Batch]) -> None:
    """The project records and every row that came back, in one transaction (the data version moves, so no
    cached answer from before the look-up is served)."""
    if not records:
        return
    with store.transaction():
        upsert_projects(store, records)
        for batch in batches:
            upsert_observations(store, batch.rows)
            if batch.languages:
                replace_languages(store, batch.languages)
            for key, value in batch.meta.items():
                store.set_meta(key, value)
        store.bump_data_version()


def know_stored_projects(store: Store, cat: Catalog | None = None) -> None:
    """Let the catalog read the names of projects earlier look-ups stored (any process may have made them)."""
    (cat or catalog()).know_projects(live_projects(store), exactly=True)
