"""The answer engine on small hand-made series whose growth, share and crossovers are known."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.compare import compare
from bot.answering.engine import answer_text, strict_answer_text
from bot.answering.series import find_gaps, per_month
from bot.store.connection import Store
from bot.store.observations import observations, upsert_observations

TODAY = date(2024, 1, 15)


def rows(framework, metric, values, *, source="github", method="counted at the time"):
    return [
        {"framework": framework, "metric": metric, "date": d, "value": v, "source": source, "method": method}
        for d, v in values
    ]


@pytest.fixture
def store(empty_store: Store) -> Store:
    # Stars at month ends: A doubles in a year, B grows 10%; A passes B between March and April 2023.
    upsert_observations(
        empty_store,
        rows(
            "pytorch",
            "github_stars",
            [("2023-01-01", 100), ("2023-03-01", 140), ("2023-04-01", 160), ("2023-12-31", 200)],
        )
        + rows(
            "tensorflow",
            "github_stars",
            [("2023-01-01", 150), ("2023-03-01", 150), ("2023-04-01", 155), ("2023-12-31", 165)],
        ),
    )
    return empty_store


def test_change_and_percentage_over_a_period(store):
    c = compare(store, ["pytorch", "tensorflow"], "github_stars", since=date(2023, 1, 1), today=TODAY)
    a, b = c.figures
    assert (a.change, a.change_pct) == (100, 100)
    assert b.change == 15
    assert b.change_pct == pytest.approx(10)


def test_share_of_the_compared_total(store):
    c = compare(store, ["pytorch", "tensorflow"], "github_stars", today=TODAY)
    assert c.figures[0].share == pytest.approx(100 * 200 / 365)
    assert c.figures[1].share == pytest.approx(100 * 165 / 365)


def test_leader_and_crossover_with_the_dates_around_it(store):
    c = compare(store, ["pytorch", "tensorflow"], "github_stars", today=TODAY)
    assert c.leader == "pytorch"
    [cross] = c.crossovers
    assert (cross.leader, cross.passed) == ("pytorch", "tensorflow")
    assert (cross.before, cross.after) == (date(2023, 3, 1), date(2023, 4, 1))
    assert "PyTorch passed TensorFlow in Apr 2023" in c.verdict


def test_yearly_growth_for_long_periods(empty_store):
    upsert_observations(empty_store, rows("jax", "github_stars", [("2020-01-01", 100), ("2022-01-01", 400)]))
    c = compare(empty_store, ["jax"], "github_stars", since=date(2020, 1, 1), today=TODAY)
    assert c.figures[0].yearly_growth == pytest.approx(100, abs=0.5)  # 4× in two years is 2× a year


def test_per_month_form_of_a_cumulative_count(empty_store):
    upsert_observations(
        empty_store, rows("jax", "github_stars", [("2023-01-31", 100), ("2023-02-28", 130), ("2023-03-31", 190)])
    )
    c = compare(empty_store, ["jax"], "github_stars", rate=True, today=TODAY)
    gains = [round(p.value) for p in c.figures[0].points]
    # 30 stars over 28 days and 60 over 31 days, each scaled to an average month.
    assert gains == [round(30 * 30.44 / 28), round(60 * 30.44 / 31)]
    assert c.label == "GitHub stars gained per month"


def test_a_missing_month_is_a_gap_not_an_average(empty_store):
    points = per_month([p for p in compare(empty_store, ["jax"], "github_stars", today=TODAY).figures[0].points])
    assert points == []
    upsert_observations(
        empty_store, rows("jax", "github_stars", [("2023-01-31", 100), ("2023-02-28", 130), ("2023-05-31", 400)])
    )
    c = compare(empty_store, ["jax"], "github_stars", rate=True, today=TODAY)
    assert [p.date for p in c.figures[0].points] == [date(2023, 2, 1)]


def test_gaps_are_found_relative_to_the_usual_spacing(empty_store):
    upsert_observations(
        empty_store,
        rows("jax", "github_stars", [("2023-01-01", 1), ("2023-01-08", 2), ("2023-01-15", 3), ("2023-06-01", 4)]),
    )
    c = compare(empty_store, ["jax"], "github_stars", today=TODAY)
    assert find_gaps(c.figures[0].points) == [(date(2023, 1, 15), date(2023, 6, 1))]


def test_a_change_of_counting_method_is_reported(empty_store):
    upsert_observations(
        empty_store,
        rows(
            "pytorch",
            "pypi_downloads",
            [("2023-06-01", 100), ("2023-09-01", 110)],
            source="top_pypi",
            method="pip only",
        )
        + rows("pytorch", "pypi_downloads", [("2023-12-01", 200)], source="top_pypi", method="all installers"),
    )
    answer = answer_text(empty_store, "pytorch downloads since 2023", today=TODAY)
    figure = answer.comparisons[0].figures[0]
    assert [(b.before, b.after) for b in figure.breaks] == [("pip only", "all installers")]
    assert any("counting changed on 2023-12-01 (pip only → all installers)" in n for n in answer.notes)


def test_stale_figures_are_marked(empty_store):
    upsert_observations(empty_store, rows("jax", "github_stars", [("2023-01-01", 1), ("2023-02-01", 2)]))
    c = compare(empty_store, ["jax"], "github_stars", today=TODAY)
    assert c.figures[0].stale
    fresh = compare(empty_store, ["jax"], "github_stars", today=date(2023, 2, 3))
    assert not fresh.figures[0].stale


def test_a_better_source_is_never_overwritten_by_a_worse_one(empty_store):
    upsert_observations(empty_store, rows("jax", "github_stars", [("2023-01-01", 172_000)], source="bestof"))
    upsert_observations(empty_store, rows("jax", "github_stars", [("2023-01-01", 165_000)], source="repostory"))
    [row] = observations(empty_store, "github_stars", ["jax"])
    assert (row["value"], row["source"]) == (172_000, "bestof")


def test_leaderboard_ranks_every_framework_with_figures(store):
    answer = answer_text(store, "top stars", today=TODAY)
    ranked = [f.framework for f in answer.comparisons[0].figures if f.has_data]
    assert ranked == ["pytorch", "tensorflow"]
    assert answer.headline.startswith("PyTorch leads on GitHub stars with 200")


def test_no_figures_is_said_plainly(empty_store):
    answer = answer_text(empty_store, "pytorch vs tensorflow questions", today=TODAY)
    assert answer.kind == "empty"
    assert "no Stack Overflow questions per month figures" in answer.headline


def test_a_clear_typo_is_read_and_said_so(store):
    answer = answer_text(store, "pytorch vs tensorflw", today=TODAY)
    assert answer.kind == "compare"
    assert "I read “tensorflw” as TensorFlow." in answer.notes


def test_the_strict_grammar_asks_about_a_typo_with_a_corrected_query(store):
    answer = strict_answer_text(store, "pytorch vs tensorflw", today=TODAY)
    assert answer.kind == "clarify"
    assert "Did you mean *TensorFlow*" in answer.headline
    assert answer.suggestions[0].frameworks == ["pytorch", "tensorflow"]


def test_answers_are_cached_until_the_data_changes(store):
    first = answer_text(store, "pytorch vs tensorflow stars", today=TODAY)
    assert answer_text(store, "pytorch vs tensorflow stars", today=TODAY) is first
    upsert_observations(store, rows("pytorch", "github_stars", [("2024-01-10", 210)]))
    assert answer_text(store, "pytorch vs tensorflow stars", today=TODAY) is not first


def test_a_cached_answer_carries_the_askers_own_question_not_the_first_askers(tmp_path):
    from bot.answering.engine import answer_text
    from bot.ingest.seeded import open_seeded_store
    from bot.store.opening import forget_stores

    store = open_seeded_store(tmp_path / "fwtrend.db")
    try:
        first = answer_text(store, "pytorch vs tensorflow downloads without mirrors")
        second = answer_text(store, "pytorch vs tensorflow downloads")
    finally:
        forget_stores()
    assert any("mirrors" in n for n in first.query.notes)
    assert second.query.notes == []  # the same figures, but none of the first asker's reading notes
    assert not any("mirrors" in n for n in second.notes)
