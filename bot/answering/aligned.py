"""Aligned timelines ("since launch"): each project's series counted from its own first stored figure.

Real data only: a project's "first month" is the month of its first figure in the source (within the
period asked), never a launch date from elsewhere; the answer says so.
"""

from __future__ import annotations

from datetime import date

from bot.answering.model import Answer, Comparison, Figure, Point


def months_between(start: date, day: date) -> int:
    """Whole calendar months from `start`'s month to `day`'s month (2024-01-31 → 2024-02-01 is 1)."""
    return (day.year - start.year) * 12 + day.month - start.month


def figure_at_age(figure: Figure, months: int) -> Point | None:
    """The figure's last stored point in the calendar month `months` after its first figure's, or None."""
    if not figure.points:
        return None
    first = figure.points[0].date
    found = [p for p in figure.points if months_between(first, p.date) == months]
    return found[-1] if found else None


def common_ages(comparison: Comparison, max_rows: int = 8) -> list[int]:
    """Ages in months (0 first, evenly spaced in whole years when long enough) that every line has reached."""
    lines = [f for f in comparison.figures if f.points]
    if not lines:
        return []
    reach = min(months_between(f.points[0].date, f.points[-1].date) for f in lines)
    for step in (1, 3, 6, 12, 24, 36, 60):
        if reach // step + 1 <= max_rows:
            return list(range(0, reach + 1, step))
    return [0, reach]


def first_figures_note(comparison: Comparison, *, in_period: bool) -> str:
    """'Aligned on each one's first figure: PyTorch since its first figure in the source, 2016-08; …'."""
    where = "in the period" if in_period else "in the source"
    lines = [f for f in comparison.figures if f.points]
    parts = [f"{f.name} since its first figure {where}, {f.points[0].date:%Y-%m}" for f in lines]
    return (
        "Timelines aligned on each one's first figure (the x axis is months since it; not a launch date): "
        + "; ".join(parts)
        + "."
    )


ALIGNED_KINDS = ("compare", "growth", "crossover", "profile")


def aligned_note(answer: Answer, *, in_period: bool) -> str:
    """What "since launch" did to this answer: aligned on each one's first figure, or why not."""
    chart = answer.chart
    if answer.kind not in ALIGNED_KINDS or chart is None:
        return "I didn't align the timelines: this answer has no timeline to align."
    return first_figures_note(chart, in_period=in_period)
