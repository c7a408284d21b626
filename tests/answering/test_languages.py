"""`tensorflow languages`: the share of each language in a repository, from stored /languages bodies."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_text
from bot.answering.languages import OTHER, language_shares
from bot.ingest.seeded import open_seeded_store
from bot.ingest.sources.github import language_rows
from bot.render.chart import render_chart
from bot.render.terminal import render_text
from bot.store.opening import forget_stores
from bot.understanding.grammar import parse

# Bodies shaped like GitHub's `GET /repos/{owner}/{repo}/languages` responses (language → bytes).
# The numbers are test inputs, not TensorFlow's or PyTorch's real make-up.
TF_BODY = {
    "C++": 126_000_000,
    "Python": 52_000_000,
    "MLIR": 9_000_000,
    "Starlark": 5_000_000,
    "HTML": 3_000_000,
    "Go": 1_500_000,
    "Java": 1_200_000,
    "C": 900_000,
}
PT_BODY = {"Python": 60_000_000, "C++": 30_000_000, "Cuda": 4_000_000}


@pytest.fixture
def store(tmp_path):
    yield open_seeded_store(tmp_path / "fwtrend.db")
    forget_stores()


def _store_body(store, framework, day, body):
    store.db["github_languages"].insert_all(language_rows(framework, day, body))
    store._cache.clear()  # language rows do not bump the observations' data version


def test_language_shares_top_n_and_other():
    shares = language_shares(list(TF_BODY.items()), top=3)
    assert [s[0] for s in shares] == ["C++", "Python", "MLIR", OTHER]
    total = sum(TF_BODY.values())
    assert shares[0] == ("C++", 126_000_000, pytest.approx(100 * 126_000_000 / total))
    assert shares[-1][1] == 5_000_000 + 3_000_000 + 1_500_000 + 1_200_000 + 900_000
    assert sum(s[2] for s in shares) == pytest.approx(100)


def test_language_shares_edge_cases():
    assert language_shares([]) == []
    assert language_shares([("Python", 0)]) == []
    # One language left over is shown by name, not as "other".
    assert [s[0] for s in language_shares(list(PT_BODY.items()), top=2)] == ["Python", "C++", "Cuda"]
    # Rows read from the table work as well as pairs.
    rows = language_rows("pytorch", "2026-11-20", PT_BODY)
    assert language_shares(rows) == language_shares(list(PT_BODY.items()))


def test_the_table_exists_even_before_any_refresh(store):
    assert "github_languages" in store.db.table_names()
    columns = {c.name: c.type for c in store.db["github_languages"].columns}
    assert columns == {"framework": "TEXT", "date": "TEXT", "language": "TEXT", "bytes": "INTEGER", "source": "TEXT"}


def test_no_language_figures_says_so_and_how_to_fetch(store):
    answer = answer_text(store, "tensorflow languages")
    assert answer.kind == "empty"
    text = render_text(answer)
    assert "No language figures are stored yet for TensorFlow." in text
    assert "fwtrend refresh --source github" in text
    assert "/repos/tensorflow/tensorflow/languages" in " ".join(answer.lines)
    assert "%" not in text  # no invented shares


def test_tensorflow_languages_answer(store):
    _store_body(store, "tensorflow", "2026-10-01", {"C++": 1, "Python": 1})  # an older day is ignored
    _store_body(store, "tensorflow", "2026-11-20", TF_BODY)
    assert parse("tensorflow languages").intent == "languages"
    answer = answer_text(store, "tensorflow languages")
    assert answer.kind == "languages"
    # 126.0 / 198.6 MB = 63.4%; 52.0 / 198.6 = 26.2%; the rest 10.4%.
    expected = "TensorFlow's repository is 63.4% C++, 26.2% Python and 10.4% other languages (by bytes of code)."
    assert answer.headline == expected
    assert answer.lines[:2] == ["C++: 63.4% (126.0 MB)", "Python: 26.2% (52.0 MB)"]
    assert answer.lines[-1] == "other: 1.8% (3.6 MB)"
    assert answer.sources[0].name == "GitHub REST API" and answer.sources[0].as_of == date(2026, 11, 20)
    png = render_chart(answer)
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 2000


def test_two_frameworks_one_missing(store):
    _store_body(store, "pytorch", "2026-11-20", PT_BODY)
    answer = answer_text(store, "pytorch vs jax languages")
    assert answer.kind == "languages"
    assert answer.lines[0] == "PyTorch · Python: 63.8% (60.0 MB)"
    assert any(line.startswith("JAX: no language figures are stored yet") for line in answer.lines)
    assert render_chart(answer)[:4] == b"\x89PNG"
