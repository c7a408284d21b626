"""Every period form a question may carry is applied, or named in the answer with the reason.

Numeric months (03/2022, 2022/03, 2022.03), quarters and halves, decades, periods relative to the
asker's today (this week, this quarter, 3 months ago, in december, until last year), full days after
"since", impossible years, the unit a figure is asked in (per week, total) and qualifiers the figures
can't honour (only linux, on pip, for gpu). Both readers: the slash grammar and plain English.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.answering.engine import answer_text
from bot.cli import main
from bot.understanding.grammar import parse
from bot.understanding.query import Query
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)  # a Wednesday: this week began on Monday 2026-11-23
READERS = {"strict": parse, "english": understand}


def _read(reader: str, text: str, today: date = TODAY) -> Query:
    return READERS[reader](text, today=today)


def _pair(reader: str, period: str) -> Query:
    q = _read(reader, f"pytorch vs tensorflow downloads {period}")
    assert (q.intent, q.frameworks, q.metric, q.unknown) == ("compare", ["pytorch", "tensorflow"], "pypi_downloads", [])
    return q


# -- numeric months and days -----------------------------------------------------------------------
NUMERIC = [
    ("from 03/2022 to 04/2023", date(2022, 3, 1), date(2023, 4, 30)),
    ("from 2022/03 to 2023/04", date(2022, 3, 1), date(2023, 4, 30)),
    ("from 2022.03 to 2023.04", date(2022, 3, 1), date(2023, 4, 30)),
    ("between 2021/06 and 2021/09", date(2021, 6, 1), date(2021, 9, 30)),
    ("since 3/2022", date(2022, 3, 1), None),
    ("until 04/2023", None, date(2023, 4, 30)),
    ("since 15/03/2023", date(2023, 3, 15), None),
    ("since 2023/03/15", date(2023, 3, 15), None),
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("period", "since", "until"), NUMERIC)
def test_numeric_months_and_days_are_read_as_months_and_days(reader, period, since, until):
    q = _pair(reader, period)
    assert (q.since, q.until, q.notes) == (since, until, [])


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("period", "reason"),
    [("since 03/04/2023", "could be day/month or month/day"), ("since 13/2022", "isn't a month"),
     ("since 2023/02/30", "isn't a date")],
)  # fmt: skip
def test_a_numeric_date_that_is_ambiguous_or_impossible_is_named_never_misread(reader, period, reason):
    q = _pair(reader, period)
    typed = period.removeprefix("since ")
    assert (q.since, q.until, q.at) == (None, None, None)
    assert any(n.startswith(f"I didn't use “{typed}”") and reason in n for n in q.notes), q.notes


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("period", ["since 2024-07-15", "from 2024-07-15"])
def test_a_full_date_after_since_keeps_its_day(reader, period):
    q = _pair(reader, period)
    assert (q.since, q.until, q.notes) == (date(2024, 7, 15), None, [])


# -- quarters, halves, decades ---------------------------------------------------------------------
PARTS = [
    ("Q1 2023", date(2023, 1, 1), date(2023, 3, 31)),
    ("2023 Q3", date(2023, 7, 1), date(2023, 9, 30)),
    ("2023-Q4", date(2023, 10, 1), date(2023, 12, 31)),
    ("in q3 2022", date(2022, 7, 1), date(2022, 9, 30)),
    ("second quarter of 2021", date(2021, 4, 1), date(2021, 6, 30)),
    ("H2 2022", date(2022, 7, 1), date(2022, 12, 31)),
    ("first half of 2024", date(2024, 1, 1), date(2024, 6, 30)),
    ("since Q2 2023", date(2023, 4, 1), None),
    ("until Q2 2023", None, date(2023, 6, 30)),
    ("from Q1 2022 to Q3 2022", date(2022, 1, 1), date(2022, 9, 30)),
    ("in the 2010s", date(2010, 1, 1), date(2019, 12, 31)),
    ("in the 2020s", date(2020, 1, 1), None),
    ("prior to 2022", None, date(2021, 12, 31)),
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("period", "since", "until"), PARTS)
def test_quarters_halves_decades_and_prior_to_are_ordinary_periods(reader, period, since, until):
    q = _pair(reader, period)
    assert (q.since, q.until, q.notes) == (since, until, [])


# -- relative to the asker's today -----------------------------------------------------------------
ENDS = [
    ("until last year", date(2025, 12, 31)),
    ("up until last year", date(2025, 12, 31)),
    ("through last year", date(2025, 12, 31)),
    ("through the end of last year", date(2025, 12, 31)),
    ("before last year", date(2024, 12, 31)),
    ("until last month", date(2026, 10, 31)),
    ("before this month", date(2026, 10, 31)),
    ("through last quarter", date(2026, 9, 30)),
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("period", "until"), ENDS)
def test_an_end_named_relative_to_today_ends_at_the_end_of_that_period(reader, period, until):
    q = _pair(reader, period)
    assert (q.since, q.until, q.notes) == (None, until, [])


@pytest.mark.parametrize("reader", READERS)
def test_until_last_year_is_read_in_the_askers_today(reader):
    assert _read(reader, "pytorch vs tensorflow stars until last year", date(2027, 1, 2)).until == date(2026, 12, 31)
    q = _read(reader, "pytorch vs tensorflow stars from 2020 to last year")
    assert (q.since, q.until) == (date(2020, 1, 1), date(2025, 12, 31))


RELATIVE = [
    ("this week", date(2026, 11, 23), "since Monday 2026-11-23"),
    ("this quarter", date(2026, 10, 1), "Q4 2026 so far"),
    ("since new year", date(2026, 1, 1), None),
    ("since the start of the year", date(2026, 1, 1), None),
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("period", "since", "said"), RELATIVE)
def test_a_period_relative_to_today_is_applied_and_said_when_it_needs_saying(reader, period, since, said):
    q = _read(reader, f"pytorch vs jax stars {period}")
    assert (q.frameworks, q.since, q.until, q.unknown) == (["pytorch", "jax"], since, None, [])
    if said is None:
        assert q.notes == []
    else:
        assert len(q.notes) == 1 and q.notes[0].startswith(f"I read “{period}” as {said}"), q.notes


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("period", "at"),
    [("3 months ago", date(2026, 8, 25)), ("two weeks ago", date(2026, 11, 11)), ("a year ago", date(2025, 11, 25)),
     ("mid january 2025", date(2025, 1, 15))],
)  # fmt: skip
def test_a_time_ago_or_mid_month_is_a_point_in_time_and_said(reader, period, at):
    q = _read(reader, f"pytorch stars {period}")
    assert (q.frameworks, q.at, q.since, q.unknown) == (["pytorch"], at, None, [])
    assert q.notes == [f"I read “{period}” as {at.isoformat()}."]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("month", "at"),
    [("december", date(2025, 12, 1)), ("march", date(2026, 3, 1)), ("november", date(2025, 11, 1))],
)
def test_a_month_without_a_year_is_the_last_one_that_has_ended_and_said(reader, month, at):
    q = _read(reader, f"pytorch stars in {month}")
    assert (q.at, q.at_month, q.unknown) == (at, True, [])
    assert q.notes == [f"I read “{month}” as {at:%B %Y}, the last {at:%B} that has ended."]


# -- years with no figures -------------------------------------------------------------------------
@pytest.mark.parametrize("reader", READERS)
def test_a_start_before_2000_is_all_history_and_said(reader):
    q = _read(reader, "pytorch vs tensorflow stars since 1970")
    assert (q.since, q.until, q.period_label) == (None, None, "all history")
    assert any(n.startswith("“since 1970”: I have no figures from before 2000") for n in q.notes), q.notes


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("period", "reason"), [("since 0000", "0000 isn't a year"), ("in 1990", "no figures from before 2000")]
)
def test_a_year_with_no_figures_is_named_with_the_reason(reader, period, reason):
    q = _read(reader, f"pytorch stars {period}")
    assert (q.since, q.until, q.at, q.unknown) == (None, None, None, [])
    assert any(n.startswith(f"I didn't use “{period}”") and reason in n for n in q.notes), q.notes


# -- the unit a figure is asked in -----------------------------------------------------------------
UNITS = [
    ("pytorch vs tensorflow downloads per week", "per week", "I didn't apply", "downloads per day"),
    ("pytorch vs tensorflow downloads weekly", "weekly", "I didn't apply", "downloads per day"),
    ("pytorch vs tensorflow downloads monthly", "monthly", "I didn't apply", "downloads per day"),
    ("pytorch vs tensorflow total downloads", "total", "I didn't apply", "not a running total"),
    ("pytorch vs tensorflow stars cumulative", "cumulative", "", "applied; GitHub stars are counted as totals"),
    ("pytorch vs tensorflow questions monthly", "monthly", "", "applied; Stack Overflow questions per month"),
    ("pytorch vs tensorflow stars weekly", "weekly", "I didn't apply", "`new stars`"),
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("text", "typed", "start", "reason"), UNITS)
def test_a_unit_asked_is_applied_or_named_with_the_reason(reader, text, typed, start, reason):
    q = _read(reader, text)
    assert (q.intent, q.frameworks, q.unknown) == ("compare", ["pytorch", "tensorflow"], [])
    assert any(n.startswith(f"{start} “{typed}”".strip()) and reason in n for n in q.notes), q.notes


def test_downloads_per_week_are_never_converted_the_figures_stay_per_day(seeded_store):
    plain = answer_text(seeded_store, "pytorch vs tensorflow downloads", today=TODAY)
    weekly = answer_text(seeded_store, "pytorch vs tensorflow downloads per week", today=TODAY)
    points = [[p for c in a.comparisons for f in c.figures for p in f.points] for a in (plain, weekly)]
    assert points[0] and points[0] == points[1]
    assert any(n.startswith("I didn't apply “per week”") for n in weekly.notes)


# -- qualifiers and words nothing used -------------------------------------------------------------
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("typed", "reason"),
    [("only linux", "operating system"), ("linux only", "operating system"), ("on pip", "no split by installer"),
     ("for gpu", "CPU or GPU build"), ("cpu only", "CPU or GPU build")],
)  # fmt: skip
def test_os_installer_and_hardware_qualifiers_are_named_with_their_reason(reader, typed, reason):
    q = _read(reader, f"pytorch vs tensorflow downloads {typed}")
    assert (q.intent, q.frameworks, q.unknown) == ("compare", ["pytorch", "tensorflow"], [])
    assert any(n.startswith(f"I didn't apply “{typed}”") and reason in n for n in q.notes), q.notes


@pytest.mark.parametrize(
    ("text", "reason"),
    [("pytorch vs tensorflow stars winter", "I read periods as years, months, quarters or dates"),
     ("pytorch vs tensorflow stars in the summer", "I read periods as years, months, quarters or dates"),
     ("pytorch vs tensorflow downloads among startups", "I read framework names, metrics")],
)  # fmt: skip
def test_a_word_not_understood_is_named_with_what_is_read(text, reason):
    q = understand(text, today=TODAY)
    assert any(n.startswith("I didn't use “") and reason in n for n in q.notes), q.notes


@pytest.mark.parametrize("reader", READERS)
def test_a_date_nothing_used_is_named_with_the_forms_that_are_read(reader):
    q = _read(reader, "pytorch vs tensorflow stars 2019")
    assert any(n.startswith("I didn't use “2019”") and "`Q1 2023`" in n for n in q.notes), q.notes


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text", ["pytorch profile", "jax overview"])
def test_profile_names_the_answer_and_is_not_left_over(reader, text):
    q = _read(reader, text)
    assert (q.intent, q.unknown, q.notes) == ("profile", [], [])


def test_fwtrend_parse_prints_a_numeric_month_period_and_a_quarter(capsys):
    assert main(["parse", "pytorch vs tensorflow downloads from 03/2022 to 2023/04"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert (parsed["since"], parsed["until"], parsed.get("notes", [])) == ("2022-03-01", "2023-04-30", [])
    assert main(["parse", "jax stars H2 2022"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert (parsed["since"], parsed["until"]) == ("2022-07-01", "2022-12-31")
