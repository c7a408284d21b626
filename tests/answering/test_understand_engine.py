"""Growth and crossover answers on small hand-made series whose results are known."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_query, answer_text
from bot.answering.growth import growth
from bot.store.observations import upsert_observations
from bot.store.opening import forget_stores, open_store
from bot.understanding.grammar import Query

TODAY = date(2025, 1, 15)
MONTHS = [date(2024 + (m // 12), m % 12 + 1, 1) for m in range(13)]  # Jan 2024 … Jan 2025


def _rows(framework: str, metric: str, values: list[float]) -> list[dict]:
    return [
        {"framework": framework, "metric": metric, "date": d.isoformat(), "value": v, "source": "github"}
        for d, v in zip(MONTHS, values, strict=True)
    ]


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "t.db")
    upsert_observations(
        s,
        _rows("pytorch", "github_stars", [1000 + 10 * i for i in range(13)])  # +12% over the year
        + _rows("jax", "github_stars", [100 + 5 * i for i in range(13)])  # +60%
        + _rows("tensorflow", "pypi_downloads", [1000] * 13)
        + _rows("pytorch", "pypi_downloads", [500 + 100 * i for i in range(13)])  # passes TF in mid-2024
        + _rows("jax", "pypi_downloads", [200 + 20 * i for i in range(13)])  # behind, gap closing by 20/month
        + _rows("keras", "pypi_downloads", [900 - 10 * i for i in range(13)]),  # behind, gap widening
    )
    yield s
    forget_stores()


def test_growth_rates_over_a_common_window(store):
    g = growth(store, ["pytorch", "jax"], "github_stars")
    assert (g.start, g.end) == (date(2024, 1, 2), date(2025, 1, 1))
    rates = {r.framework: r for r in g.rows}
    assert rates["jax"].pct == pytest.approx(60.0)
    assert rates["pytorch"].pct == pytest.approx(12.0)
    assert rates["pytorch"].per_month == pytest.approx(120 / (365 / 30.44))


def test_growth_answer_says_who_grows_faster_and_when(store):
    answer = answer_text(store, "is jax growing faster than pytorch on stars?", today=TODAY)
    assert answer.kind == "growth"
    assert (
        answer.headline == "JAX is growing faster than PyTorch on GitHub stars: +60% vs +12% from Jan 2024 to Jan 2025."
    )
    # Cumulative metrics also show the monthly gain.
    assert any("a month on average" in line for line in answer.lines)


def test_growth_of_one_framework_that_shrinks(store):
    answer = answer_text(store, "is keras dying?", today=TODAY)
    assert answer.headline.startswith("Keras's PyPI downloads per day fell -")


def test_growth_with_a_period(store):
    answer = answer_text(store, "is jax growing faster than pytorch on stars since july 2024", today=TODAY)
    # Jul 2024 → Jan 2025: jax 130 → 160, pytorch 1060 → 1120.
    assert "+23% vs +5.7% from Jul 2024 to Jan 2025" in answer.headline


def test_crossover_gives_the_date(store):
    answer = answer_text(store, "when did pytorch overtake tensorflow in downloads", today=TODAY)
    assert answer.kind == "crossover"
    # Equal in Jun 2024 (ties are skipped), so the pass lies between the May and Jul figures.
    assert answer.headline == (
        "PyTorch passed TensorFlow on PyPI downloads per day between May 2024 and Jul 2024, and still leads."
    )


def test_crossover_not_yet_with_a_closing_gap(store):
    answer = answer_text(store, "has jax passed tensorflow on downloads yet?", today=TODAY)
    assert answer.headline.startswith("Not yet: TensorFlow leads JAX on PyPI downloads per day, 1.00k vs 440")
    assert "the gap is closing at 20.0 downloads/day per month" in answer.headline
    assert "straight-line projection" in answer.headline


def test_crossover_not_yet_with_a_widening_gap(store):
    answer = answer_text(store, "will keras catch up with tensorflow downloads", today=TODAY)
    assert answer.headline.startswith("Not yet: TensorFlow leads Keras")
    assert "the gap is widening at 10.0 downloads/day per month." in answer.headline


def test_crossover_when_always_ahead(store):
    answer = answer_text(store, "did tensorflow pass jax in downloads", today=TODAY)
    assert answer.headline.startswith("TensorFlow has been ahead of JAX on PyPI downloads per day in all my figures")


def test_every_answer_starts_with_one_sentence(store):
    for text in ["pytorch vs tensorflow downloads", "top stars", "how is jax doing", "jax vs pytorch growth"]:
        headline = answer_text(store, text, today=TODAY).headline
        assert headline.endswith((".", "?")) and "\n" not in headline


def test_ambiguous_name_asks_with_buttons(store):
    answer = answer_text(store, "how's hugging face doing", today=TODAY)
    assert answer.kind == "clarify"
    assert answer.headline == "The Transformers library, or models on the Hugging Face Hub?"
    assert [s.intent for s in answer.suggestions] == ["profile", "leaderboard"]
    chosen = answer_query(store, answer.suggestions[1], today=TODAY)
    assert chosen.kind in {"leaderboard", "empty"}


def test_typo_reading_is_stated(store):
    answer = answer_text(store, "pytroch vs tensorflow downloads", today=TODAY)
    assert "I read “pytroch” as PyTorch." in answer.notes


def test_truncation_is_stated(store):
    answer = answer_text(store, "pytorch vs tensorflow downloads " + "x" * 600, today=TODAY)
    assert any("first 500 characters" in note for note in answer.notes)


def test_unknown_name_is_never_silently_dropped(store):
    answer = answer_text(store, "is jax growing faster than react", today=TODAY)
    assert answer.kind == "clarify"
    assert "react" in answer.headline


def test_leaderboard_names_the_rank_asked_about(store):
    answer = answer_query(store, Query(intent="leaderboard", frameworks=["jax"], metric="pypi_downloads"), today=TODAY)
    assert answer.headline.startswith("JAX ranks #4 of 4 on PyPI downloads per day")


def test_reading_notes_reach_the_answer(store):
    answer = answer_text(store, "pytorch stars since 2030", today=TODAY)
    assert "“since 2030” is in the future, so I left out that period." in answer.notes
    assert answer.query.notes == ["“since 2030” is in the future, so I left out that period."]
