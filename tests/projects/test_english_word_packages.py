"""The seven English words that are also bundled packages (black, requests, rich, click, ray, dash, fire)
are read as packages only where the sentence puts a name, and never from the words around a question."""

from __future__ import annotations

from datetime import date

import pytest

from bot.cli import main
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)

AS_NAMES = [
    ("black vs ruff", ["black", "ruff"]),
    ("compare black and ruff downloads", ["black", "ruff"]),
    ("requests vs urllib3", ["requests", "urllib3"]),
    ("how are requests doing", ["requests"]),
    ("rich vs textual", ["rich", "textual"]),
    ("how is rich doing", ["rich"]),
    ("which has more downloads, click or typer", ["click", "typer"]),
    ("how is click doing", ["click"]),
    ("is ray growing faster than dask?", ["ray", "dask"]),
    ("ray vs pytorch", ["ray", "pytorch"]),
    ("dash vs streamlit", ["dash", "streamlit"]),
    ("how is dash doing", ["dash"]),
    ("fire vs typer", ["fire", "typer"]),
    ("how is fire doing", ["fire"]),
]

AS_WORDS = [
    ("black and white chart of pytorch vs jax", "black", ["pytorch", "jax"]),
    ("pytorch vs jax in black", "black", ["pytorch", "jax"]),
    ("any requests for pytorch stars?", "requests", ["pytorch"]),
    ("requests: pytorch vs jax downloads", "requests", ["pytorch", "jax"]),
    ("give me a rich summary", "rich", []),
    ("give me a rich summary of pytorch", "rich", ["pytorch"]),
    ("show pytorch stars, rich please", "rich", ["pytorch"]),
    ("I need a click-through of pytorch stars", "click", ["pytorch"]),
    ("pytorch vs jax, click to expand", "click", ["pytorch", "jax"]),
    ("a ray of hope for jax", "ray", ["jax"]),
    ("pytorch vs jax, a ray of light", "ray", ["pytorch", "jax"]),
    ("dash of pytorch downloads", "dash", ["pytorch"]),
    ("pytorch stars at a dash", "dash", ["pytorch"]),
    ("fire away: pytorch vs jax", "fire", ["pytorch", "jax"]),
    ("fire up a pytorch vs tensorflow chart", "fire", ["pytorch", "tensorflow"]),
]


@pytest.mark.parametrize(("text", "expected"), AS_NAMES)
def test_an_english_word_package_where_the_sentence_puts_a_name_is_read_as_the_package(text, expected):
    query = understand(text, today=TODAY)
    assert query.frameworks == expected and query.unknown == []


@pytest.mark.parametrize(("text", "word", "expected"), AS_WORDS)
def test_an_english_word_package_among_the_words_of_a_question_is_never_read_as_the_package(text, word, expected):
    query = understand(text, today=TODAY)
    assert query.frameworks == expected
    assert word not in query.frameworks and word not in query.unknown  # never "I don't track rich" either


def test_every_one_of_the_seven_is_tested_in_both_roles():
    words = {"black", "requests", "rich", "click", "ray", "dash", "fire"}
    assert words <= {w for text, _ in AS_NAMES for w in text.replace(",", " ").split()}
    assert words == {word for _, word, _ in AS_WORDS}


def test_a_filler_word_left_unused_is_named_in_the_answer_not_dropped(capsys):
    assert main(["ask", "show pytorch stars, rich please"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("PyTorch") and "I didn't use “rich”" in out
    assert "I don't track" not in out
