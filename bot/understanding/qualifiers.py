"""Parts of a question the stored figures cannot honour ("without mirrors", "on linux"), recognised so the
answer names each one as not applied, with the reason, instead of dropping it; and the chart words the
answer does honour ("log scale", "linear", "since launch"), cut out the same way and handed to the engine.

`take_qualifiers` cuts the phrases out of the text (so no reader mistakes "linux" for a framework
name) and returns what it found; `qualifier_notes` turns them into one sentence each, worded for the
metric answered (mirrors mean one thing for the PyPI history, another for pypistats' daily figures).
Families, not lists of every phrasing: each is one regular expression with one truthful reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.metrics import metric
from bot.understanding.periods import READS

# The PyPI history: hugovk/top-pypi-packages snapshots (BigQuery), then ClickHouse's monthly table.
_PYPI_HISTORY = (
    "my PyPI download history (hugovk/top-pypi-packages, from PyPI's download logs via BigQuery, then "
    "ClickHouse's monthly table) is one total per package that can't be split by mirror; it counts pip "
    "installs only until 2024-11-26 and all installers after"
)

_PREFIX = r"(?:on|for|under|by|per|in|from|via|using)"

# (family, pattern). Checked in this order; each match is cut before the next family looks.
FAMILIES: list[tuple[str, str]] = [
    (
        "mirrors",
        r"\b(?:with|without|w/o|w/|excluding|excl\.?|including|incl\.?|no|minus|plus|ignoring|counting)"
        r"\s+(?:the\s+)?(?:pypi\s+)?mirrors?\b|\bmirrors?\s+(?:excluded|included|only|removed)\b"
        r"|\bmirror(?:ed)?\s+(?:downloads|traffic)\b",
    ),
    (
        "os",
        # "only linux" as well as "on linux": the words before an OS name are the family's, not a fixed list.
        rf"\b(?:{_PREFIX}|only)\s+(?:linux|windows|win(?:dows)?\s*1[01]|macos|mac\s*os|mac|osx|os\s*x|ubuntu|debian|"
        r"android|ios)\b|\b(?:by|per|each|split by)\s+(?:os|operating\s+systems?|platforms?)\b"
        r"|\b(?:linux|windows|macos|mac)\s+(?:users|downloads|installs|only)\b",
    ),
    (
        "python",
        r"\b(?:on\s+|for\s+|with\s+|under\s+)?(?:c?python|py)\s*[23](?:\.\d{1,2})?\b(?!\.\d)"
        r"|\b(?:by|per|each|split by)\s+python\s+versions?\b|\bpython\s+versions?\b",
    ),
    (
        "country",
        r"\b(?:by|per|each|split by)\s+(?:country|countries|region|regions|continent|location|geography)\b"
        r"|\bin\s+(?:china|india|the\s+us|the\s+usa|usa|the\s+uk|europe|the\s+eu|asia|africa|germany|japan|"
        r"france|brazil|russia|korea|canada|australia|latin\s+america)\b",
    ),
    (  # not "pip installs": that is read as PyPI downloads
        "installer",
        r"\b(?:on|via|from|using|through|with|by)\s+pip\b|\bpip\s+only\b|\bonly\s+pip\b"
        r"|\b(?:by|per|each|split\s+by)\s+installers?\b|\b(?:uv|poetry|pipenv)\s+(?:installs?|downloads)\b",
    ),
    (
        "hardware",
        r"\b(?:on|for|with|using|by|per|only)\s+(?:gpus?|cpus?|tpus?|cuda|rocm|apple\s+silicon)\b"
        r"|\b(?:gpu|cpu|cuda)\s+(?:builds?|versions?|wheels?|downloads|installs|users|only)\b",
    ),
    ("conda", r"\b(?:on\s+|from\s+|via\s+)?(?:conda(?:-forge)?|anaconda)\b"),
    (
        "ci",
        r"\b(?:excluding|excl\.?|without|w/o|no|minus|not\s+counting|ignoring|filter(?:ing)?\s+out|removing)"
        r"\s+(?:the\s+)?(?:ci(?:/cd)?|bots?|robots|crawlers|scrapers|automated(?:\s+\w+)?)\b(?:\s+downloads)?"
        r"|\b(?:humans?|real\s+users|people)\s+only\b",
    ),
    (
        "per_capita",
        r"\bper\s+(?:capita|head|person|user|developer|dev|employee|engineer)\b"
        r"|\b(?:normali[sz]ed|adjusted|divided)\s+(?:by|for|to)\s+(?:population|users|developers|size)\b",
    ),
    (  # aligned timelines: cut before dates are read, so "since launch" is not taken for a period
        "aligned",
        r"\b(?:since|from)\s+(?:(?:their|its|each(?:'s)?|the(?:ir)?)\s+)?(?:own\s+)?(?:launch(?:es)?|start|birth|"
        r"first\s+(?:figures?|months?|release))\b|\b(?:aligned|align(?:ed)?\s+(?:on|by|at)\s+(?:launch|start))\b"
        r"|\bmonths\s+since\s+launch\b",
    ),
    (
        "log",
        r"\b(?:(?:on|in|with|using)\s+)?(?:an?\s+)?(?:log(?:arithmic)?|log10|semi-?log)"
        r"(?:\s+(?:scale|axis|y[- ]?axis|chart|plot|graph))?\b",
    ),
    ("linear", r"\b(?:(?:on|in|with|using)\s+)?(?:a\s+)?linear(?:\s+(?:scale|axis|chart|plot|graph))?\b"),
    (
        "indexed",
        r"\b(?:normali[sz]ed|indexed|rebased)(?:\s+(?:to|at)\s+100)?(?:\s+(?:scale|chart|plot|graph))?\b"
        r"|\bindex(?:ed)?\s+(?:to|at)\s+100\b",
    ),
    (
        "percent",
        r"\b(?:(?:in|as|on)\s+(?:an?\s+)?)?percent(?:age)?s?\s+(?:scale|axis|chart|plot|graph)\b"
        r"|\b(?:in|as)\s+(?:a\s+)?percent(?:age)?s?\b|%\s*(?:scale|axis)",
    ),
    (
        "smoothing",
        r"\b(?:smoothed|smoothing|smooth\s+(?:it|the\s+chart|the\s+lines?)|rolling\s+(?:average|mean)s?"
        r"|moving\s+averages?|\d+[- ]day\s+averages?|trend\s?lines?)\b",
    ),
]
_RES = [(family, re.compile(pattern, re.I)) for family, pattern in FAMILIES]

WITHOUT = re.compile(r"(?:without|w/o|excl|excluding|no|minus|ignoring)\b|mirrors?\s+(?:excluded|removed)", re.I)
_DOWNLOADS = {"pypi_downloads", "pypi_downloads_daily", "npm_downloads"}


@dataclass(frozen=True)
class Qualifier:
    family: str
    typed: str
    """The words as the user wrote them ("without mirrors")."""


def take_qualifiers(text: str) -> tuple[list[Qualifier], str]:
    """The qualifiers in `text`, in the order of the families, and the text without them."""
    found: list[Qualifier] = []
    for family, regex in _RES:
        m = regex.search(text)
        while m:
            found.append(Qualifier(family, m.group(0).strip()))
            text = (text[: m.start()] + " " + text[m.end() :]).strip()
            m = regex.search(text)
    return found, re.sub(r"\s+", " ", text)


# Scales the chart may have anyway: the engine words their note once the chart is known (`bot.answering.scale`).
CHART_SCALES = {"log", "linear"}


def asked_scale(found: list[Qualifier]) -> str | None:
    """The chart scale asked for, as typed ("log scale", "linear"), or None."""
    return next((q.typed for q in found if q.family in CHART_SCALES), None)


def asked_aligned(found: list[Qualifier]) -> bool:
    """True when the timelines were asked aligned on each project's first month ("since launch", "aligned")."""
    return any(q.family == "aligned" for q in found)


