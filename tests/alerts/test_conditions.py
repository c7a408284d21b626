"""Which stored figures meet an alert or a milestone: real figures only, the crossing dated by the first figure
of the run that meets it, the figure before it kept, counting-method changes never read as a change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.alerts.conditions import (
    MET_ONCE,
    change_crossing,
    highest_mark,
    milestone_crossing,
    passes_crossing,
    threshold_crossing,
)
from bot.answering.model import Point

AS_OF = date(2026, 11, 30)


def series(*pairs: tuple[str, float], method: str = "counted at the time") -> list[Point]:
    return [Point(date.fromisoformat(d), v, "github", method) for d, v in pairs]


def test_a_threshold_is_met_by_the_latest_figure_and_dated_by_the_first_at_or_above_it():
    points = series(("2025-10-30", 33_831), ("2026-11-01", 50_100), ("2026-11-02", 49_990), ("2026-11-03", 50_412))
    crossing = threshold_crossing(points, 50_000, AS_OF)
    assert crossing is not None and crossing.key == MET_ONCE
    assert crossing.first.date == date(2026, 11, 3)  # the dip below restarts the run: never a guessed date
    assert crossing.before is not None and crossing.before.value == 49_990


def test_a_threshold_the_latest_figure_is_below_is_not_met_even_if_an_older_figure_was_above():
    points = series(("2026-01-01", 51_000), ("2026-02-01", 49_000))
    assert threshold_crossing(points, 50_000, AS_OF) is None


def test_figures_dated_after_the_moment_checked_are_left_out():
    points = series(("2026-10-01", 40_000), ("2026-12-01", 60_000))
    assert threshold_crossing(points, 50_000, AS_OF) is None
    assert threshold_crossing(points, 50_000, date(2026, 12, 1)) is not None


def test_passing_is_compared_only_on_dates_both_projects_were_counted():
    a = series(("2026-10-01", 100), ("2026-10-08", 150), ("2026-10-10", 300))
    b = series(("2026-10-01", 200), ("2026-10-08", 210), ("2026-10-12", 220))
    assert passes_crossing(a, b, AS_OF) is None  # 2026-10-10 has no figure of B: it is not compared
    b.append(Point(date(2026, 10, 15), 230, "github", "counted at the time"))
    a.append(Point(date(2026, 10, 15), 240, "github", "counted at the time"))
    crossing = passes_crossing(a, b, AS_OF)
    assert crossing is not None and crossing.first.date == date(2026, 10, 15)
    assert (crossing.before.value, crossing.other_before.value) == (150, 210)  # the last common date before


@pytest.mark.parametrize(
    ("pct", "values", "met"),
    [
        (50, [100, 100, 151], True),
        (50, [100, 100, 149], False),
        (-20, [100, 100, 79], True),
        (-20, [100, 100, 90], False),
    ],
)
def test_a_change_compares_the_latest_figure_with_the_one_a_window_earlier(pct, values, met):
    points = series(*((f"2026-{m:02d}-28", v) for m, v in zip((8, 9, 10), values, strict=True)))
    crossing = change_crossing(points, pct, "month", AS_OF)
    assert (crossing is not None) == met
    if met:
        assert crossing.base is not None and crossing.base.date == date(2026, 9, 28)
        assert crossing.key == "2026-10-28"


def test_a_change_across_a_change_of_counting_method_is_not_read_as_a_change():
    points = [
        Point(date(2026, 9, 30), 100, "top_pypi", "all installers, rolling window (BigQuery)"),
        Point(date(2026, 10, 31), 200, "clickhouse", "all installers, calendar month (ClickHouse)"),
    ]
    assert change_crossing(points, 50, "month", AS_OF) is None


def test_a_change_needs_a_figure_near_a_window_earlier_never_an_interpolated_one():
    points = series(("2026-06-30", 100), ("2026-10-31", 200))  # nothing near 2026-09-30
    assert change_crossing(points, 50, "month", AS_OF) is None


def test_each_run_of_a_met_change_is_its_own_crossing():
    start = date(2026, 1, 1)
    values = [100, 200, 200, 400]  # +100%, 0%, +100%
    points = [Point(start + timedelta(weeks=i), v, "github", "m") for i, v in enumerate(values)]
    crossing = change_crossing(points, 50, "week", AS_OF)
    assert crossing is not None and crossing.key == (start + timedelta(weeks=3)).isoformat()


@pytest.mark.parametrize(
    ("value", "mark"),
    [(999, None), (1_000, 1_000), (33_831, 30_000), (40_213, 40_000), (197_212, 100_000), (2_400_000, 2_000_000)],
)
def test_milestones_are_one_significant_digit_round_numbers_from_1000(value, mark):
    assert highest_mark(value) == mark


def test_a_milestone_is_crossed_by_a_newly_stored_figure_and_dated_by_it():
    points = series(("2025-10-30", 38_900), ("2026-11-20", 40_213), ("2026-11-27", 40_400))
    crossing = milestone_crossing(points, AS_OF, lambda p: p.date >= date(2026, 11, 1))
    assert crossing is not None and crossing.key == "40000"
    assert crossing.first.date == date(2026, 11, 20) and crossing.before.date == date(2025, 10, 30)


def test_a_mark_passed_by_old_figures_or_one_the_series_starts_above_is_no_milestone():
    old = series(("2025-01-01", 38_000), ("2025-06-01", 40_100), ("2026-11-20", 40_500))
    assert milestone_crossing(old, AS_OF, lambda p: p.date >= date(2026, 11, 1)) is None
    starts_above = series(("2026-11-20", 40_500))
    assert milestone_crossing(starts_above, AS_OF, lambda p: True) is None
