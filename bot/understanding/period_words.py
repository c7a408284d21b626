"""Period forms rewritten into the ones the period readers read, before any reader looks at the text.

    03/2022, 2022/03, 2022.03         → 2022-03 (a month); 15/03/2022 → 2022-03-15; 03/04/2022 is named
    Q1 2023, 2023-Q1, first quarter of 2023, H2 2022, second half of 2022 → a period of months
    in the 2010s                       → between 2010 and 2019
    this week, this quarter, since new year, 3 months ago, in december, mid january 2025
    until / through / before last year (month, quarter) → the end of that period
    prior to X                         → before X
    since 1970, since 0000             → all history, or named as a year I can't read

`rewrite_periods(text, today, notes)` returns the text with these forms written as `since 2024-07`,
`from 2023-01 to 2023-03`, `on 2025-01-15`, `until 2025`, … so the slash grammar and the English reader
read them alike. A reading that needs the asker's "today" or fills in a year says so in `notes`; a form
that can't be read as a date is cut out and named with the reason, never misread.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

from bot.understanding.periods import MONTHS, READS, add_months, year_ok

_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_ORDINAL = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "last": 4}
_START_WORDS = {"since", "from", "after", "starting"}
_END_WORDS = {"until", "till", "til", "through", "thru", "to", "by", "up to", "up until"}
_WORD = r"(?:(?P<word>since|from|after|starting|before|until|till|til|through|thru|to|by|up\s+to|up\s+until)\s+)?"
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twelve": 12}


def rewrite_periods(text: str, today: date, notes: list[str]) -> str:
    """`text` with every form above rewritten (see the module docstring); notes say what needs saying."""
    for step in _STEPS:
        text = step(text, today, notes)
    return re.sub(r"\s+", " ", text).strip()


def _sub(pattern: str, text: str, replace: Callable[[re.Match[str]], str]) -> str:
    return re.sub(pattern, lambda m: f" {replace(m)} ", text, flags=re.I)


def _numeric(text: str, today: date, notes: list[str]) -> str:
    """Months and days written with slashes or dots; a day/month order that could go either way is named.
    A date that can't be read is cut with the period word before it, so no "since" is left dangling."""

    def kept(m: re.Match[str], written: str | None) -> str:
        return "" if written is None else f"{m['pw'] or ''}{written}"

    def day_first(m: re.Match[str]) -> str:
        a, b, year = int(m["a"]), int(m["b"]), int(m["y"])
        if a <= 12 and b <= 12 and a != b:
            notes.append(f"I didn't use “{_typed(m)}”: it could be day/month or month/day; write it as "
                         f"{year}-{b:02d}-{a:02d} or {year}-{a:02d}-{b:02d}.")  # fmt: skip
            return ""
        month, day = (b, a) if a > 12 else (a, b)
        return kept(m, _day(_typed(m), year, month, day, notes))

    def month_year(m: re.Match[str]) -> str:
        year, month = int(m["y"]), int(m["m"])
        if not 1 <= month <= 12 or not year_ok(year):
            notes.append(f"I didn't use “{_typed(m)}”: it isn't a month I can read; {READS}.")
            return ""
        return kept(m, f"{year}-{month:02d}")

    pw = r"(?P<pw>\b(?:since|from|after|until|till|through|before|in|by|as\s+of|on|at)\s+)?(?<![\w/.-])"
    text = _sub(rf"{pw}(?P<y>\d{{4}})[/.](?P<m>\d{{1,2}})[/.](?P<d>\d{{1,2}})(?![\w/.-])", text,
                lambda m: kept(m, _day(_typed(m), int(m["y"]), int(m["m"]), int(m["d"]), notes)))  # fmt: skip
    text = _sub(rf"{pw}(?P<a>\d{{1,2}})[/.](?P<b>\d{{1,2}})[/.](?P<y>\d{{4}})(?![\w/.-])", text, day_first)
    text = _sub(rf"{pw}(?P<m>\d{{1,2}})[/.](?P<y>\d{{4}})(?![\w/.-])", text, month_year)
    return _sub(rf"{pw}(?P<y>\d{{4}})[/.](?P<m>\d{{1,2}})(?![\w/-]|\.\d)", text, month_year)


def _typed(m: re.Match[str]) -> str:
    """The date as typed, without the period word before it."""
    return m[0][len(m["pw"] or "") :].strip()


