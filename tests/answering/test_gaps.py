"""A point or a period that falls in a gap of the data: the gap named, the nearest real figures on either
side with their dates, and which of them a change was measured from. Nothing is filled in."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.answering.engine import answer_query, answer_text
from bot.answering.model import Gap, Point
from bot.answering.series import load_points, value_at
from bot.answering.series_gaps import gap_at, is_gap, nearest_side
from bot.ingest.seeded import open_seeded_store
from bot.render.terminal import render_text
from bot.slack.blocks.answer import render_blocks
from bot.store.opening import forget_stores
from bot.understanding.grammar import Query

TODAY = date(2026, 11, 25)
JANUARY_2025_GAP = "between 2024-12-01 and 2025-02-01 (none for January 2025 in the source)"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    yield open_seeded_store(tmp_path_factory.mktemp("gaps") / "fwtrend.db")
    forget_stores()


def _pt(day: str, value: float) -> Point:
    return Point(date.fromisoformat(day), value, "s", None)


def _all_text(answer) -> str:
    return " ".join([answer.headline, *answer.lines, *answer.notes])


@pytest.mark.parametrize(
    "text",
    [
        "pytorch vs tensorflow downloads in january 2025",
        "pytorch vs tensorflow downloads as of 2025-01-15",
        "pytorch vs tensorflow downloads as of 2025-01",
        "pytorch vs tensorflow downloads at the end of january 2025",
        "pytorch vs tensorflow downloads on 2025-01-10",
    ],
)
def test_every_way_of_asking_for_a_date_in_the_january_2025_gap_gets_both_sides_and_the_gap(store, text):
    answer = answer_text(store, text, today=TODAY)
    assert answer.kind == "point_in_time"
    assert answer.headline.startswith(f"No PyPI downloads per day figures {JANUARY_2025_GAP}")
    # The stored figures on either side, with their dates: never a value made up for January.
    assert "Nearest: 2024-12-01 PyTorch 1,124,421, TensorFlow 665,538; 2025-02-01 PyTorch 1,153,127" in answer.headline
    assert "start on" not in _all_text(answer)
    rows = [c.metric.short for c in answer.comparisons]
    assert rows[:2] == ["PyPI downloads, 2024-12-01", "PyPI downloads, 2025-02-01"]
    assert "measured from 2025-02-01, the nearest real figure" in " ".join(answer.notes)


@pytest.mark.parametrize(
    "text", ["how many downloads did pytorch have in january 2025?", "pytorch downloads in january 2025"]
)
def test_one_framework_in_plain_english_or_grammar_gets_the_same_gap_answer(store, text):
    answer = answer_text(store, text, today=TODAY)
    assert answer.kind == "point_in_time" and answer.query.frameworks == ["pytorch"]
    assert JANUARY_2025_GAP in answer.headline
    assert "Nearest: 2024-12-01 PyTorch 1,124,421; 2025-02-01 PyTorch 1,153,127." in answer.headline
    line = answer.lines[0]
    assert "1,124,421 downloads/day on 2024-12-01" in line and "1,153,127 on 2025-02-01" in line


@pytest.mark.parametrize(
    "text", ["pytorch vs tensorflow downloads in february 2020", "pytorch vs tensorflow downloads as of 2020-02"]
)
def test_the_missing_february_2020_snapshot_is_a_gap_too(store, text):
    answer = answer_text(store, text, today=TODAY)
    assert "between 2020-01-17 and 2020-03-01 (none for February 2020 in the source)" in answer.headline
    assert "2020-01-17 PyTorch 30,052" in answer.headline and "2020-03-01 PyTorch 36,428" in answer.headline


def test_the_gap_answer_shows_in_the_terminal_and_in_block_kit(store):
    answer = answer_text(store, "pytorch vs tensorflow downloads in january 2025", today=TODAY)
    text = render_text(answer)
    assert JANUARY_2025_GAP in text.replace("\n", " ")
    assert "PyPI downloads, 2024-12-01" in text and "PyPI downloads, 2025-02-01" in text
    blocks = json.dumps(render_blocks(answer, today=TODAY)["blocks"])
    assert JANUARY_2025_GAP in blocks and "the nearest real figure" in blocks


def test_a_missed_weekly_star_snapshot_is_a_gap(store):
    answer = answer_text(store, "jax stars on 2023-11-02", today=TODAY)
    assert "between 2023-10-26 and 2023-11-09 (snapshots missing from the source)" in answer.headline
    assert "2023-10-26 JAX 25,103; 2023-11-09 JAX 25,467" in answer.headline


def test_a_month_inside_a_three_month_star_gap_names_both_sides(store):
    answer = answer_text(store, "jax vs pytorch stars in july 2024", today=TODAY)
    assert "between 2024-06-06 and 2024-09-05 (none for July 2024 to August 2024" in answer.headline
    assert "2024-06-06 JAX 28,672, PyTorch 79,207; 2024-09-05 JAX 29,742, PyTorch 81,851" in answer.headline


def test_a_period_starting_in_a_gap_is_measured_from_the_nearest_real_figure_and_says_so(store):
    answer = answer_text(store, "pytorch vs tensorflow downloads since january 2025", today=TODAY)
    pytorch = answer.comparisons[0].figures[0]
    assert pytorch.start.date == date(2024, 12, 1)
    note = answer.notes[0]
    assert JANUARY_2025_GAP in note and "starts in that gap, so it is measured from 2024-12-01" in note
    assert "other side is 2025-02-01" in note


def test_a_period_ending_in_a_gap_ends_on_the_last_real_figure_and_says_so(store):
    answer = answer_text(store, "pytorch vs tensorflow downloads in 2024", today=TODAY)
    assert answer.comparisons[0].figures[0].latest.date == date(2024, 12, 1)
    assert any("ends in that gap, so it is measured to 2024-12-01" in n for n in answer.notes)


def test_growth_since_a_date_in_a_long_gap_uses_the_nearest_side_instead_of_giving_up(store):
    # 2024-08-01 is 56 days after the last star count before the gap: it used to leave both out.
    answer = answer_text(store, "is jax growing faster than pytorch in stars since 2024-08", today=TODAY)
    assert answer.kind == "growth"
    assert "29.7k → 33.8k" in " ".join(answer.lines)  # JAX from its 2024-09-05 figure
    assert any("starts in that gap, so it is measured from 2024-09-05" in n for n in answer.notes)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("is pytorch growing faster than tensorflow in downloads in january 2025", "growth"),
        ("when did pytorch overtake tensorflow in downloads in january 2025", "crossover"),
    ],
)
def test_growth_and_crossover_asked_at_a_gap_date_name_the_gap_and_the_date_used(store, text, kind):
    answer = answer_text(store, text, today=TODAY)
    assert answer.kind == kind
    assert any(JANUARY_2025_GAP in n and "measured to 2024-12-01" in n for n in answer.notes)


def test_before_the_first_figure_is_not_a_gap(store):
    answer = answer_text(store, "pytorch vs tensorflow stars in 2015-03", today=TODAY)
    assert answer.kind == "empty"
    assert "TensorFlow: the GitHub stars I have start on 2015-11-30." in answer.lines
    assert "gap" not in _all_text(answer)


def test_after_the_newest_figure_is_not_a_gap_and_says_newest(store):
    answer = answer_text(store, "pytorch vs tensorflow downloads in october 2026", today=TODAY)
    assert answer.kind == "empty"
    assert (
        answer.lines[0] == "PyTorch: the newest PyPI downloads per day I have are from 2026-03-31, before October 2026."
    )
    assert "start on" not in _all_text(answer) and "gap" not in _all_text(answer)


def test_gap_rules_follow_the_local_cadence():
    fortnightly = [_pt(d, i) for i, d in enumerate(["2019-11-01", "2019-11-15", "2019-11-29", "2019-12-13"])]
    monthly = [_pt(f"2020-{m:02d}-01", 10 + m) for m in range(1, 13)]
    pts = fortnightly + monthly
    # Moving from fortnightly to monthly snapshots is not a gap; a missing calendar month is.
    assert not any(is_gap(pts, i) for i in range(len(pts) - 1))
    with_hole = [p for p in pts if p.date != date(2020, 2, 1)]
    gap = gap_at(with_hole, date(2020, 2, 1), month=True)
    assert (gap.before.date, gap.after.date) == (date(2020, 1, 1), date(2020, 3, 1))
    assert gap_at(with_hole, date(2020, 2, 10)) == gap
    # On an observation, in a month holding one, before the first or after the last: no gap.
    assert gap_at(with_hole, date(2020, 1, 1)) is None
    assert gap_at(with_hole, date(2020, 3, 1), month=True) is None
    assert gap_at(with_hole, date(2019, 1, 1)) is None and gap_at(with_hole, date(2021, 1, 1)) is None
    # Both sides are stored points; a tie goes to the one standing at the date.
    assert nearest_side(gap, date(2020, 2, 25)) is gap.after
    assert nearest_side(gap, date(2020, 1, 31)) is gap.before
    assert value_at(with_hole, date(2020, 2, 10), tolerance=45).date == date(2020, 1, 1)
    assert value_at(with_hole, date(2020, 2, 10), tolerance=30) is None


def test_the_bundled_pypi_series_shows_the_documented_missing_months_as_gaps(store):
    series = load_points(store, "pypi_downloads", ["pytorch"])["pytorch"]
    missing = {
        month
        for i in range(len(series) - 1)
        if is_gap(series, i)
        for month in Gap(series[i], series[i + 1]).missing_months
    }
    assert {date(2020, 2, 1), date(2025, 1, 1)} <= missing


@pytest.mark.parametrize(
    ("text", "stretch", "before", "after"),
    [
        ("google/jax vs pytorch stars since 2024-07 until 2024-08", "2024-06-06 and 2024-09-05", "28.7k", "29.7k"),
        ("jax vs pytorch stars from july 2024 to august 2024", "2024-06-06 and 2024-09-05", "28.7k", "29.7k"),
        ("pytorch downloads from 2025-01-05 to 2025-01-20", "2024-12-01 and 2025-02-01", "1.12M", "1.15M"),
        (
            "how many downloads did pytorch have between 2025-01-03 and 2025-01-25?",
            "2024-12-01 and 2025-02-01",
            "1.12M",
            "1.15M",
        ),
    ],
)
def test_a_period_wholly_inside_a_gap_names_the_gap_and_the_figures_either_side(store, text, stretch, before, after):
    answer = answer_text(store, text, today=date(2026, 11, 25))
    said = render_text(answer)
    assert f"between {stretch}" in said
    assert "falls in a gap" in said
    assert before in said and after in said
    assert "they run from" not in said  # the old, wrong reason: the data does cover that stretch


# -- growth and crossover over a period wholly inside a gap: the same reason as the comparison -------------

STARS_GAP = "No GitHub stars figures between 2024-06-06 and 2024-09-05"
DOWNLOADS_GAP = f"No PyPI downloads per day figures {JANUARY_2025_GAP}"


@pytest.mark.parametrize(
    ("text", "kind", "gap", "sides"),
    [
        (
            "pytorch downloads growth from 2024-12-15 to 2025-01-20",
            "growth",
            DOWNLOADS_GAP,
            "Nearest: 2024-12-01 PyTorch 1.12M downloads/day; 2025-02-01 PyTorch 1.15M downloads/day.",
        ),
        (
            "jax vs pytorch stars growth july 2024 to august 2024",
            "growth",
            STARS_GAP,
            "Nearest: 2024-06-06 JAX 28.7k stars, PyTorch 79.2k stars; 2024-09-05 JAX 29.7k stars, PyTorch 81.9k",
        ),
        (
            "which grew faster on downloads from 2025-01-05 to 2025-01-25, keras or jax?",
            "growth",
            DOWNLOADS_GAP,
            "2024-12-01 Keras 482k downloads/day, JAX 150k downloads/day; 2025-02-01 Keras 452k downloads/day",
        ),
        (
            "pytorch vs tensorflow downloads growth from 2020-02-03 to 2020-02-25",
            "growth",
            "No PyPI downloads per day figures between 2020-01-17 and 2020-03-01 (none for February 2020",
            "2020-01-17 PyTorch 30.1k downloads/day, TensorFlow 185k downloads/day; 2020-03-01 PyTorch 36.4k",
        ),
        (
            "when did pytorch pass tensorflow on stars between july 2024 and august 2024",
            "crossover",
            STARS_GAP,
            "2024-06-06 PyTorch 79.2k stars, TensorFlow 186k stars; 2024-09-05 PyTorch 81.9k stars, TensorFlow 188k",
        ),
        (
            "has jax passed pytorch in downloads between 2025-01-05 and 2025-01-25",
            "crossover",
            DOWNLOADS_GAP,
            "2024-12-01 JAX 150k downloads/day, PyTorch 1.12M downloads/day; 2025-02-01 JAX 204k downloads/day",
        ),
    ],
)
def test_growth_and_crossover_over_a_period_inside_a_gap_name_the_gap_and_the_dated_figures_on_each_side(
    store, text, kind, gap, sides
):
    answer = answer_text(store, text, today=TODAY)
    assert answer.query.intent == kind and answer.kind == "empty"
    assert answer.headline.startswith(gap) and "falls in a gap in the data" in answer.headline
    assert sides in answer.headline
    said = render_text(answer)
    assert "enough" not in said and "I have no" not in said  # the old, wrong reasons
    assert "try a period that reaches one of those dates" in " ".join(answer.lines)


STARS_SUMMER = "pytorch vs tensorflow stars from july 2024 to august 2024"
DOWNLOADS_JANUARY = "pytorch vs jax downloads from 2025-01-05 to 2025-01-25"


@pytest.mark.parametrize(
    ("compared", "asked"),
    [
        (STARS_SUMMER, "pytorch vs tensorflow stars growth july 2024 to august 2024"),
        (STARS_SUMMER, "when did pytorch pass tensorflow on stars between july 2024 and august 2024"),
        (DOWNLOADS_JANUARY, "is pytorch growing faster than jax in downloads from 2025-01-05 to 2025-01-25"),
    ],
)
def test_growth_and_crossover_give_the_comparisons_gap_reason_word_for_word(store, compared, asked):
    assert answer_text(store, asked, today=TODAY).headline == answer_text(store, compared, today=TODAY).headline


def test_all_crossovers_over_a_period_inside_a_gap_name_the_gap_not_no_crossovers(store):
    query = Query(
        intent="crossover",
        metric="github_stars",
        since=date(2024, 7, 1),
        until=date(2024, 8, 31),
        period_label="from July 2024 to August 2024",
    )
    answer = answer_query(store, query, today=TODAY)
    assert answer.headline.startswith(STARS_GAP) and "falls in a gap in the data" in answer.headline
    assert "2024-06-06 " in answer.headline and "2024-09-05 " in answer.headline
    assert "No crossovers" not in answer.headline


def test_growth_over_a_period_with_figures_is_still_measured(store):
    # The gap answer is only for a period holding no figure: a period that reaches one is measured.
    answer = answer_text(store, "jax vs pytorch stars growth from june 2024 to september 2024", today=TODAY)
    assert answer.kind == "growth" and "falls in a gap" not in answer.headline
