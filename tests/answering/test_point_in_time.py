"""Point-in-time questions: the parser fills `Query.at`, the engine answers from the bundled history."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_text
from bot.answering.model import Point
from bot.answering.point_in_time import figures_at
from bot.answering.series import value_at
from bot.ingest.seeded import open_seeded_store
from bot.render.terminal import render_text
from bot.store.opening import forget_stores
from bot.understanding.grammar import parse, query_text

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    yield open_seeded_store(tmp_path_factory.mktemp("pit") / "fwtrend.db")
    forget_stores()


@pytest.mark.parametrize(
    ("text", "at", "month"),
    [
        ("pytorch vs tensorflow stars in january 2023", date(2023, 1, 1), True),
        ("pytorch vs tensorflow stars in jan 2023", date(2023, 1, 1), True),
        ("pytorch vs tensorflow stars as of 2022-12", date(2022, 12, 1), True),
        ("pytorch vs tensorflow stars at the end of 2021", date(2021, 12, 31), False),
        ("pytorch vs tensorflow stars on 2023-01-15", date(2023, 1, 15), False),
        ("pytorch stars at the end of january 2023", date(2023, 1, 31), False),
    ],
)
def test_parser_fills_at(text, at, month):
    q = parse(text, today=TODAY)
    assert (q.at, q.at_month) == (at, month)
    assert q.intent == "compare" and q.metric == "github_stars"
    assert not q.unknown
    assert (q.since, q.until) == (None, None)
    # The follow-up text keeps the date.
    again = parse(query_text(q), today=TODAY)
    assert (again.at, again.at_month) == (at, month)


def test_in_a_year_stays_a_period():
    q = parse("pytorch vs tensorflow in 2023", today=TODAY)
    assert q.at is None
    assert (q.since, q.until) == (date(2023, 1, 1), date(2023, 12, 31))


def test_impossible_dates_are_not_points():
    assert parse("pytorch stars on 2023-02-30", today=TODAY).at is None
    assert parse("pytorch stars as of 2023-13", today=TODAY).at is None


def test_value_at_rules():
    pts = [Point(date(2022, 12, 29), 1.0, "s", None), Point(date(2023, 1, 5), 2.0, "s", None)]
    pts.append(Point(date(2023, 1, 26), 3.0, "s", None))
    # A month reads its first observation; a day the last one on or before it.
    assert value_at(pts, date(2023, 1, 1), month=True).value == 2.0
    assert value_at(pts, date(2023, 1, 1)).value == 1.0
    assert value_at(pts, date(2023, 1, 31)).value == 3.0
    # Nothing within the tolerance: no figure rather than a stale one.
    assert value_at(pts, date(2023, 6, 1), tolerance=45) is None
    assert value_at(pts, date(2022, 1, 1)) is None


def test_stars_in_january_2023_are_bestof_counts_taken_at_the_time(store):
    figs = {
        f.framework: f
        for f in figures_at(store, ["pytorch", "tensorflow"], "github_stars", date(2023, 1, 1), month=True)
    }
    tf, pt = figs["tensorflow"], figs["pytorch"]
    assert tf.then.date == date(2023, 1, 5) and tf.then.source == "bestof"
    assert tf.then.value == 172_239  # the data README's 172.2k, not the rebuilt 165.3k
    assert pt.then.value == 61_430
    assert not tf.retained
    assert tf.now.value == 197_212 and tf.now.date == date(2026, 8, 22)
    assert round(tf.change_pct) == 14


def test_answer_shows_dates_sources_change_and_the_article_quote(store):
    answer = answer_text(store, "pytorch vs tensorflow stars in january 2023", today=TODAY)
    assert answer.kind == "point_in_time"
    text = " ".join([*answer.lines, *answer.notes])
    assert render_text(answer).startswith("PyTorch vs TensorFlow, January 2023")
    assert "172,239 stars on 2023-01-05 (best-of-ml-python weekly snapshots)" in text
    assert "61,430 stars on 2023-01-05" in text
    assert "197,212 on 2026-08-22" in text and "+14%" in text and "+67%" in text
    assert "quoted PyTorch 61.0k, TensorFlow 170k for January 2023" in text
    # The chart gets the series from the date to now; the table's first row is the date asked.
    assert answer.chart is not None and answer.chart.figures[0].points[0].date == date(2023, 1, 5)


def test_end_of_year_and_frozen_papers_with_code(store):
    answer = answer_text(store, "tensorflow pwc at the end of 2021", today=TODAY)
    text = " ".join([*answer.lines, *answer.notes])
    assert "10% of implementations on 2021-12-01 (Papers with Code trends, Dec 2021" in text
    assert "4% on 2022-12-01" in text and "-6.0 points" in text
    assert "shut down in July 2025" in text


def test_before_counts_taken_at_the_time_falls_back_to_retained_and_says_so(store):
    answer = answer_text(store, "pytorch stars at the end of 2019", today=TODAY)
    text = " ".join(answer.lines)
    assert "[rebuilt from today's stargazers: reads low]" in text
    assert "rebuilt from today's stargazers" in " ".join(answer.notes)


def test_survey_has_no_newer_figure_and_keeps_its_population(store):
    answer = answer_text(store, "pytorch vs tensorflow survey as of 2022-12", today=TODAY)
    text = " ".join(answer.lines)
    assert "12.9% of respondents on 2022-05-01" in text
    assert "all respondents" in text and "no newer figure" in text
    assert "professional" not in text


def test_no_figure_near_the_date_says_where_history_starts(store):
    answer = answer_text(store, "pytorch vs tensorflow stars in 2015-03", today=TODAY)
    assert answer.kind == "empty"
    assert "TensorFlow: the GitHub stars I have start on 2015-11-30." in answer.lines


def test_impossible_dates_are_noted():
    assert parse("pytorch stars on 2023-02-30", today=TODAY).notes == [
        "I couldn't read “2023-02-30” as a date, so I left it out."
    ]
    assert parse("pytorch stars as of 2023-13", today=TODAY).notes == [
        "I couldn't read “2023-13” as a month, so I left it out."
    ]


def test_a_point_in_the_future_is_dropped_and_noted():
    q = parse("pytorch stars in march 2030", today=TODAY)
    assert q.at is None and q.unknown == []
    assert q.notes == ["“in march 2030” is in the future, so I left it out."]