def _day(typed: str, year: int, month: int, day: int, notes: list[str]) -> str | None:
    try:
        when = date(year, month, day)
    except ValueError:
        notes.append(f"I didn't use “{typed}”: it isn't a date; {READS}.")
        return None
    return when.isoformat()


def _quarters(text: str, today: date, notes: list[str]) -> str:
    """Quarters and halves of a year, as a period of months (or its start or end after since/until)."""

    def months(m: re.Match[str], size: int) -> str:
        n = int(m["n"]) if m["n"] else min(_ORDINAL[m["o"].lower()], 12 // size)
        first = date(int(m["y"]), 1 + (n - 1) * size, 1)
        last = add_months(first, size - 1)
        word = (m["word"] or "").lower()
        if word in _START_WORDS or word == "before":
            return f"{word} {first:%Y-%m}"
        if word in _END_WORDS or re.sub(r"\s+", " ", word) in _END_WORDS:
            return f"{word} {last:%Y-%m}"
        return f"from {first:%Y-%m} to {last:%Y-%m}"

    o = r"(?P<o>first|1st|second|2nd|third|3rd|fourth|4th|last)"
    for size, letter, noun, top in ((3, "q", "quarter", 4), (6, "h", "half", 2)):
        n = rf"[1-{top}]"
        for pattern in (
            rf"\b{_WORD}{letter}(?P<n>{n})\s*[-/ ]?\s*'?(?P<y>\d{{4}})\b",
            rf"\b{_WORD}(?P<y>\d{{4}})\s*[-/ ]?\s*{letter}(?P<n>{n})\b",
            rf"\b{_WORD}(?:the\s+)?{o}\s+{noun}\s+(?:of\s+)?(?P<y>\d{{4}})\b(?P<n>)",
        ):
            text = _sub(pattern, text, lambda m, size=size: months(m, size))
    return text


def _decades(text: str, today: date, notes: list[str]) -> str:
    def decade(m: re.Match[str]) -> str:
        start = int(m["y"])
        if not year_ok(start) and not year_ok(start + 9):
            notes.append(f"I didn't use “{m[0].strip()}”: I have no figures from before 2000.")
            return ""
        return f"since {start}" if start + 9 >= today.year else f"between {max(start, 2000)} and {start + 9}"

    return _sub(r"\b(?:in\s+|during\s+)?(?:the\s+)?(?P<y>\d{3}0)'?s\b", text, decade)


def _relative(text: str, today: date, notes: list[str]) -> str:
    """Periods named relative to the asker's today: this week, this quarter, 3 months ago, in december …"""

    def said(m: re.Match[str], words: str, reading: str) -> str:
        notes.append(f"I read “{m[0].strip()}” as {reading}.")
        return words

    monday = today - timedelta(days=today.weekday())
    text = _sub(r"\b(?:this|the\s+current)\s+week\b", text,
                lambda m: said(m, f"since {monday.isoformat()}", f"since Monday {monday.isoformat()}"))  # fmt: skip
    quarter = date(today.year, 1 + (today.month - 1) // 3 * 3, 1)
    q = f"Q{(today.month - 1) // 3 + 1} {today.year}"
    text = _sub(r"\b(?:this|the\s+current)\s+quarter\b", text,
                lambda m: said(m, f"since {quarter:%Y-%m}", f"{q} so far (since {quarter.isoformat()})"))  # fmt: skip
    text = _sub(r"\bsince\s+(?:the\s+)?(?:new\s+year(?:'?s)?(?:\s+day)?|(?:start|beginning)\s+of\s+(?:the|this)\s+year"
                r"|jan(?:uary)?\s+1(?:st)?)(?!\s*,?\s*\d)", text, lambda m: "this year")  # fmt: skip
    text = _sub(rf"\b(?P<w>since\s+|from\s+)?(?P<n>\d+|{'|'.join(_NUMBERS)})\s+(?P<u>day|week|month|year)s?\s+ago\b",
                text, lambda m: _ago(m, today, notes))  # fmt: skip
    text = _sub(rf"\b(?P<w>in|during|throughout|last)\s+(?P<mn>{_MONTH})\b(?!\.?\s*,?\s*'?\d)", text,
                lambda m: _month_alone(m, today, notes))  # fmt: skip
    text = _sub(rf"\bmid[- ]?(?P<mn>{_MONTH})\.?,?\s+(?P<y>\d{{4}})\b", text,
                lambda m: _mid_month(m, notes))  # fmt: skip
    text = _sub(r"\bmid[- ]?(?P<y>\d{4})\b", text, lambda m: said(m, f"on {m['y']}-07-01", f"{m['y']}-07-01"))
    text = _sub(r"\bprior\s+to\b", text, lambda m: "before")
    text = _sub(r"(?<!year )\b(?:up\s+)?to\s+date\b", text, lambda m: said(m, "", "up to the latest figures I have"))
    ends = r"(?P<w>up\s+until|up\s+to|until|till|til|through|thru|to|by|before)"
    return _sub(rf"\b{ends}\s+(?:the\s+end\s+of\s+)?(?P<which>last|this)\s+(?P<u>year|month|quarter)\b", text,
                lambda m: _end_of(m, today))  # fmt: skip


def _ago(m: re.Match[str], today: date, notes: list[str]) -> str:
    raw = m["n"].lower()
    n = int(raw) if raw.isdigit() else _NUMBERS[raw]
    unit = m["u"].lower()
    if unit == "day":
        when = today - timedelta(days=n)
    elif unit == "week":
        when = today - timedelta(weeks=n)
    else:
        when = add_months(today, -n * (12 if unit == "year" else 1))
    if not year_ok(when.year):
        notes.append(f"I didn't use “{m[0].strip()}”: I have no figures from before 2000.")
        return ""
    notes.append(f"I read “{m[0].strip()}” as {when.isoformat()}.")
    return f"since {when.isoformat()}" if m["w"] else f"as of {when.isoformat()}"


def _month_alone(m: re.Match[str], today: date, notes: list[str]) -> str:
    """ "in december" with no year: the last December that has ended by the asker's today."""
    month = MONTHS[m["mn"].lower()]
    year = today.year if month < today.month else today.year - 1
    when = date(year, month, 1)
    notes.append(f"I read “{m['mn']}” as {when:%B %Y}, the last {when:%B} that has ended.")
    return f"in {when:%Y-%m}"


def _mid_month(m: re.Match[str], notes: list[str]) -> str:
    try:
        when = date(int(m["y"]), MONTHS[m["mn"].lower()], 15)
    except ValueError:
        return m[0]
    notes.append(f"I read “{m[0].strip()}” as {when.isoformat()}.")
    return f"on {when.isoformat()}"


def _end_of(m: re.Match[str], today: date) -> str:
    """ "until last year" ends at the end of last year; "before this month" the day before it began."""
    unit, this = m["u"].lower(), m["which"].lower() == "this"
    size = {"year": 12, "quarter": 3, "month": 1}[unit]
    start = date(today.year, 1, 1) if unit == "year" else today.replace(day=1)
    if unit == "quarter":
        start = date(today.year, 1 + (today.month - 1) // 3 * 3, 1)
    first = start if this else add_months(start, -size)
    last = add_months(first, size) - timedelta(days=1)
    if m["w"].lower() == "before":
        return f"until {(first - timedelta(days=1)).isoformat()}"
    return f"until {last.isoformat()}" if unit != "year" else f"until {last.year}"


def _impossible_years(text: str, today: date, notes: list[str]) -> str:
    """A four-digit number after a period word that is no year I have figures for: named, or (for a start
    before 2000) read as all the history there is."""

    def year(m: re.Match[str]) -> str:
        y, word, typed = int(m["y"]), m["w"].lower(), m[0].strip()
        if year_ok(y):
            return m[0]
        if 1000 <= y < 2000 and word in _START_WORDS:
            notes.append(f"“{typed}”: I have no figures from before 2000, so the answer covers all the history I have.")
            return "all-time"
        if 1000 <= y < 2000:
            notes.append(f"I didn't use “{typed}”: I have no figures from before 2000.")
        elif y > 2100:
            notes.append(f"“{typed}” is in the future, so I left out that period.")
        else:
            notes.append(f"I didn't use “{typed}”: {m['y']} isn't a year; {READS}.")
        return ""

    pattern = r"\b(?P<w>since|from|after|starting|before|until|till|through|in|as\s+of|by)\s+(?P<y>\d{4})\b(?![-/.]\d)"
    return _sub(pattern, text, year)


_STEPS = (_numeric, _quarters, _decades, _relative, _impossible_years)
