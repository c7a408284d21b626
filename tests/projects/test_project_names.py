"""Bundled projects named as users name them, in both readers; English words that are also packages are
read as packages only where the sentence puts a name."""

from __future__ import annotations

from datetime import date

import pytest

from bot.understanding.grammar import parse
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("polars", ["polars"]),
        ("pypi:polars", ["polars"]),
        ("pola-rs/polars", ["polars"]),
        ("https://github.com/pola-rs/polars", ["polars"]),
        ("https://pypi.org/project/polars/", ["polars"]),
        ("django vs flask downloads", ["django", "flask"]),
        ("pola-rs/polars vs pytorch", ["polars", "pytorch"]),
        ("pytorch vs https://github.com/dmlc/xgboost", ["pytorch", "xgboost"]),
        ("Microsoft/LightGBM", ["lightgbm"]),
        ("npm:jupyter-gmaps vs pypi:bqplot", ["gmaps", "bqplot"]),
        ("https://www.npmjs.com/package/wit-widget", ["witwidget"]),
    ],
)
def test_a_bundled_project_is_read_by_name_package_slug_or_url_in_text_order(text, expected):
    assert understand(text, today=TODAY).frameworks == expected


@pytest.mark.parametrize("text", ["django vs flask downloads", "xgboost vs lightgbm stars", "pypi:black vs pypi:rich"])
def test_the_slash_grammar_reads_bundled_projects_itself(text):
    query = parse(text, today=TODAY)
    assert query.unknown == [] and len(query.frameworks) == 2


@pytest.mark.parametrize("word", ["black", "requests", "rich", "click", "ray", "dash", "fire"])
def test_an_english_word_that_is_a_package_is_read_as_it_in_a_name_slot(word):
    assert understand(f"{word} vs pytorch", today=TODAY).frameworks == [word, "pytorch"]
    assert understand(f"how is {word} doing", today=TODAY).frameworks == [word]


@pytest.mark.parametrize(
    "text",
    [
        "pytorch downloads, fire away",
        "is pytorch on fire",
        "pytorch stars in black and white",
        "show me pytorch stars, click the chart",
        "pytorch downloads with rich detail",
    ],
)
def test_an_english_word_that_is_a_package_is_never_read_from_filler_words(text):
    frameworks = understand(text, today=TODAY).frameworks
    assert frameworks[0] == "pytorch"
    assert not {"fire", "black", "click", "rich"} & set(frameworks)


@pytest.mark.parametrize(("typed", "expected"), [("flask", "flask"), ("flax", "flax")])
def test_a_project_name_one_letter_from_a_framework_is_read_as_itself_not_corrected(typed, expected):
    query = understand(f"{typed} vs pytorch downloads", today=TODAY)
    assert query.frameworks[0] == expected and query.corrections == {}


def test_a_name_with_a_package_and_an_unlinked_repository_asks_github_figures_of_the_repository():
    query = understand("fastapi vs flask stars", today=TODAY)
    assert query.frameworks == ["tiangolo/fastapi", "pallets/flask"]
    assert any("tiangolo/fastapi" in n and "no source" in n for n in query.notes)
    assert understand("fastapi vs flask downloads", today=TODAY).frameworks == ["fastapi", "flask"]


def test_parse_lists_each_project_named_in_text_order_with_its_packages_and_repository():
    projects = understand("pola-rs/polars vs pypi:django vs pytorch", today=TODAY).contract_dict()["projects"]
    assert [p["name"] for p in projects] == ["polars", "django", "PyTorch"]
    assert projects[0]["pypi"] == "polars" and projects[0]["github"] == "pola-rs/polars"
    assert "github" not in projects[1] and projects[1]["pypi"] == "django"
    assert projects[2]["pypi"] == "torch"
