"""Questions about bundled projects answered offline from the bundled figures, each figure with its date
and every answer with its source; a project in no bundled file is said to have no figures offline."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_text
from bot.store.connection import Store

TODAY = date(2026, 11, 25)


def _figures(answer) -> dict[str, tuple[float, date]]:
    (comparison,) = answer.comparisons
    return {f.framework: (f.latest.value, f.latest.date) for f in comparison.figures if f.latest}


@pytest.mark.parametrize(
    ("text", "ids", "source", "newest"),
    [
        ("django vs flask downloads", ["django", "flask"], "top_pypi", date(2026, 3, 31)),
        ("langchain downloads", ["langchain"], "top_pypi", date(2026, 3, 31)),
        ("xgboost vs lightgbm stars", ["xgboost", "lightgbm"], "bestof", date(2025, 10, 30)),
        ("fastapi vs flask stars", ["tiangolo/fastapi", "pallets/flask"], "repostory", date(2026, 8, 22)),
        ("polars vs pandas downloads", ["polars", "pandas"], "top_pypi", date(2026, 3, 31)),
        ("requests vs httpx downloads", ["requests", "httpx"], "top_pypi", date(2026, 3, 31)),
    ],
)
def test_a_question_about_bundled_projects_is_answered_from_the_bundled_figures_with_source_and_date(
    seeded_store: Store, text, ids, source, newest
):
    answer = answer_text(seeded_store, text, today=TODAY)
    assert answer.kind == "compare", (text, answer.headline)
    figures = _figures(answer)
    assert list(figures) == ids
    assert all(value > 0 and day == newest for value, day in figures.values()), figures
    assert [s.id for s in answer.sources] == [source]
    assert answer.sources[0].as_of == newest


def test_a_project_in_no_bundled_file_is_said_to_have_no_figures_offline_and_the_rest_is_answered(
    seeded_store: Store,
):
    answer = answer_text(seeded_store, "langchain vs llama-index downloads", today=TODAY)
    assert answer.kind == "compare"
    assert list(_figures(answer)) == ["langchain"]
    assert any("no figures for “llama-index” offline" in note for note in answer.notes)


def test_only_names_found_nowhere_keep_the_did_you_mean_answer(seeded_store: Store):
    answer = answer_text(seeded_store, "pytorch vs pytroch-nonesuch", today=TODAY)
    assert answer.kind == "clarify"
    answer = answer_text(seeded_store, "polars vs jaxx", today=TODAY)
    assert answer.kind == "clarify" and answer.suggestions  # a typo of JAX is asked about, not dropped


def test_the_frameworks_answers_are_unchanged_by_the_bundle(seeded_store: Store, tmp_path):
    from bot.ingest.seed import load_seed
    from bot.store.migrations import migrate

    alone = Store(tmp_path / "frameworks-only.db")
    migrate(alone)
    load_seed(alone)
    for text in ("pytorch vs tensorflow", "jax vs flax stars since 2022", "top downloads"):
        with_bundle = answer_text(seeded_store, text, today=TODAY)
        without = answer_text(alone, text, today=TODAY)
        assert with_bundle.headline == without.headline, text
        assert [c.figures for c in with_bundle.comparisons] == [c.figures for c in without.comparisons], text
