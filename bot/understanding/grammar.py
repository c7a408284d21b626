"""What a user asked for, as a `Query`, and the parser for the slash-command grammar.

    A vs B [vs C…]         compare (also "A, B and C")
    A                      profile: every metric of one framework
    top [metric]           leaderboard
    help | sources | article | subscribe … | unsubscribe | subscriptions

Any of these may carry a metric word (stars, new stars, forks, contributors, downloads, npm,
questions, models, papers, survey) and a period (since 2020, last 6 months, in 2023, 2019-2021,
this year, ytd). The parser never raises: whatever the text, it returns a Query, with what it did
not understand in `unknown` and "did you mean" hints in `suggestions`.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from datetime import date, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from rapidfuzz import fuzz, process

from bot.catalog import Catalog, catalog
from bot.understanding.names import find_refs, is_project_url, name_notes, untracked_names
from bot.understanding.periods import period_text, read_dates
from bot.understanding.qualifiers import asked_scale, qualifier_notes, take_qualifiers

MAX_TEXT = 500

Intent = Literal[
    "compare",
    "profile",
    "leaderboard",
    "growth",
    "crossover",
    "help",
    "sources",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "article",
    "languages",
    "clarify",
    "unknown",
]


class Query(BaseModel):
    intent: Intent
    frameworks: list[str] = Field(default_factory=list)
    metric: str | None = None
    since: date | None = None
    until: date | None = None
    rate: bool = False
    """The per-period form of a cumulative metric (new stars per month rather than total stars)."""
    at: date | None = None
    """A point in time the user asked about ("stars in january 2023")."""
    at_month: bool = False
    """`at` names a whole month (its first day): the answer takes that month's first observation."""
    period_label: str | None = None
    unknown: list[str] = Field(default_factory=list)
    suggestions: dict[str, list[str]] = Field(default_factory=dict)
    args: str = ""
    """The rest of the text for commands that take their own arguments (subscribe)."""
    text: str = ""
    truncated: bool = False
    corrections: dict[str, str] = Field(default_factory=dict)
    """Typos read as a framework ("pytroch" → "pytorch"); answers say so rather than guess silently."""
    question: str | None = None
    """For intent "clarify": the one-line question to ask ("PyTorch or PyTorch Lightning?")."""
    alternatives: list[Query] = Field(default_factory=list)
    """For intent "clarify": the readings to offer as buttons."""
    followup: bool = False
    """Built from the previous question in a thread plus this text."""
    notes: list[str] = Field(default_factory=list)
    """What the reader could not take as typed ("since 2021-13", a period in the future); answers show them."""
    not_tracked: dict[str, str] = Field(default_factory=dict)
    """Unknown names the catalog knows are another project than the framework they resemble → how they differ."""
    scale: str | None = None
    """A chart scale asked for, as typed ("log scale"); the answer says whether its chart has it."""

    def contract_dict(self) -> dict:
        """The shape `fwtrend parse` prints (contract keys first)."""
        out = {
            "intent": self.intent,
            "frameworks": self.frameworks,
            "metric": self.metric,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        extra = self.model_dump(mode="json", exclude={"intent", "frameworks", "metric", "since", "until", "text"})
        out.update({k: v for k, v in extra.items() if v not in (None, False, [], {}, "")})
        if self.alternatives:
            out["alternatives"] = [a.contract_dict() for a in self.alternatives]
        return out

    def cache_key(self) -> str:
        """What decides the figures of an answer (the same for every wording of the question)."""
        return self.model_dump_json(exclude={"text", "truncated", "followup", "notes"})

    def render_key(self) -> str:
        """What decides the whole message: the figures plus the notes on how this text was read."""
        return self.model_dump_json(exclude={"text"})


# Words that name a metric. Longer phrases first so "new stars" wins over "stars".
METRIC_WORDS: list[tuple[str, str, bool]] = [
    # (phrase, metric id, per-period form)
    ("new stars", "github_stars", True),
    ("stars per month", "github_stars", True),
    ("stars gained", "github_stars", True),
    ("star growth", "github_stars", True),
    ("stars by star date", "github_stars_retained", False),
    ("retained stars", "github_stars_retained", False),
    ("github stars", "github_stars", False),
    ("stargazers", "github_stars", False),
    ("stars", "github_stars", False),
    ("star", "github_stars", False),
    ("new forks", "github_forks", True),
    ("forks", "github_forks", False),
    ("fork", "github_forks", False),
    ("contributors", "github_contributors", False),
    ("contributor", "github_contributors", False),
    ("open issues", "github_open_issues", False),
    ("issues", "github_open_issues", False),
    ("npm downloads", "npm_downloads", False),
    ("npm", "npm_downloads", False),
    ("daily downloads", "pypi_downloads_daily", False),
    ("downloads per day", "pypi_downloads_daily", False),
    ("pypi downloads", "pypi_downloads", False),
    ("downloads", "pypi_downloads", False),
    ("download", "pypi_downloads", False),
    ("installs", "pypi_downloads", False),
    ("pypi", "pypi_downloads", False),
    ("stack overflow questions", "so_questions", False),
    ("stackoverflow questions", "so_questions", False),
    ("stack overflow", "so_questions", False),
    ("stackoverflow", "so_questions", False),
    ("questions", "so_questions", False),
    ("so", "so_questions", False),
    # The 2023 article's measures; before "models" and "usage" so the narrower phrase wins.
    ("framework-exclusive models", "hf_exclusive_model_share", False),
    ("exclusive models", "hf_exclusive_model_share", False),
    ("hugging face share", "hf_exclusive_model_share", False),
    ("models added", "hf_exclusive_models_added", False),
    ("papers with code share", "pwc_paper_share", False),
    ("papers with code", "pwc_paper_share", False),
    ("implementations", "pwc_paper_share", False),
    ("professional developers", "survey_usage_professional", False),
    ("professionals", "survey_usage_professional", False),
    ("hugging face models", "hf_models", False),
    ("hf models", "hf_models", False),
    ("models", "hf_models", False),
    ("arxiv papers", "arxiv_papers", False),
    ("arxiv", "arxiv_papers", False),
    ("papers", "arxiv_papers", False),
    ("research", "arxiv_papers", False),
    ("survey usage professional", "survey_usage_professional", False),
    ("survey professional", "survey_usage_professional", False),
    ("survey pros", "survey_usage_professional", False),
    ("survey loved", "survey_loved", False),
    ("loved", "survey_loved", False),
    ("survey", "survey_usage", False),
    ("usage", "survey_usage", False),
    ("hf share", "hf_exclusive_model_share", False),
    ("papers with code", "pwc_paper_share", False),
    ("pwc", "pwc_paper_share", False),
]

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
}

