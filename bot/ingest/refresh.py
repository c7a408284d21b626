"""The refresh job (`fwtrend refresh`): fetch what is missing since the last good run, from every source in parallel.

Each source × framework is one unit: fetched, then written in one transaction together with its
refresh-runs record, or recorded as failed with a one-line reason and nothing written. A failing
unit never stops the others, and the store's rank rule means no figure is replaced by a worse one.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol

import httpx

from bot.catalog import Catalog, Framework, catalog
from bot.ingest.sources import ALIASES, SOURCES
from bot.ingest.sources.base import (
    USER_AGENT,
    Batch,
    Clock,
    Context,
    Fetcher,
    PartialFetch,
    Source,
    SourceError,
    utc_today,
)
from bot.settings import Settings, get_settings
from bot.store import refresh_runs
from bot.store.connection import Store
from bot.store.migrations import migrate
from bot.store.observations import latest_date, replace_languages, stored_dates, upsert_observations
from bot.store.refresh_runs import SourceInfo, finish_run, start_run
from bot.store.watch_list import every_watched

log = logging.getLogger("fwtrend.refresh")


class UsageError(ValueError):
    """Unknown source or framework name: exit 2."""


@dataclass
class UnitResult:
    source: str
    framework: str
    status: str  # "ok" | "failed"
    rows: int = 0
    error: str | None = None
    notes: list[str] = field(default_factory=list)
    skipped: bool = False


@dataclass
class RefreshReport:
    sources: list[str]
    frameworks: list[str]
    units: list[UnitResult] = field(default_factory=list)
    requests: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def failed_sources(self) -> dict[str, list[UnitResult]]:
        failed: dict[str, list[UnitResult]] = {}
        for unit in self.units:
            if unit.status != "ok":
                failed.setdefault(unit.source, []).append(unit)
        return failed

    @property
    def ok(self) -> bool:
        return not self.failed_sources()

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def rows(self, source: str | None = None) -> int:
        return sum(u.rows for u in self.units if source is None or u.source == source)

    def reasons(self) -> list[str]:
        """One line per failed source, naming each failed framework and why."""
        return [
            f"{source} failed: " + "; ".join(f"{u.framework}: {u.error}" for u in units)
            for source, units in self.failed_sources().items()
        ]

    def summary_lines(self) -> list[str]:
        lines = []
        failed = self.failed_sources()
        for source in self.sources:
            units = [u for u in self.units if u.source == source]
            if not units:
                lines.append(f"{source:<14} -       no tracked framework has an id there")
                continue
            status = "FAILED" if source in failed else "ok"
            skipped = sum(u.skipped for u in units)
            requests = self.requests.get(source, 0)
            bits = [f"{len(units)} frameworks", f"+{self.rows(source)} rows", f"{requests} requests"]
            if skipped:
                bits.append(f"{skipped} already up to date")
            lines.append(f"{source:<14} {status:<7} " + ", ".join(bits))
            for unit in units:
                lines.extend(f"{'':<23}{unit.framework}: {note}" for note in unit.notes)
        lines.append(self.summary())
        return lines

    def summary(self) -> str:
        """One line: 'refreshed 7 sources × 11 frameworks: 15,361 rows in 2m41s; arXiv 44 requests; 0 failed'."""
        failed = [u for u in self.units if u.status != "ok"]
        text = (
            f"refreshed {len(self.sources)} source{'s' * (len(self.sources) != 1)} × {len(self.frameworks)} "
            f"framework{'s' * (len(self.frameworks) != 1)}: {self.rows():,} rows in {duration(self.seconds)}"
        )
        if "arxiv" in self.sources:
            text += f"; arXiv {self.requests.get('arxiv', 0):,} requests"
        if failed:
            names = ", ".join(self.failed_sources())
            return text + f"; {len(failed)} of {len(self.units)} failed ({names})"
        return text + "; 0 failed"


def duration(seconds: float) -> str:
    """'48.2s' under a minute, else '2m41s' (or '1h02m' past an hour)."""
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    return f"{minutes // 60}h{minutes % 60:02d}m"


# -- progress ------------------------------------------------------------------------------------------


class Progress(Protocol):
    """What a refresh tells a live display (the CLI draws one `rich` bar per source on a terminal)."""

    def plan(self, units: Mapping[str, int], requests: Mapping[str, int]) -> None:
        """Before any unit runs: units per source, in report order; `requests` is the live count per source."""

    def done(self, unit: UnitResult) -> None:
        """One source × framework unit finished, ok or failed."""

    def close(self) -> None:
        """The run is over (also after an error)."""


# -- the run -----------------------------------------------------------------------------------------------


def resolve_sources(names: Iterable[str] | None) -> list[str]:
    if not names:
        return list(SOURCES)
    chosen: list[str] = []
    for name in names:
        key = name.strip().lower()
        ids = ALIASES.get(key) or ((key,) if key in SOURCES else None)
        if ids is None:
            raise UsageError(f"unknown source {name!r} (known: {', '.join([*SOURCES, *ALIASES])})")
        chosen.extend(i for i in ids if i not in chosen)
    return chosen


def resolve_frameworks(names: Iterable[str] | None, cat: Catalog) -> list[Framework]:
    """The entries to refresh: a built-in framework's id or alias, or a bundled project's id (`polars`,
    `npm:react`, `pola-rs/polars`: `fwtrend refresh --project` reads a name into one). Default: the 11."""
    if not names:
        return list(cat)
    chosen: list[Framework] = []
    for name in names:
        fid = cat.resolve(name) or (name if name in cat else None)
        if fid is None:
            raise UsageError(f"unknown framework {name!r} (known: {', '.join(cat.ids())})")
        if cat[fid] not in chosen:
            chosen.append(cat[fid])
    return chosen


def default_client() -> httpx.AsyncClient:
    return httpx.AsyncClient(
        timeout=httpx.Timeout(30.0, connect=10.0),
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "gzip, deflate"},
        follow_redirects=True,
        limits=httpx.Limits(max_connections=32, max_keepalive_connections=16),
    )


class StoredFigures:
    """What sources may read of the store (the `Stored` interface), over a real store."""

    def __init__(self, store: Store):
        self.store = store

    def latest_date(self, framework: str, metric: str, source: str) -> str | None:
        return latest_date(self.store, framework, metric, source)

    def stored_dates(self, framework: str, metric: str, source: str) -> set[str]:
        return stored_dates(self.store, framework, metric, source)

    def meta(self, key: str) -> str | None:
        return self.store.get_meta(key)


def _write(store: Store, batch: Batch, run_id: int, status: str = "ok", error: str | None = None) -> int:
    """All of a unit's rows and its run record, in one transaction: the only place source rows are written.

    A failed unit writes only what its source got whole before failing (PartialFetch), recorded as failed.
    """
    with store.transaction():
        written = upsert_observations(store, batch.rows)
        if batch.languages:
            replace_languages(store, batch.languages)
        for key, value in batch.meta.items():
            store.set_meta(key, value)
        finish_run(store, run_id, status, written, error)
    return written


async def _run_unit(ctx: Context, store: Store, source: Source, fw: Framework) -> UnitResult:
    run_id = start_run(store, source.id, fw.id)
    result = UnitResult(source.id, fw.id, "ok")
    try:
        batch = await source.fetch(ctx, fw)
        result.notes = batch.notes
        result.skipped = batch.skipped
        result.rows = _write(store, batch, run_id)
    except PartialFetch as exc:
        result.status, result.error, result.notes = "failed", str(exc), exc.batch.notes
        try:
            result.rows = _write(store, exc.batch, run_id, "failed", result.error)
            return result
        except Exception as write_exc:  # the figures could not land: record the failure with no rows
            log.exception("writing what %s got for %s failed", source.id, fw.id)
            result.rows, result.error = 0, f"{result.error}; then {type(write_exc).__name__}: {write_exc}"
    except SourceError as exc:
        result.status, result.error = "failed", str(exc)
    except asyncio.CancelledError:
        finish_run(store, run_id, "failed", 0, "cancelled")
        raise
    except Exception as exc:  # a bug or an unforeseen answer must not sink the other sources
        log.exception("refresh of %s for %s crashed", source.id, fw.id)
        result.status, result.error = "failed", f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
    if result.status != "ok":
        finish_run(store, run_id, "failed", 0, result.error)
    return result


async def refresh_async(
    store: Store,
    sources: Iterable[str] | None = None,
    frameworks: Iterable[str] | None = None,
    *,
    client_factory: Callable[[], httpx.AsyncClient] | None = None,
    progress: Progress | None = None,
    settings: Settings | None = None,
    clock: Clock | None = None,
    today: date | None = None,
    cat: Catalog | None = None,
    source_overrides: dict[str, dict[str, Any]] | None = None,
) -> RefreshReport:
    settings = settings or get_settings()
    cat = cat or catalog()
    source_ids = resolve_sources(sources)
    fws = resolve_frameworks(frameworks, cat)
    started = time.monotonic()
    migrate(store)
    if not frameworks:  # the daily refresh: the built-in frameworks plus every workspace's tracked projects
        fws += [cat[p] for p in every_watched(store) if p in cat and cat[p] not in fws]
    instances = [SOURCES[sid](settings) for sid in source_ids]
    for inst in instances:  # e.g. the benchmark shortens arXiv's pacing and says so
        for attr, value in (source_overrides or {}).get(inst.id, {}).items():
            setattr(inst, attr, value)
    policies = {inst.host(): inst.policy() for inst in instances}
    report = RefreshReport(sources=source_ids, frameworks=[f.id for f in fws])
    client = (client_factory or default_client)()
    async with client:
        fetcher = Fetcher(client, clock=clock or Clock(), policies=policies)
        ctx = Context(fetcher=fetcher, settings=settings, stored=StoredFigures(store), today=today or utc_today())
        units = []
        for inst in instances:
            applicable = [fw for fw in fws if inst.applies_to(fw)]
            await inst.prepare(ctx, applicable)
            units.extend((inst, fw) for fw in applicable)

        async def one(inst: Source, fw: Framework) -> UnitResult:
            result = await _run_unit(ctx, store, inst, fw)
            if progress:
                progress.done(result)
            return result

        if progress:
            per_source = Counter(inst.id for inst, _ in units)
            progress.plan({sid: per_source[sid] for sid in source_ids}, fetcher.requests)
        try:
            report.units = list(await asyncio.gather(*(one(inst, fw) for inst, fw in units)))
        finally:
            if progress:
                progress.close()
        for inst in instances:
            for key, value in (await inst.finish(ctx)).items():
                store.set_meta(key, value)
        report.requests = {sid: fetcher.requests.get(sid, 0) for sid in source_ids}
    report.seconds = time.monotonic() - started
    return report


def run_refresh(
    store: Store,
    sources: Iterable[str] | None = None,
    frameworks: Iterable[str] | None = None,
    *,
    client_factory: Callable[[], httpx.AsyncClient] | None = None,
    progress: Progress | None = None,
    **options: Any,
) -> RefreshReport:
    """Refresh `sources` (ids or aliases; default all) for `frameworks` (ids or aliases; default all).

    Raises UsageError for unknown names. Extra options (settings, clock, today, cat, source_overrides)
    are for tests, replays and the benchmark.
    """
    return asyncio.run(
        refresh_async(store, sources, frameworks, client_factory=client_factory, progress=progress, **options)
    )


# -- `fwtrend sources` -------------------------------------------------------------------------------------


def sources_status(store: Store, *, now: datetime | None = None) -> list[dict[str, Any]]:
    """`bot.store.refresh_runs.sources_status` for every source a refresh knows, in the order it reports them."""
    return refresh_runs.sources_status(store, source_infos(), now=now)


def source_infos() -> list[SourceInfo]:
    """(id, name, stale_after_days) of every source, in the order a refresh reports them."""
    return [SourceInfo(sid, cls.name, cls.stale_after_days) for sid, cls in SOURCES.items()]
