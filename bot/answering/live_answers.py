"""The words of a live look-up: the "Looking up …" line, and how an answer says what the look-up found,
what exists nowhere, which source could not be reached, and when the hourly limit allows the next one.

Takes the look-up's outcome as plain data (any object with the `bot.ingest.live.lookup.Outcome` fields),
so answering needs nothing from the ingest side.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from itertools import product
from typing import Any, Protocol

from bot.answering.model import Answer
from bot.catalog import catalog
from bot.understanding.clarify import MAX_READINGS, settle
from bot.understanding.query import Query

NOWHERE = {
    "any": "I found no PyPI or npm package or GitHub repository named “{name}”.",
    "pypi": "I found no PyPI package named “{name}”.",
    "npm": "I found no npm package named “{name}”.",
    "github": "I found no GitHub repository named “{name}”.",
}


class Refusal(Protocol):
    scope: str
    limit: int
    retry_at: float


class Reading(Protocol):
    """A package a registry has (`bot.ingest.live.registries.Package`)."""

    registry: str
    name: str
    summary: str
    repo: str | None


class LookupResult(Protocol):
    readings: dict[str, tuple[Reading, ...]]
    found: dict[str, str]
    nowhere: dict[str, str]
    unreached: dict[str, list[str]]
    notes: list[str]
    refused: Any


def looking_up_text(candidates: Sequence[tuple[str, Sequence[str]]]) -> str:
    """ "Looking up polars on PyPI, npm and GitHub…" for (typed name, registries asked first) pairs; GitHub is
    reached through the packages' own links, so it is named after them."""
    parts = []
    for typed, registries in candidates:
        places = list(registries) + (["GitHub"] if "GitHub" not in registries else [])
        where = places[0] if len(places) == 1 else ", ".join(places[:-1]) + " and " + places[-1]
        parts.append(f"{typed} on {where}")
    return f"Looking up {'; '.join(parts)}…"


def limit_text(refused: Refusal, now: datetime | None = None) -> str:
    """When the next look-up is allowed, and that the bundled projects still answer."""
    now = now or datetime.now(UTC)
    when = datetime.fromtimestamp(refused.retry_at, UTC)
    minutes = max(1, round((when - now).total_seconds() / 60))
    whose = "for this workspace" if refused.scope == "workspace" else "across all workspaces"
    return (
        f"I've made my {refused.limit} live look-ups an hour {whose}, so I can't look that up now: try again "
        f"after {when:%H:%M} UTC (in about {minutes} minute{'s' * (minutes != 1)}). The 11 frameworks and the "
        "~3,800 bundled projects still answer at once."
    )


def nearest_names(name: str, query: Query, limit: int = 3) -> list[str]:
    """The known names closest to `name`: the reader's own suggestions, else the closest project names."""
    cat = catalog()
    suggested = [cat[fid].name for fid in query.suggestions.get(name, []) if fid in cat]
    if suggested:
        return suggested[:limit]
    pool = [fw.id for fw in cat] + list(cat.project_names())
    return difflib.get_close_matches(name.lower(), pool, n=limit, cutoff=0.75)


def after_lookup(query: Query, outcome: LookupResult) -> Query | Answer:
    """The question to answer once a look-up is done (`query` re-read, so found projects are names now),
    with the look-up's notes; or, when no name is left with figures to show, the answer itself."""
    lines: list[str] = []
    if outcome.refused is not None:
        lines.append(limit_text(outcome.refused))
    for name, where in outcome.nowhere.items():
        near = nearest_names(name, query)
        lines.append(NOWHERE[where].format(name=name) + (f" Nearest names I know: {', '.join(near)}." if near else ""))
    for name, failures in outcome.unreached.items():
        lines.append(
            f"I couldn't reach {' or '.join(failures)} to look up “{name}”, so I can't tell whether it exists: "
            "try again later."
        )
    lines += outcome.notes
    if outcome.readings:
        return which_reading(query, outcome.readings, lines)
    gone = set(outcome.nowhere)
    unknown = [n for n in query.unknown if n not in gone and not _covered(n, gone)]
    if not query.frameworks:
        if not lines:
            return query
        title = "Not found" if outcome.nowhere else "Couldn't look that up"
        return Answer("clarify", query.model_copy(update={"unknown": unknown}), title, lines[0], lines=lines[1:])
    return query.model_copy(
        update={
            "unknown": unknown,
            "suggestions": {k: v for k, v in query.suggestions.items() if k in unknown},
            "notes": [*query.notes, *lines],
        }
    )


def _covered(name: str, gone: set[str]) -> bool:
    """ "owner" and "repo" of a bare "owner/repo" found nowhere."""
    return any("/" in g and name in g.split("/") for g in gone)


REGISTRY_NAMES = {"pypi": "PyPI", "npm": "npm"}


def reading_id(reading: Reading) -> str:
    """How a button names a reading where a project id goes: `npm:react`, `pypi:react` (also what to type)."""
    return f"{reading.registry}:{reading.name}"


def describe_reading(reading: Reading) -> str:
    """ "the npm package react (facebook/react, “React is a JavaScript library …”)"."""
    extra = [reading.repo] if reading.repo else []
    if reading.summary:
        summary = reading.summary if len(reading.summary) <= 80 else reading.summary[:79] + "…"
        extra.append(f"“{summary}”")
    head = f"the {REGISTRY_NAMES[reading.registry]} package {reading.name}"
    return f"{head} ({', '.join(extra)})" if extra else head


def which_reading(query: Query, readings: Mapping[str, Sequence[Reading]], notes: list[str]) -> Answer:
    """ "Which “react”? the npm package react (facebook/react, …) or the PyPI package react (…)?", one line per
    reading with what to type for it, and one button per reading (each combination, when several names are
    two packages, at most MAX_READINGS) answering the question with that reading."""
    questions = [
        f"Which “{name}”? " + " or ".join(describe_reading(r) for r in options) + "?"
        for name, options in readings.items()
    ]
    lines = [f"• `{reading_id(r)}`: {describe_reading(r)}" for options in readings.values() for r in options]
    lines.append("No source links them, so they are two projects to me: pick one, or type its name as shown.")
    alternatives = []
    for combo in list(product(*readings.values()))[:MAX_READINGS]:
        frameworks = [*query.frameworks, *(reading_id(r) for r in combo)]
        intent = "profile" if query.intent in {"unknown", "clarify", "leaderboard", "help"} else query.intent
        picked = query.model_copy(
            update={
                "frameworks": frameworks,
                "intent": intent,
                "unknown": [n for n in query.unknown if n not in readings],
                "alternatives": [],
                "question": None,
            }
        )
        alternatives.append(settle(picked))
    question = " ".join(questions)
    asking = query.model_copy(update={"intent": "clarify", "question": question, "alternatives": alternatives})
    return Answer("clarify", asking, "Which one?", question, lines=[*lines, *notes], suggestions=alternatives)
