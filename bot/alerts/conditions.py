"""Which alerts and milestones stored figures meet, as of a date: pure functions over `Point` series.

Every condition is read on real figures only, never an interpolation: the crossing is dated by the first
stored figure of the run of figures that meet the condition up to the latest one, and the figure just
before it (which did not) is kept so the message can show the gap between them.

    threshold   the latest figure is at or above the threshold
    passes      on the latest date both were counted, A's figure is above B's (dates both have only)
    change      the latest figure changed by the percentage against the figure one window earlier
                (the last one on or before that day, within a tolerance, of the same counting method)
    milestone   the latest figure is past a round number (1-9 × 10^k, from 1,000) that the first figure of
                its run, a newly stored one, crossed
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, timedelta

from bot.answering.model import Point
from bot.answering.series import value_at
from bot.understanding.periods import add_months

MET_ONCE = "met"
"""The ledger's crossing key of a one-shot alert (threshold, passes): it is posted once, ever."""

# How far back a window reaches, and how much older than that day the figure compared may be (days).
TOLERANCE = {"day": 0, "week": 2, "month": 7, "quarter": 15, "year": 31}


@dataclass(frozen=True)
class Crossing:
    """A met condition: `key` for the ledger, `first` the first figure of the run that meets it (its date is
    the crossing's date), `before` the figure before that run (None: the series starts met), `latest` the
    newest figure. For "passes", `other_*` are B's figures on the same dates; for "change", `base` is the
    figure `latest` is compared with and `change_pct` the change in percent."""

    key: str
    first: Point
    before: Point | None
    latest: Point
    other_first: Point | None = None
    other_before: Point | None = None
    other_latest: Point | None = None
    base: Point | None = None
    change_pct: float | None = None


def upto(points: list[Point], as_of: date) -> list[Point]:
    """The figures dated on or before `as_of` (figures are sorted by date)."""
    return [p for p in points if p.date <= as_of]


def _trailing_run(values: list[bool]) -> int | None:
    """The index where the trailing run of True starts, or None when the last value is False (or none)."""
    if not values or not values[-1]:
        return None
    i = len(values) - 1
    while i > 0 and values[i - 1]:
        i -= 1
    return i


def threshold_crossing(points: list[Point], threshold: float, as_of: date) -> Crossing | None:
    """Met when the latest figure is at or above `threshold`."""
    pts = upto(points, as_of)
    start = _trailing_run([p.value >= threshold for p in pts])
    if start is None:
        return None
    return Crossing(MET_ONCE, pts[start], pts[start - 1] if start else None, pts[-1])


def passes_crossing(a: list[Point], b: list[Point], as_of: date) -> Crossing | None:
    """Met when A is above B on the latest date both have a figure for (compared only on common dates)."""
    b_by_date = {p.date: p for p in upto(b, as_of)}
    pairs = [(p, b_by_date[p.date]) for p in upto(a, as_of) if p.date in b_by_date]
    start = _trailing_run([pa.value > pb.value for pa, pb in pairs])
    if start is None:
        return None
    before = pairs[start - 1] if start else (None, None)
    return Crossing(
        MET_ONCE,
        pairs[start][0],
        before[0],
        pairs[-1][0],
        other_first=pairs[start][1],
        other_before=before[1],
        other_latest=pairs[-1][1],
    )


def window_start(day: date, window: str) -> date:
    """The day one `window` (day, week, month, quarter, year) before `day`; months are calendar months."""
    if window == "day":
        return day - timedelta(days=1)
    if window == "week":
        return day - timedelta(days=7)
    return add_months(day, {"month": -1, "quarter": -3, "year": -12}[window])


def base_figure(points: list[Point], at: int, window: str) -> Point | None:
    """The figure `points[at]` is compared with: the last one on or before a window earlier, within the
    window's tolerance, counted the same way (a change of counting method is no change in the figure)."""
    p = points[at]
    base = value_at(points[:at], window_start(p.date, window), tolerance=TOLERANCE[window])
    if base is None or base.value <= 0 or base.method != p.method:
        return None
    return base


def change_pct(points: list[Point], at: int, window: str) -> float | None:
    """The change of `points[at]` against its base figure, in percent; None without a base figure."""
    base = base_figure(points, at, window)
    return None if base is None else (points[at].value - base.value) / base.value * 100


def change_crossing(points: list[Point], pct: float, window: str, as_of: date) -> Crossing | None:
    """Met when the latest figure changed by at least `pct` percent (at most, for a fall) over `window`.
    A relative alert can fire again: each run of met figures is its own crossing, keyed by its first date."""
    pts = upto(points, as_of)

    def met(i: int) -> bool:
        change = change_pct(pts, i, window)
        return change is not None and (change >= pct if pct >= 0 else change <= pct)

    # Walk back from the latest figure only as far as the run goes (older figures don't matter).
    if not pts or not met(len(pts) - 1):
        return None
    start = len(pts) - 1
    while start > 0 and met(start - 1):
        start -= 1
    return Crossing(
        pts[start].date.isoformat(),
        pts[start],
        pts[start - 1] if start else None,
        pts[-1],
        base=base_figure(pts, len(pts) - 1, window),
        change_pct=change_pct(pts, len(pts) - 1, window),
    )


# -- milestones ---------------------------------------------------------------------------------------------
MILESTONE_FROM = 1_000


def highest_mark(value: float) -> float | None:
    """The largest round number (1-9 × 10^k, k ≥ 3) at or below `value`; None below 1,000."""
    if value < MILESTONE_FROM:
        return None
    scale = 10 ** (len(str(int(value))) - 1)
    return float(int(value) // scale * scale)


def milestone_crossing(points: list[Point], as_of: date, is_new: Callable[[Point], bool]) -> Crossing | None:
    """The highest round number the latest figure is past, when the first figure of its run is new
    (`is_new`: stored after the channel subscribed) and an older figure below the mark exists: a mark
    crossed long ago, or one the series started above, is no milestone. `key` is the mark ("40000")."""
    pts = upto(points, as_of)
    if not pts:
        return None
    mark = highest_mark(pts[-1].value)
    if mark is None:
        return None
    start = _trailing_run([p.value >= mark for p in pts])
    if not start or not is_new(pts[start]):
        return None
    return Crossing(f"{mark:.0f}", pts[start], pts[start - 1], pts[-1])


def stored_after(new_dates: Collection[date]) -> Callable[[Point], bool]:
    """`is_new` for `milestone_crossing`: the figure's date is one of the dates stored after the subscription."""
    return lambda p: p.date in new_dates
