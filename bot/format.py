"""Numbers and dates as people read them, shared by every renderer."""

from __future__ import annotations

from datetime import date


def human(value: float | None, unit: str = "") -> str:
    """94,399 → '94.4k'; 1,234,567 → '1.23M'; percentages keep one decimal."""
    if value is None:
        return "–"
    if unit.startswith("%"):
        return f"{value:.1f}%" if value % 1 else f"{value:.0f}%"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if v >= threshold:
            scaled = v / threshold
            digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}{scaled:.{digits}f}{suffix}"
    if v >= 100 or v == int(v):
        return f"{sign}{v:,.0f}"
    return f"{sign}{v:.1f}"


def signed(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = human(value, unit)
    return text if value < 0 else f"+{text}"


def pct(value: float | None) -> str:
    if value is None:
        return "–"
    if abs(value) >= 1000:
        return f"{value:+,.0f}%"
    return f"{value:+.0f}%" if abs(value) >= 10 else f"{value:+.1f}%"


def day(d: date | None) -> str:
    return d.isoformat() if d else "–"


def month(d: date | None) -> str:
    return d.strftime("%b %Y") if d else "–"


def span(a: date, b: date) -> str:
    """When something happened between two observations: a month when they are close, else the interval."""
    if (b - a).days <= 45:
        return f"in {b:%b %Y}" if a.month != b.month else f"in {a:%b %Y}"
    return f"between {a:%b %Y} and {b:%b %Y}"


def quantity(value: float | None, unit: str) -> str:
    """A value with its unit: '64.2k stars', '72.2% of its users' (a percent unit is not repeated)."""
    if unit.startswith("%"):
        return f"{human(value, unit)}{unit[1:]}"
    return f"{human(value, unit)} {unit}"
