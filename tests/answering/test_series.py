"""The ONE `value_at`: which stored figure stands for a date (never an interpolated one)."""

from __future__ import annotations

from datetime import date

from bot.answering.model import Point
from bot.answering.series import value_at

# Monthly figures with January–March 2020 missing from the source.
SERIES = [
    Point(date(2019, 11, 1), 100.0, "test", None),
    Point(date(2019, 12, 1), 110.0, "test", None),
    Point(date(2020, 4, 1), 150.0, "test", None),
    Point(date(2020, 5, 1), 160.0, "test", None),
]


def test_a_date_on_an_observation_reads_that_observation():
    assert value_at(SERIES, date(2019, 12, 1)) == SERIES[1]


def test_a_date_between_observations_reads_the_one_before_it_not_an_interpolation():
    point = value_at(SERIES, date(2020, 4, 20))
    assert point == SERIES[2]
    assert point.value == 150.0  # the stored figure, not 150 + a share of the next month's gain


def test_a_date_in_a_gap_reads_the_figure_before_the_gap_when_the_tolerance_allows():
    assert value_at(SERIES, date(2020, 1, 15), tolerance=60) == SERIES[1]


def test_a_date_in_a_gap_past_the_tolerance_reads_nothing():
    assert value_at(SERIES, date(2020, 2, 20), tolerance=45) is None


def test_a_date_before_the_first_figure_reads_nothing_at_any_tolerance():
    assert value_at(SERIES, date(2019, 10, 31)) is None
    assert value_at(SERIES, date(2019, 10, 31), tolerance=10_000) is None


def test_a_tolerance_counts_days_back_from_the_date_inclusive():
    assert value_at(SERIES, date(2019, 12, 31), tolerance=30) == SERIES[1]
    assert value_at(SERIES, date(2020, 1, 1), tolerance=30) is None


def test_a_month_reads_its_first_figure_else_the_last_before_the_month_ends():
    weekly = [Point(date(2023, 1, d), float(d), "test", None) for d in (5, 12, 19)]
    assert value_at(weekly, date(2023, 1, 20), month=True) == weekly[0]
    assert value_at(weekly, date(2023, 2, 1), month=True, tolerance=45) == weekly[-1]
    assert value_at(weekly, date(2022, 12, 1), month=True) is None


def test_an_empty_series_reads_nothing():
    assert value_at([], date(2024, 1, 1)) is None
