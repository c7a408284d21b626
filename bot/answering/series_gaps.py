"""Where a date falls in a series: on or near an observation, in a gap between two, or outside it.

The one place that finds "the nearest figures on either side of a gap" (the figure on or before a
day is `series.value_at`), so point-in-time answers, periods and growth windows agree. Nothing here invents a figure:
every value returned is a stored observation with its own date.

A gap is a stretch between two consecutive observations that is longer than the series' usual
spacing there (a weekly snapshot missed, a monthly one missing from the source). It is judged against
the spacing nearby, not across the whole series, because sources change cadence (top-PyPI snapshots
were fortnightly until 2020, monthly since).
"""

from __future__ import annotations

import bisect
import calendar
import itertools
from datetime import date
from statistics import median

from bot.answering.model import Gap, Point
from bot.answering.series import value_at

NEIGHBOURS = 6
"""Spacings on each side that set the usual spacing around a stretch."""
GAP_FACTOR = 1.5
"""A stretch longer than this many usual spacings is a gap (one weekly snapshot missed is 2×)."""


def gap_around(points: list[Point], since: date | None, until: date | None) -> Gap | None:
    """The two observations around a period that holds none, when the series has figures on both sides."""
    if since is None or until is None:
        return None
    i = bisect.bisect_left([p.date for p in points], since)
    if 0 < i < len(points) and points[i].date > until:
        return Gap(points[i - 1], points[i])
    return None


def usual_spacing(points: list[Point], i: int) -> float | None:
    """Days between observations near the stretch points[i] → points[i + 1] (that stretch left out): the
    larger of the medians before and after it, so a change of cadence (fortnightly → monthly) is no gap."""
    spacings = [(b.date - a.date).days for a, b in itertools.pairwise(points)]
    sides = [spacings[max(0, i - NEIGHBOURS) : i], spacings[i + 1 : i + 1 + NEIGHBOURS]]
    medians = [median(side) for side in sides if side]
    return max(medians) if medians else None


def is_gap(points: list[Point], i: int) -> bool:
    """Whether points[i] → points[i + 1] is a gap: longer than usual, or a calendar month with no figure
    in a series observed at least monthly (the missing top-PyPI months 2020-02 and 2025-01)."""
    usual = usual_spacing(points, i)
    if usual is None:
        return False
    stretch = Gap(points[i], points[i + 1])
    days = (stretch.after.date - stretch.before.date).days
    return days > GAP_FACTOR * usual or (usual <= 31 and bool(stretch.missing_months))


def gap_at(points: list[Point], day: date, *, month: bool = False) -> Gap | None:
    """The gap `day` falls in (for `month`, the gap covering that whole month), else None.

    A day on an observation, a month holding one, or a date before the first or after the last
    observation is not in a gap: the first two have a figure, the last two are outside the history.
    """
    dates = [p.date for p in points]
    if month:
        first = day.replace(day=1)
        last = day.replace(day=calendar.monthrange(day.year, day.month)[1])
        i = bisect.bisect_left(dates, first)
        if i < len(dates) and dates[i] <= last:
            return None
        i -= 1  # the stretch from the last figure before the month to the first after it
    else:
        i = bisect.bisect_right(dates, day) - 1
        if i >= 0 and dates[i] == day:
            return None
    if i < 0 or i + 1 >= len(points) or not is_gap(points, i):
        return None
    return Gap(points[i], points[i + 1])


def nearest_side(gap: Gap, day: date, *, month: bool = False) -> Point:
    """The side of the gap nearest `day` (for `month`, nearest that whole month); on a tie the one
    before, the figure standing at `day`."""
    last = day.replace(day=calendar.monthrange(day.year, day.month)[1]) if month else day
    first = day.replace(day=1) if month else day
    return gap.after if (gap.after.date - last) < (first - gap.before.date) else gap.before


def distance(point: Point, day: date, *, month: bool = False) -> int:
    """Days between a figure and `day` (for `month`, the nearest day of that month)."""
    if month:
        first, last = day.replace(day=1), day.replace(day=calendar.monthrange(day.year, day.month)[1])
        return max((first - point.date).days, (point.date - last).days, 0)
    return abs((point.date - day).days)


def start_point(points: list[Point], day: date, tolerance: int) -> tuple[Point | None, Gap | None]:
    """Where a change "since `day`" is measured from, and the gap `day` falls in if any.

    In a gap: the nearest real figure on either side. Otherwise the figure standing at `day` (the last
    on or before it, within `tolerance` days), or None for the caller to decide.
    """
    gap = gap_at(points, day)
    if gap is not None:
        return nearest_side(gap, day), gap
    return value_at(points, day, tolerance=tolerance), None