def qualifier_notes(found: list[Qualifier], metric: str | None) -> list[str]:
    """One sentence per qualifier: applied as asked, or not applied and why (for the metric answered)."""
    return [_note(q, metric) for q in found if q.family not in CHART_SCALES and q.family != "aligned"]


def _note(q: Qualifier, metric: str | None) -> str:
    typed = f"“{q.typed}”"
    if q.family == "mirrors":
        return _mirrors(q, metric)
    reasons = {
        "os": "my download figures are one total per package, not split by operating system",
        "python": "my download figures are one total per package, not split by Python version",
        "country": "my figures are worldwide totals, not split by country or region",
        "installer": "my PyPI download history is one total per package with no split by installer; it counts "
        "pip installs only until 2024-11-26 and all installers after",
        "hardware": "my figures are one total per project, not split by CPU or GPU build",
        "conda": "I have no conda figures; downloads here are PyPI's (and npm's)",
        "ci": "the stored figures are totals of everything their source counted, with no split for CI or "
        "bots, so I can't take them out",
        "per_capita": "I have no population, user or developer counts to divide by; figures are totals",
        "indexed": "an indexed (normalised) chart isn't available yet; the chart shows actual values and the "
        "table gives each change in %",
        "percent": "a percentage scale isn't available yet; the chart shows actual values and the table gives "
        "each change in %",
        "smoothing": "I never smooth figures: the chart shows each stored figure as observed",
    }
    return f"I didn't apply {typed}: {reasons[q.family]}."


def _mirrors(q: Qualifier, metric: str | None) -> str:
    typed = f"“{q.typed}”"
    without = bool(WITHOUT.match(q.typed))
    if metric == "pypi_downloads_daily":
        if without:
            return f"{typed}: applied; pypistats.org's daily figures already leave mirrors out."
        return f"I didn't apply {typed}: I store pypistats.org's daily figures without mirrors only."
    if metric == "npm_downloads":
        return f"I didn't apply {typed}: npm's download counts have no mirror split."
    if metric is not None and metric not in _DOWNLOADS:
        return f"I didn't apply {typed}: mirrors concern download counts, and this answer is about another metric."
    return (
        f"I didn't apply {typed}: {_PYPI_HISTORY}. (`daily downloads`, from pypistats.org, leave mirrors out "
        "but cover only the last 180 days.)"
    )


