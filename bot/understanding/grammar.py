"""The strict slash-command grammar: text → `Query` (see `bot.understanding.query`), and back (`query_text`).

    A vs B [vs C…]         compare (also "A, B and C")
    A                      profile: every metric of one framework
    top [metric]           leaderboard
    help | sources | article | subscribe … | unsubscribe | subscriptions
    track NAME… | untrack NAME… | tracking   the workspace's watch list
    alert … | alerts | alert remove N         a channel's alerts (read by `alert_words`)

Any of these may carry a metric word (stars, new stars, forks, contributors, downloads, npm,
questions, models, papers, survey) and a period (since 2020, last 6 months, in 2023, 2019-2021,
this year, ytd). The parser never raises: whatever the text, it returns a Query, with what it did
not understand in `unknown` and "did you mean" hints in `suggestions`.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from bot.catalog import Catalog, catalog
from bot.understanding.metric_words import find_metric, metric_word
from bot.understanding.name_match import names_in, npm_name_in, suggest
from bot.understanding.names import find_refs, name_notes, short_name, untracked_names
from bot.understanding.period_words import rewrite_periods
from bot.understanding.periods import MONTHS, add_months, period_text, read_dates, year_ok
from bot.understanding.project_readings import all_readings, ambiguity_note, typed_name
from bot.understanding.projects import fills_its_slot, project_reading
from bot.understanding.qualifiers import (
    asked_aligned,
    asked_scale,
    grain_notes,
    qualifier_notes,
    take_grain,
    take_qualifiers,
)
from bot.understanding.query import Query
from bot.understanding.registries import registry_metric
from bot.understanding.text import MAX_TEXT, add_unknown, clean_text

COMMANDS = {
    "help": "help",
    "?": "help",
    "sources": "sources",
    "source": "sources",
    "top": "leaderboard",
    "rank": "leaderboard",
    "ranking": "leaderboard",
    "leaderboard": "leaderboard",
    "subscribe": "subscribe",
    "unsubscribe": "unsubscribe",
    "subscriptions": "subscriptions",
    "article": "article",
    "track": "track",
    "untrack": "untrack",
    "tracking": "tracking",
    "alert": "alert",
    "alerts": "alerts",
}

SEPARATORS = re.compile(r"\s*(?:\bvs\.?\b|\bversus\b|\bagainst\b|\bcompared (?:to|with)\b|,|&|\+|/|\band\b|\bor\b)\s*")
# "profile" and "overview" name the answer one framework gets, so they are read, not left over.
FILLER = {"profile", "overview"}
FILLER |= {"", "the", "a", "an", "of", "for", "by", "in", "on", "with", "me", "show", "compare", "chart", "please"}

# The slash grammar has never read "sept" (the English reader and period ranges do); kept so readings stay.
_MONTHS = {name: number for name, number in MONTHS.items() if name != "sept"}
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))


# The longest period a "last N …" reaches back, in each unit (30 years).
MAX_BACK = {"day": 10957, "week": 1565, "month": 360, "year": 30}


def parse_period(
    text: str, today: date, notes: list[str] | None = None
) -> tuple[date | None, date | None, str | None, str]:
    """Find a period in the text. Returns (since, until, label, text without the period).

    What cannot be taken as typed is said in `notes` (when given): an impossible month ("since 2021-13")
    or a period starting after `today` is left out; "last 999 years" is shortened to `MAX_BACK`.
    """
    notes = [] if notes is None else notes
    patterns: list[tuple[str, object]] = [
        (r"\b(?:between|from)\s+(\d{4})\s+(?:and|to|until|-)\s+(\d{4})\b", "range"),
        (r"\b(\d{4})\s*(?:-|–|to|until)\s*(\d{4})\b", "range"),
        (r"\b(?:since|from|after)\s+(" + _MONTH_RE + r")\.?\s+(\d{4})\b", "since_month_name"),
        (r"\b(?:since|from|after)\s+(\d{4})-(\d{1,2})-(\d{1,2})\b", "since_day"),
        (r"\b(?:since|from|after)\s+(\d{4})-(\d{1,2})\b(?!-)", "since_month"),
        (r"\b(?:since|from|after)\s+(\d{4})\b(?!-\d)", "since_year"),
        (r"\b(?:in\s+the\s+)?(?:last|past)\s+(\d+)\s+(day|week|month|year)s?\b", "last_n"),
        (r"\b(?:over\s+)?(?:the\s+)?(?:last|past)\s+(day|week|month|year|decade)\b", "last_one"),
        (r"\b(?:this\s+year|ytd|year\s+to\s+date)\b", "ytd"),
        (r"\blast\s+year\b", "last_year"),
        (r"\b(?:all[\s-]time|ever|all\s+history)\b", "all"),
        (r"\bin\s+(\d{4})\b", "in_year"),
    ]
    lowered = text.lower()
    for pattern, kind in patterns:
        m = re.search(pattern, lowered)
        if not m:
            continue
        since = until = None
        label = None
        if kind == "range":
            a, b = sorted((int(m.group(1)), int(m.group(2))))
            if not (year_ok(a) and year_ok(b)):
                continue
            since, until, label = date(a, 1, 1), date(b, 12, 31), f"{a}–{b}"
        elif kind == "since_month_name":
            year = int(m.group(2))
            if not year_ok(year):
                continue
            since = date(year, _MONTHS[m.group(1)], 1)
            label = f"since {since:%B %Y}"
        elif kind == "since_day":
            try:
                since = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                notes.append(f"I couldn't read “{text[m.start(1) : m.end(3)]}” as a date, so I left out that period.")
                return None, None, None, _without(text, m)
            if not year_ok(since.year):
                continue
            label = f"since {since.isoformat()}"
        elif kind == "since_month":
            year, month = int(m.group(1)), int(m.group(2))
            if not year_ok(year):
                continue
            if not 1 <= month <= 12:
                typed = text[m.start(1) : m.end(2)]
                notes.append(f"I couldn't read “{typed}” as a month, so I left out that period.")
                return None, None, None, _without(text, m)
            since, label = date(year, month, 1), f"since {date(year, month, 1):%B %Y}"
        elif kind == "since_year":
            year = int(m.group(1))
            if not year_ok(year):
                continue
            since, label = date(year, 1, 1), f"since {year}"
        elif kind == "last_n" or kind == "last_one":
            n = int(m.group(1)) if kind == "last_n" else 1
            unit = m.group(2) if kind == "last_n" else m.group(1)
            if unit != "decade" and not 1 <= n <= MAX_BACK[unit]:
                typed, n = n, max(1, min(n, MAX_BACK[unit]))
                used = unit if n == 1 else f"{n} {unit}s"
                notes.append(f"I can't go back {typed:,} {unit}s: I used the last {used}.")
            if unit == "day":
                since = today - timedelta(days=n)
            elif unit == "week":
                since = today - timedelta(weeks=n)
            elif unit == "month":
                since = add_months(today, -n)
            elif unit == "decade":
                since = add_months(today, -120)
            else:
                since = add_months(today, -12 * n)
            word = unit if n == 1 else unit + "s"
            label = f"last {word}" if n == 1 else f"last {n} {word}"
        elif kind == "ytd":
            since, label = date(today.year, 1, 1), f"{today.year} so far"
        elif kind == "last_year":
            since, until, label = date(today.year - 1, 1, 1), date(today.year - 1, 12, 31), f"in {today.year - 1}"
        elif kind == "all":
            label = "all history"
        elif kind == "in_year":
            year = int(m.group(1))
            if not year_ok(year):
                continue
            since, until, label = date(year, 1, 1), date(year, 12, 31), f"in {year}"
        if since and since > today:
            notes.append(f"“{text[m.start() : m.end()]}” is in the future, so I left out that period.")
            return None, None, None, _without(text, m)
        return since, until, label, _without(text, m)
    return None, None, None, text


def _without(text: str, m: re.Match[str]) -> str:
    return (text[: m.start()] + " " + text[m.end() :]).strip()


_AT_PATTERNS: list[tuple[str, str]] = [
    (r"\b(?:as\s+(?:of|at)|on|at)\s+(\d{4})-(\d{1,2})-(\d{1,2})\b", "day"),
    (r"\b(?:at\s+)?(?:the\s+)?end\s+of\s+(" + _MONTH_RE + r")\.?\s+(\d{4})\b", "month_end"),
    (r"\b(?:at\s+)?(?:the\s+)?end\s+of\s+(\d{4})\b", "year_end"),
    (r"\b(?:in|during|as\s+of|as\s+at|at|on|by)\s+(" + _MONTH_RE + r")\.?\s+(\d{4})\b", "month_name"),
    (r"\b(?:in|during|as\s+of|as\s+at|at|on|by)\s+(\d{4})-(\d{1,2})\b(?!-)", "month"),
    (r"\bas\s+(?:of|at)\s+(\d{4})\b(?!-)", "year_end"),
]


def parse_at(
    text: str, today: date | None = None, notes: list[str] | None = None
) -> tuple[date | None, bool, str | None, str]:
    """Find a point in time. Returns (date, names a whole month, label, text without it).

    "in 2023" stays a period (see `parse_period`); a month, a day or "the end of" a year is a point.
    An impossible date ("2023-02-30") or one after `today` is left out and said in `notes` (when given).
    """
    notes = [] if notes is None else notes
    lowered = text.lower()
    for pattern, kind in _AT_PATTERNS:
        m = re.search(pattern, lowered)
        if not m:
            continue
        try:
            if kind == "day":
                at, month, label = date(int(m.group(1)), int(m.group(2)), int(m.group(3))), False, None
            elif kind == "year_end":
                at, month, label = date(int(m.group(1)), 12, 31), False, f"end of {m.group(1)}"
            elif kind == "month_end":
                year, mon = int(m.group(2)), _MONTHS[m.group(1)]
                at, month = date(year, mon, calendar.monthrange(year, mon)[1]), False
                label = f"end of {at:%B %Y}"
            else:
                mon = _MONTHS[m.group(1)] if kind == "month_name" else int(m.group(2))
                at, month = date(int(m.group(2 if kind == "month_name" else 1)), mon, 1), True
                label = f"{at:%B %Y}"
        except ValueError:  # 2023-13, 2023-02-30
            if kind in ("day", "month") and year_ok(int(m.group(1))):
                typed = text[m.start(1) : m.end(m.lastindex or 1)]
                what = "date" if kind == "day" else "month"
                notes.append(f"I couldn't read “{typed}” as a {what}, so I left it out.")
                return None, False, None, _without(text, m)
            continue
        if not year_ok(at.year):
            continue
        if today is not None and at > today:
            notes.append(f"“{text[m.start() : m.end()]}” is in the future, so I left it out.")
            return None, False, None, _without(text, m)
        return at, month, label or at.isoformat(), _without(text, m)
    return None, False, None, text


def parse(text: str, *, today: date | None = None, cat: Catalog | None = None) -> Query:
    """Parse the slash-command grammar. Never raises."""
    cat = cat or catalog()
    today = today or date.today()
    raw = text
    text, truncated = clean_text(text)
    if not text:
        return Query(intent="help", text=raw[:MAX_TEXT], truncated=truncated)

    first, _, rest_of_text = text.partition(" ")
    command = COMMANDS.get(first.lower().rstrip(":"))
    if command in {"subscribe", "unsubscribe", "subscriptions"}:
        frameworks, _ = names_in(re.sub(r"[,&+/]", " ", find_refs(rest_of_text, cat)[0].lower()), cat)
        return Query(intent=command, frameworks=frameworks, args=rest_of_text, text=text, truncated=truncated)
    if command in {"help", "sources", "article"}:
        return Query(intent=command, text=text, truncated=truncated)
    if command in {"track", "untrack", "tracking"}:  # the names are read by `watch_names.watch_query`
        return Query(intent=command, args=rest_of_text, text=text, truncated=truncated)
    if command in {"alert", "alerts"}:  # the rule is read by `alert_words.alert_query`
        return Query(intent=command, args=rest_of_text, text=text, truncated=truncated)

    body = rest_of_text if command == "leaderboard" else text
    if command is None and re.search(r"\barticle\b", body.lower()):
        return Query(intent="article", text=text, truncated=truncated)  # "was the 2023 article right?"
    notes: list[str] = []
    body = rewrite_periods(body, today, notes)
    body, refs = find_refs(body, cat)
    qualifiers, body = take_qualifiers(body)
    d = read_dates(body, today, notes, point=parse_at, periods=[parse_period])
    asked = body = d.rest
    metric, rate, body = find_metric(body)
    grains, body = take_grain(body)
    notes += qualifier_notes(qualifiers, metric) + grain_notes(grains, metric)
    scale = asked_scale(qualifiers)
    aligned = asked_aligned(qualifiers)
    if command is None and re.search(r"\blanguages?\b", body.lower()):
        body = re.sub(r"\blanguages?\b", " ", body, flags=re.I)
        command = "languages"

    frameworks: list[str] = []
    unknown: list[str] = []
    typed: list[tuple[str, str]] = []
    ambiguous: dict[str, str] = {}
    for segment in SEPARATORS.split(body.lower()):
        segment = re.sub(r"[^\w.\s-]", " ", segment).strip()
        if not segment:
            continue
        found, leftover = names_in(segment, cat, typed)
        for fid in found:
            if fid not in frameworks:
                frameworks.append(fid)
        # "_x_" is Slack's italics: the name is "x".
        name = " ".join(w.strip("_") for w in leftover if w.strip("_") not in FILLER)
        slot = fills_its_slot(segment.split(), name) or not (frameworks or found)
        project, note, options = project_reading(name, refs, cat, metric) if name and slot else (None, None, ())
        if project:
            frameworks += [] if project in frameworks else [project]
            notes += [note] if note else []
        elif name:
            add_unknown(unknown, short_name(name))
            if options:  # several projects answer to it: the English reader asks which
                ambiguous[short_name(name)] = ambiguity_note(name, all_readings(name, cat), cat)

    not_tracked = untracked_names(refs, unknown) | ambiguous
    notes.extend(name_notes(typed, refs, cat))
    suggestions = {name: s for name in unknown if (s := suggest(name, cat)) and name not in not_tracked}
    # Naming an npm package ("@tensorflow/tfjs", "tfjs") asks about its npm downloads, never PyPI's.
    metric, registry_notes = registry_metric(
        metric, refs, asked, npm_word=npm_name_in(asked.lower()), cat=cat, frameworks=frameworks
    )
    notes.extend(registry_notes)
    if command == "leaderboard":
        intent = "leaderboard"
    elif command == "languages":
        intent = "languages"
    elif unknown and not frameworks:
        intent = "unknown"
    elif len(frameworks) >= 2 or (frameworks and metric):
        intent = "compare"
    elif frameworks:
        intent = "profile"
    elif metric:
        intent = "leaderboard"
    else:
        intent = "unknown"
    return Query(
        intent=intent,
        frameworks=frameworks,
        metric=metric,
        rate=rate,
        since=d.since,
        until=d.until,
        at=d.at,
        at_month=d.at_month,
        period_label=d.at_label or d.label,
        unknown=unknown,
        suggestions=suggestions,
        text=text,
        truncated=truncated,
        notes=notes,
        not_tracked=not_tracked,
        scale=scale,
        aligned=aligned,
    )


def query_text(query: Query) -> str:
    """The command text that parses back to (nearly) this query: for buttons, hints and follow-ups."""
    parts: list[str] = []
    names = [typed_name(f, catalog()) for f in query.frameworks]  # `pypi:acme`, not "acme" (two projects)
    if query.intent == "leaderboard":
        parts.append("top")
    elif query.intent in {"help", "sources", "article", "subscriptions", "unsubscribe", "tracking"}:
        return query.intent
    elif query.intent in {"track", "untrack", "alert", "alerts"}:
        return f"{query.intent} {query.args}".strip()
    elif query.intent == "alert_remove":
        return f"alert remove {query.alert.number if query.alert and query.alert.number else ''}".strip()
    elif query.intent == "crossover" and len(names) == 2:
        parts.append(f"has {names[0]} passed {names[1]}")
    elif query.intent == "growth":
        parts.append("growth of")
    if not (query.intent == "crossover" and len(query.frameworks) == 2):
        parts.append(" vs ".join(names))
    if query.intent == "languages":
        parts.append("languages")
    if query.metric:
        word = metric_word(query.metric)
        if query.rate and query.metric in ("github_stars", "github_forks"):
            word = "new " + word
        parts.append(word)
    parts.append(period_text(query.since, query.until))
    if query.at:
        parts.append(f"as of {query.at:%Y-%m}" if query.at_month else f"on {query.at.isoformat()}")
    return " ".join(p for p in parts if p)
