"""The watch list's words: `track NAME…`, `untrack NAME…`, `tracking`, and their plain-English forms
("keep an eye on polars", "stop tracking polars", "what are we tracking").

The names are read like any project name (`grammar.parse`: framework names and aliases, bundled projects'
names, `pypi:` / `npm:` packages, `owner/repo`, URLs). A list may be written with commas or "and"
("polars, duckdb and ibis-framework") or with spaces only ("polars duckdb"); a multi-word name such as
"pytorch lightning" is read whole where it is one. What is found nowhere stays in `unknown`, with the
grammar's "did you mean" hints and "not tracked" reasons, so the reply answers it like any unknown name.
"""

from __future__ import annotations

import re
from datetime import date

from bot.catalog import Catalog
from bot.understanding.grammar import parse
from bot.understanding.query import Query
from bot.understanding.text import add_unknown

WATCH_INTENTS = frozenset({"track", "untrack", "tracking"})

# The plain-English cues of each intent (checked untrack, tracking, track: "stop tracking" before "tracking").
CUES: dict[str, re.Pattern[str]] = {
    "untrack": re.compile(
        r"\b(?:stop|quit|cease) (?:tracking|watching|following)\b|\buntrack\b|\bno longer (?:track|watch)\b"
        r"|\b(?:remove|drop|take) .{1,80} (?:from|off) (?:the |our |my |this )?watch ?list\b"
    ),
    "tracking": re.compile(
        r"\bwhat (?:are|is|am) (?:we|you|i|this workspace) (?:tracking|watching)\b"
        r"|\bwhat(?: projects)? (?:is|are) (?:being )?(?:tracked|watched|on (?:the |our |my )?watch ?list)\b"
        r"|\b(?:show|list)(?: me| us)? (?:the |our |my )?watch ?list\b|^(?:our |my |the )?watch ?list$|^tracking$"
    ),
    "track": re.compile(
        r"\bkeep (?:an|a close) eye on\b|\bstart (?:tracking|watching)\b"
        r"|\b(?:add|put) .{1,80} (?:to|on) (?:the |our |my |this )?watch ?list\b"
        r"|\b(?:please |can you |could you )track\b|^track\b"
    ),
}

# The cue words and fillers taken out of a plain-English request to leave its names.
_CUE_WORDS = re.compile(
    r"\b(?:please|can you|could you|would you|for (?:me|us)|anymore|any more|keep (?:an|a close) eye on"
    r"|(?:stop|quit|cease|start) (?:tracking|watching|following)|no longer (?:track|watch)|untrack|track"
    r"|(?:add|put|remove|drop|take)|(?:to|on|from|off) (?:the |our |my |this )?watch ?list)\b",
    re.I,
)
_LIST = re.compile(r"\s*(?:,|;|&|\+|\band\b)\s*", re.I)


def watch_intent(text: str) -> str | None:
    """The watch-list intent a plain-English text asks for (normalised, lower-case text), or None."""
    for intent, cue in CUES.items():
        if cue.search(text):
            return intent
    return None


def english_names(cleaned: str) -> str:
    """The names in a plain-English watch-list request: the text without its cue words and fillers."""
    rest = _CUE_WORDS.sub(" ", cleaned)
    return re.sub(r"\s+", " ", rest).strip(" ?!.")


def watch_query(intent: str, names: str, *, text: str, today: date, cat: Catalog) -> Query:
    """The Query for `track` / `untrack` (the names read into `frameworks`, in order, each once) or
    `tracking` (no names). `args` keeps the names as typed."""
    if intent == "tracking":
        return Query(intent="tracking", text=text)
    query = Query(intent=intent, args=names, text=text)  # type: ignore[arg-type]
    whole = parse(names, today=today, cat=cat) if names.strip() else None
    if whole is None:
        return query
    if not whole.unknown and whole.frameworks:
        return _with(query, [whole])
    # Some name was not read: read each listed part, and a part that is not one name word by word.
    readings = []
    for part in (p for p in _LIST.split(names) if p and p.strip()):
        one = parse(part, today=today, cat=cat)
        if (one.unknown or not one.frameworks) and len(part.split()) > 1:
            readings += [parse(word, today=today, cat=cat) for word in part.split()]
        else:
            readings.append(one)
    for reading in readings:
        if not reading.frameworks and not reading.unknown:  # a command or metric word alone: still a name
            reading.unknown.append(reading.text)
    return _with(query, readings)


def _with(query: Query, readings: list[Query]) -> Query:
    frameworks: list[str] = []
    unknown: list[str] = []
    suggestions: dict[str, list[str]] = {}
    not_tracked: dict[str, str] = {}
    notes: list[str] = []
    for r in readings:
        frameworks += [f for f in r.frameworks if f not in frameworks]
        for name in r.unknown:
            add_unknown(unknown, name)
        suggestions.update(r.suggestions)
        not_tracked.update(r.not_tracked)
        notes += [n for n in r.notes if n not in notes]
    return query.model_copy(
        update={
            "frameworks": frameworks,
            "unknown": unknown,
            "suggestions": {k: v for k, v in suggestions.items() if k in unknown},
            "not_tracked": {k: v for k, v in not_tracked.items() if k in unknown},
            "notes": notes,
        }
    )
