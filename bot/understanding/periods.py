"""Periods with an end ("from march 2023 to june 2024", "since 2024-07 until 2024-08", "until 2022"),
and dates a reader saw but did not use.

Both readers (`grammar.parse` and `english.read`) call `take_range` before anything else
reads dates, so "until the end of 2022" is the end of a period rather than a point in time, and
`unused_dates` after, so a date left in the text is named in the answer rather than dropped.

Dates are whole days: a year or a month as the START of a period is its first day, as the END its
last day ("until 2024-08" ends on 2024-08-31); "before X" ends the day before X begins.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
"""Month names and abbreviations, lower case → month number (1–12)."""
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
READS = "I read periods as years, months, quarters or dates, e.g. `since 2023-12`, `Q1 2023` or `until 2024-08`"
"""What the period readers read, for a note about a date or word they could not use."""

# One date: 2024-08-15, 2024-08, "march 2023" / "mar. 2023" / "march, 2023", 2023, or a month alone
# (only inside a range whose other end gives the year).
_DATE = (
    r"(?:(?P<{p}y>\d{{4}})-(?P<{p}m>\d{{1,2}})(?:-(?P<{p}d>\d{{1,2}}))?(?!\d)"
    r"|(?P<{p}mn>" + _MONTH + r")\.?,?(?:\s+(?P<{p}my>\d{{4}}))?"
    r"|(?P<{p}yr>\d{{4}})(?!-\d{{1,2}}(?:\D|$)))(?!\w)"
)
_A, _B = _DATE.format(p="a"), _DATE.format(p="b")
_END_OF = r"(?:the\s+)?(?:end\s+of\s+)?"
_TO = r"(?:until|till|til|to|through|thru|up\s+to|up\s+until|-|–|—)"
_START_WORD = r"(?:since|from|after|starting(?:\s+(?:in|from))?|beginning(?:\s+(?:in|from))?)"
_END_WORD = r"(?:until|till|til|up\s+to|up\s+until|through|thru|before|ending(?:\s+in)?)"

_BETWEEN = re.compile(rf"\bbetween\s+{_A}\s+and\s+{_END_OF}{_B}")
_FROM_TO = re.compile(rf"\b{_START_WORD}\s+{_A}\s*,?\s*(?:and\s+)?{_TO}\s*{_END_OF}{_B}")
_BARE = re.compile(rf"(?<![\w-]){_A}\s*{_TO}\s*{_END_OF}{_B}")
_END_ALONE = re.compile(rf"\b(?P<word>{_END_WORD})\s+{_END_OF}{_B}")
_START_ALONE = re.compile(rf"\b{_START_WORD}\s+{_A}")

# Dates left in the text after every reader took its own (for `unused_dates`).
_LEFT = re.compile(
    r"(?<![\w.-])(?:\d{4}-\d{1,2}(?:-\d{1,2})?(?!\d)|(?:" + _MONTH + r")\.?\s+\d{4}|(?:19|20)\d{2})(?![\w-])",
    re.I,
)


@dataclass(frozen=True)
class _Day:
    """One end as typed: `first` and `last` are the first and last day it covers."""

    first: date
    last: date
    words: str
    """How to say it in a label: "2023", "June 2024", "2024-08-15"."""
    month_only: bool = False


def year_ok(year: int) -> bool:
    """A year fwtrend reads as a date (2000–2100); other four-digit numbers are not years."""
    return 2000 <= year <= 2100


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months (negative: back), clamped to the end of a shorter month
    (2024-03-31 minus one month is 2024-02-29)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _read(m: re.Match[str], p: str, year_hint: int | None = None) -> _Day | None:
    """The date in group set `p` of `m`; None when impossible (2021-13, 2023-02-30) or out of range."""
    g = m.groupdict()
    try:
        if g[f"{p}y"]:
            year, month = int(g[f"{p}y"]), int(g[f"{p}m"])
            if g[f"{p}d"]:
                day = date(year, month, int(g[f"{p}d"]))
                return _Day(day, day, day.isoformat()) if year_ok(year) else None
            first = date(year, month, 1)
        elif g[f"{p}mn"]:
            year_text = g[f"{p}my"]
            if not year_text and year_hint is None:
                return None
            year = int(year_text) if year_text else year_hint or 0
            first = date(year, MONTHS[g[f"{p}mn"]], 1)
            if not year_text:
                return _Day(first, _month_end(first), f"{first:%B %Y}", month_only=True)
        else:
            year = int(g[f"{p}yr"])
            return _Day(date(year, 1, 1), date(year, 12, 31), str(year)) if year_ok(year) else None
    except ValueError:
        return None
    if not year_ok(year):
        return None
    return _Day(first, _month_end(first), f"{first:%B %Y}")


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _year_of(m: re.Match[str], p: str) -> int | None:
    g = m.groupdict()
    for key in ("y", "my", "yr"):
        if g.get(f"{p}{key}"):
            return int(g[f"{p}{key}"])
    return None


def _cut(text: str, m: re.Match[str]) -> str:
    return (text[: m.start()] + " " + text[m.end() :]).strip()


def _label(start: _Day | None, end: _Day) -> str:
    if start is None:
        return f"to {end.words}"
    if start.words.isdigit() and end.words.isdigit():
        return f"{start.words}–{end.words}" if start.words != end.words else f"in {start.words}"
    return f"from {start.words} to {end.words}"


def take_range(text: str, today: date, notes: list[str]) -> tuple[date | None, date | None, str | None, str] | None:
    """A period with an end in `text`: (since, until, label, text without it), or None when there is none.

    Reads "between X and Y", "from/since X to/until/through Y", "X to Y", "X–Y" and an end alone
    ("until Y", "before Y", "up to Y", "through the end of Y"), with an optional separate start
    ("since X … until Y"). X and Y are years, YYYY-MM, YYYY-MM-DD or month names with a year; a month
    without a year takes the other end's ("from march to june 2024"). What cannot be used is said in
    `notes`: a start after `today` leaves the period out; ends typed the wrong way round are swapped.
    """
    lowered = text.lower()
    for regex in (_BETWEEN, _FROM_TO, _BARE):
        m = regex.search(lowered)
        if not m:
            continue
        start = _read(m, "a", _year_of(m, "b"))
        end = _read(m, "b", _year_of(m, "a"))
        if start is None or end is None:
            continue
        if start.month_only and start.first > end.first:  # "from november to february 2024"
            start = _read(m, "a", end.first.year - 1)
        return _finish(start, end, text, m, today, notes)
    m = _END_ALONE.search(lowered)
    if not m:
        return None
    end = _read(m, "b")
    if end is None:
        return None
    if m.group("word").startswith("before"):
        before = end.first - timedelta(days=1)
        end = _Day(before, before, _words_before(before, m))
    rest = _cut(text, m)
    s = _START_ALONE.search(rest.lower())
    start = _read(s, "a", end.last.year) if s else None
    if s and start is not None:
        return _finish(start, end, rest, s, today, notes)
    if end.last < date(2000, 1, 1):
        return None
    return None, end.last, _label(None, end), rest


def _words_before(before: date, m: re.Match[str]) -> str:
    """How to say the end of "before X": the year, month or day that ends just before X."""
    g = m.groupdict()
    if g["byr"]:
        return str(before.year)
    if g["bd"]:
        return before.isoformat()
    return f"{before:%B %Y}"


def _finish(
    start: _Day, end: _Day, text: str, m: re.Match[str], today: date, notes: list[str]
) -> tuple[date | None, date | None, str | None, str]:
    typed = text[m.start() : m.end()].strip()
    rest = _cut(text, m)
    if start.first > end.last:
        notes.append(f"I read “{typed}” from the earlier date to the later one.")
        start, end = end, start
    if start.first > today:
        notes.append(f"“{typed}” is in the future, so I left out that period.")
        return None, None, None, rest
    return start.first, end.last, _label(start, end), rest


def unused_dates(text: str, notes: list[str]) -> str:
    """Name each date still in `text` once every reader took its own (they are not used), and cut it out.

    Returns the text without them, so nothing reads "2019" as a framework name afterwards.
    """
    found = [m.group(0) for m in _LEFT.finditer(text)]
    if not found:
        return text
    shown = ", ".join(f"“{d}”" for d in found)
    what = "that date" if len(found) == 1 else "those dates"
    notes.append(f"I didn't use {shown}: I couldn't tell which period you meant ({READS}), so the answer ignores "
                 f"{what}.")  # fmt: skip
    return re.sub(r"\s+", " ", _LEFT.sub(" ", text)).strip()


def period_text(since: date | None, until: date | None) -> str:
    """The words that read back as this period ("from 2023-03 to 2024-06", "until 2024-08", "in 2023")."""
    if since and until and (since.month, since.day, until.month, until.day) == (1, 1, 12, 31):
        return f"in {since.year}" if since.year == until.year else f"{since.year}-{until.year}"
    if until:
        end = until.isoformat() if until != _month_end(until) else f"{until:%Y-%m}"
        if until.month == 12 and until.day == 31 and since is None:
            end = str(until.year)
        return f"from {_start_text(since)} to {end}" if since else f"until {end}"
    return f"since {_start_text(since)}" if since else ""


def _start_text(since: date | None) -> str:
    if since is None:
        return ""
    return f"{since:%Y-%m}" if since.day == 1 else since.isoformat()


def end_notes(kind: str, since: date | None, until: date | None, label: str | None, today: date) -> list[str]:
    """What an answer of this kind does with the period's end, when the reader can't see it in the figures.

    A language make-up has no history, so a period is not applied; a race ("not yet", "would pass
    around …") is told as of a past end, which the headline alone does not say.
    """
    if kind == "languages" and (since or until):
        return [
            f"I didn't apply “{label}”: the language make-up is stored only as of its latest fetch, with no history."
        ]
    if kind == "crossover" and until is not None and until < today:
        return [
            f"Everything here stops at {until.isoformat()} ({label}), as you asked: who leads, the gap and any "
            "projection are as of then, and later figures are left out."
        ]
    return []


# -- every date of a question -----------------------------------------------------------------------
Period = tuple[date | None, date | None, str | None, str]
PointReader = Callable[[str, date, list[str]], tuple[date | None, bool, str | None, str]]
PeriodReader = Callable[[str, date, list[str]], Period | None]


@dataclass
class Dates:
    """The dates a reader found: a point in time, a period, and the text left without them."""

    rest: str
    at: date | None = None
    at_month: bool = False
    at_label: str | None = None
    since: date | None = None
    until: date | None = None
    label: str | None = None


def read_dates(
    text: str, today: date, notes: list[str], *, point: PointReader, periods: Sequence[PeriodReader]
) -> Dates:
    """Every date in `text`: a period with an end first ("until the end of 2022" is not a point in
    time), else a point (`point`, e.g. `bot.understanding.grammar.parse_at`) and a period (the first of `periods` that
    finds one; the last is always taken); then any date left is named in `notes` as unused."""
    ranged = take_range(text, today, notes)
    if ranged and ranged[0] is None and ranged[1] is not None:
        # "over the last 2 years until 2025": a start typed apart from the end counts back from that end.
        until, label, rest = ranged[1], ranged[2], ranged[3]
        start = _first_period(rest, min(until, today), notes, periods)
        if start[0] is not None and start[0] <= until:
            return Dates(unused_dates(start[3], notes), since=start[0], until=min(until, start[1] or until),
                         label=f"{start[2]}, {label}")  # fmt: skip
    if ranged:
        since, until, label, rest = ranged
        return Dates(unused_dates(rest, notes), since=since, until=until, label=label)
    at, at_month, at_label, text = point(text, today, notes)
    since, until, label, rest = _first_period(text, today, notes, periods)
    return Dates(unused_dates(rest, notes), at, at_month, at_label, since, until, label)


def _first_period(text: str, today: date, notes: list[str], periods: Sequence[PeriodReader]) -> Period:
    """The period of the first reader that finds one; the last reader's answer otherwise."""
    for reader in periods[:-1]:
        if found := reader(text, today, notes):
            return found
    return periods[-1](text, today, notes) or (None, None, None, text)


def english_period(t: str, today: date, notes: list[str]) -> tuple[date | None, date | None, str | None, str] | None:
    """Periods the slash grammar does not know: "since last year", "before 2020", "since march" (or None).

    Only the English reader uses these (see `read_dates`); `notes` is unused, for the common signature."""
    m = re.search(r"\bsince last year\b", t)
    if m:
        year = today.year - 1
        return date(year, 1, 1), None, f"since {year}", _cut(t, m)
    m = re.search(r"\b(?:before|until|till|up to|through|by)\s+(\d{4})\b", t)
    if m and 2000 <= int(m[1]) <= 2100 and not re.search(r"\b(?:since|from|between|in)\s+\d{4}", t):
        year = int(m[1]) - (1 if m[0].startswith("before") else 0)
        return None, date(year, 12, 31), f"to {year}", _cut(t, m)
    months = "january|february|march|april|may|june|july|august|september|october|november|december"
    m = re.search(rf"\bsince ({months}|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b(?!\s*\d)", t)
    if m:
        names = months.split("|")
        index = next(i for i, n in enumerate(names, start=1) if n.startswith(m[1][:3]))
        year = today.year if index <= today.month else today.year - 1
        since = date(year, index, 1)
        return since, None, f"since {since:%B %Y}", _cut(t, m)
    m = re.search(r"\bthis month\b", t)
    if m:
        return today.replace(day=1), None, f"{today:%B %Y} so far", _cut(t, m)
    return None