# -- the unit a figure is asked in ("per week", "monthly", "total"): read after the metric, whose own
# phrases ("stars per month", "daily downloads") come first; then applied or named for that metric.
_GRAIN = re.compile(
    r"\b(?:per|a|each|every)\s+(?P<per>day|week|month|year)\b|\b(?P<ly>daily|weekly|monthly|yearly|annual(?:ly)?)\b"
    r"|\b(?P<total>(?:running\s+|grand\s+)?totals?|cumulative(?:ly)?|in\s+total|all\s+together)\b",
    re.I,
)
_LY = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year", "annual": "year", "annually": "year"}


def take_grain(text: str) -> tuple[list[Qualifier], str]:
    """The units asked for in `text` (after its metric phrase was taken) and the text without them."""
    found = [Qualifier("grain", m.group(0).strip()) for m in _GRAIN.finditer(text)]
    return found, re.sub(r"\s+", " ", _GRAIN.sub(" ", text)).strip()


def grain_notes(found: list[Qualifier], metric_id: str | None) -> list[str]:
    """One sentence per unit asked: applied when the figures are already in it, else not, and why.
    Figures are never converted: a per-day rate times 7 is not a week's real downloads."""
    return [_grain(q.typed, metric_id) for q in found]


def _grain(typed: str, metric_id: str | None) -> str:
    m = _GRAIN.fullmatch(typed)
    asked = "total" if m is None or m["total"] else (m["per"] or _LY[m["ly"].lower()])
    quoted = f"“{typed}”"
    if metric_id is None:
        return (f"I didn't apply {quoted}: each metric is shown in its own unit (downloads per day, stars as "
                "running totals, questions per month).")  # fmt: skip
    figure = metric(metric_id)
    if asked == "total":
        if figure.kind in ("cumulative", "level"):
            return f"{quoted}: applied; {figure.label} are counted as totals on each date."
        per = figure.unit.split("/")[-1]
        return (f"I didn't apply {quoted}: the figures are {figure.label}, not a running total, and I don't add "
                f"them up (the history has gaps), so they stay per {per}.")  # fmt: skip
    if figure.kind in ("rate", "flow") and figure.unit.endswith(f"/{asked}"):
        return f"{quoted}: applied; {figure.label} are already figures per {asked}."
    if figure.kind == "rate":
        return (
            f"I didn't apply {quoted}: the figures are {figure.unit.replace('/', ' per ')} (each window's "
            f"count divided by its length); I don't turn them into figures per {asked}, which I don't store."
        )
    if figure.kind == "cumulative":
        return (f"I didn't apply {quoted}: {figure.label} are a running total; ask for `new {figure.short.lower()}` "
                "for the gain per month.")  # fmt: skip
    return f"I didn't apply {quoted}: {figure.label} are stored as {figure.unit}, not per {asked}."


# Verbs of choosing: a comparison is the answer to them, so they are used, not dropped.
CHOOSING = frozenset(
    ["learn", "learning", "choose", "choosing", "pick", "picking", "switch", "switching", "adopt", "start", "starting"]
)


# Words of time the period readers don't read: named with what they do read, so the asker can retype.
_PERIOD_LIKE_WORDS = """winter spring summer autumn fall season seasons early late beginning end recently lately decade
    century weekend weekday weekdays holidays q1 q2 q3 q4 h1 h2 quarter half"""
PERIOD_LIKE = frozenset(_PERIOD_LIKE_WORDS.split())


def unused_words_note(words: list[str]) -> str | None:
    """ "I didn't use “…”: <why>" for words no reader used (rather than dropping them silently): period
    words with the forms that are read, other words with what the reader reads."""
    words = [w for w in dict.fromkeys(words) if w and w not in CHOOSING]
    if not words:
        return None
    shown = ", ".join(f"“{w}”" for w in words[:6]) + (" …" if len(words) > 6 else "")
    if any(w in PERIOD_LIKE for w in words):
        return f"I didn't use {shown}: {READS}."
    return (f"I didn't use {shown}: I read framework names, metrics (stars, downloads, …), periods and a few "
            f"qualifiers, and the answer is without {'that word' if len(words) == 1 else 'those words'}.")  # fmt: skip


def words_matched(t: str, regexes: Iterable[re.Pattern[str]]) -> set[str]:
    """The whole words any of `regexes` touches in `t` ("accelerat" touches "accelerating"): words a
    reader used as a cue, so not to be named as unused."""
    words: set[str] = set()
    for regex in regexes:
        for m in regex.finditer(t):
            start, end = m.span()
            while start > 0 and t[start - 1].isalnum():
                start -= 1
            while end < len(t) and t[end].isalnum():
                end += 1
            words.update(t[start:end].split())
    return words