SEPARATORS = re.compile(r"\s*(?:\bvs\.?\b|\bversus\b|\bagainst\b|\bcompared (?:to|with)\b|,|&|\+|/|\band\b|\bor\b)\s*")
FILLER = {"", "the", "a", "an", "of", "for", "by", "in", "on", "with", "me", "show", "compare", "chart", "please"}

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))


# An HTML-like tag (<script>, </b>, <br/>) typed as text; not a Slack link such as <https://…>.
_TAG = re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>", re.I)


def clean_text(text: str) -> tuple[str, bool]:
    """Undo Slack's markup and strip anything that is not printable text; cap the length at a word."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"<[@#!][^>]*>", " ", text)  # user, channel and special mentions
    # A link to a project (GitHub, PyPI, npm, its web site) is read as that project; others by their label.
    text = re.sub(r"<(https?://[^|>]*)(?:\|[^>]*)?>", lambda m: f" {m[1]} " if is_project_url(m[1]) else m[0], text)
    text = re.sub(r"<(https?://[^|>]*)\|([^>]*)>", r"\2", text)
    text = re.sub(r"<(?:https?|mailto|tel):[^>]*>", " ", text)  # a bare link names no framework
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _TAG.sub(" ", text)  # markup typed as text ("<script>") is not a name
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > MAX_TEXT
    return cut_words(text, MAX_TEXT), truncated


def cut_words(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, dropping a word the cut would split."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace() and " " in head.strip():
        head = head.rsplit(" ", 1)[0]
    return head.strip()


def add_unknown(unknown: list[str], name: str) -> None:
    """Add an unknown name unless it repeats part of one already there ("script" after "script alert");
    a longer name replaces the shorter ones it contains."""
    if any(_contains(have, name) for have in unknown):
        return
    unknown[:] = [have for have in unknown if not _contains(name, have)]
    unknown.append(name)


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "


def _add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _year_ok(year: int) -> bool:
    return 2000 <= year <= 2100


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
        (r"\b(?:since|from|after)\s+(\d{4})-(\d{1,2})\b", "since_month"),
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
            if not (_year_ok(a) and _year_ok(b)):
                continue
            since, until, label = date(a, 1, 1), date(b, 12, 31), f"{a}–{b}"
        elif kind == "since_month_name":
            year = int(m.group(2))
            if not _year_ok(year):
                continue
            since = date(year, _MONTHS[m.group(1)], 1)
            label = f"since {since:%B %Y}"
        elif kind == "since_month":
            year, month = int(m.group(1)), int(m.group(2))
            if not _year_ok(year):
                continue
            if not 1 <= month <= 12:
                typed = text[m.start(1) : m.end(2)]
                notes.append(f"I couldn't read “{typed}” as a month, so I left out that period.")
                return None, None, None, _without(text, m)
            since, label = date(year, month, 1), f"since {date(year, month, 1):%B %Y}"
        elif kind == "since_year":
            year = int(m.group(1))
            if not _year_ok(year):
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
                since = _add_months(today, -n)
            elif unit == "decade":
                since = _add_months(today, -120)
            else:
                since = _add_months(today, -12 * n)
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
            if not _year_ok(year):
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
            if kind in ("day", "month") and _year_ok(int(m.group(1))):
                typed = text[m.start(1) : m.end(m.lastindex or 1)]
                what = "date" if kind == "day" else "month"
                notes.append(f"I couldn't read “{typed}” as a {what}, so I left it out.")
                return None, False, None, _without(text, m)
            continue
        if not _year_ok(at.year):
            continue
        if today is not None and at > today:
            notes.append(f"“{text[m.start() : m.end()]}” is in the future, so I left it out.")
            return None, False, None, _without(text, m)
        return at, month, label or at.isoformat(), _without(text, m)
    return None, False, None, text


def find_metric(text: str) -> tuple[str | None, bool, str]:
    lowered = f" {text.lower()} "
    for phrase, metric_id, rate in METRIC_WORDS:
        m = re.search(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", lowered)
        if m:
            rest = (lowered[: m.start()] + " " + lowered[m.end() :]).strip()
            return metric_id, rate, rest
    return None, False, text


def _names_in(segment: str, cat: Catalog, typed: list[tuple[str, str]] | None = None) -> tuple[list[str], list[str]]:
    """Frameworks named in a segment (longest names first) and the words left over; each name as typed
    is added to `typed` (when given) as (text, framework id)."""
    words = segment.split()
    found: list[tuple[int, str]] = []
    leftover: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(4, len(words) - i), 0, -1):
            fid = cat.resolve(" ".join(words[i : i + size]))
            if fid:
                found.append((i, fid))
                if typed is not None:
                    typed.append((" ".join(words[i : i + size]), fid))
                i += size
                break
        else:
            leftover.append(words[i])
            i += 1
    return [fid for _, fid in found], leftover


def suggest(name: str, cat: Catalog, limit: int = 2) -> list[str]:
    """Framework ids whose names look like `name` (for "did you mean …")."""
    if len(name) < 2:
        return []
    matches = process.extract(name.lower(), list(cat.names), scorer=fuzz.ratio, limit=6, score_cutoff=70)
    out: list[str] = []
    for candidate, _score, _ in matches:
        fid = cat.names[candidate]
        if fid not in out:
            out.append(fid)
    return out[:limit]


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
        frameworks, _ = _names_in(re.sub(r"[,&+/]", " ", find_refs(rest_of_text, cat)[0].lower()), cat)
        return Query(intent=command, frameworks=frameworks, args=rest_of_text, text=text, truncated=truncated)
    if command in {"help", "sources", "article"}:
        return Query(intent=command, text=text, truncated=truncated)

    body = rest_of_text if command == "leaderboard" else text
    if command is None and re.search(r"\barticle\b", body.lower()):
        return Query(intent="article", text=text, truncated=truncated)  # "was the 2023 article right?"
    notes: list[str] = []
    body, refs = find_refs(body, cat)
    qualifiers, body = take_qualifiers(body)
    d = read_dates(body, today, notes, point=parse_at, periods=[parse_period])
    body = d.rest
    metric, rate, body = find_metric(body)
    notes += qualifier_notes(qualifiers, metric)
    scale = asked_scale(qualifiers)
    if command is None and re.search(r"\blanguages?\b", body.lower()):
        body = re.sub(r"\blanguages?\b", " ", body, flags=re.I)
        command = "languages"

    frameworks: list[str] = []
    unknown: list[str] = []
    typed: list[tuple[str, str]] = []
    for segment in SEPARATORS.split(body.lower()):
        segment = re.sub(r"[^\w.\s-]", " ", segment).strip()
        if not segment:
            continue
        found, leftover = _names_in(segment, cat, typed)
        for fid in found:
            if fid not in frameworks:
                frameworks.append(fid)
        name = " ".join(w for w in leftover if w not in FILLER)
        if name:
            add_unknown(unknown, name[:60])

    not_tracked = untracked_names(refs, unknown)
    notes.extend(name_notes(typed, refs, cat))
    suggestions = {name: s for name in unknown if (s := suggest(name, cat)) and name not in not_tracked}
    if metric is None and any(r.registry == "npm" and r.framework for r in refs):
        metric = "npm_downloads"  # naming an npm package asks about its downloads, as "tfjs" does
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
    )


METRIC_WORD = {
    "github_stars": "stars",
    "github_stars_retained": "retained stars",
    "github_forks": "forks",
    "github_contributors": "contributors",
    "github_open_issues": "open issues",
    "pypi_downloads": "downloads",
    "pypi_downloads_daily": "daily downloads",
    "npm_downloads": "npm",
    "so_questions": "questions",
    "hf_models": "models",
    "arxiv_papers": "papers",
    "survey_usage": "survey",
    "survey_usage_professional": "survey professional",
    "survey_loved": "loved",
    "hf_exclusive_model_share": "hf share",
    "pwc_paper_share": "pwc",
}


def query_text(query: Query) -> str:
    """The command text that parses back to (nearly) this query: for buttons, hints and follow-ups."""
    parts: list[str] = []
    if query.intent == "leaderboard":
        parts.append("top")
    elif query.intent in {"help", "sources", "article", "subscriptions", "unsubscribe"}:
        return query.intent
    elif query.intent == "crossover" and len(query.frameworks) == 2:
        parts.append(f"has {query.frameworks[0]} passed {query.frameworks[1]}")
    elif query.intent == "growth":
        parts.append("growth of")
    if not (query.intent == "crossover" and len(query.frameworks) == 2):
        parts.append(" vs ".join(query.frameworks))
    if query.intent == "languages":
        parts.append("languages")
    if query.metric:
        word = METRIC_WORD.get(query.metric, "")
        if query.rate and query.metric in ("github_stars", "github_forks"):
            word = "new " + word
        parts.append(word)
    parts.append(period_text(query.since, query.until))
    if query.at:
        parts.append(f"as of {query.at:%Y-%m}" if query.at_month else f"on {query.at.isoformat()}")
    return " ".join(p for p in parts if p)
