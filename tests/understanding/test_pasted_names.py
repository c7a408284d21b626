"""Names pasted from download-stats and star-chart sites, GitHub organisations, other code hosts and
links that name no project are read as the project or named in the answer, never dropped; an npm
package asked about with "downloads" gets npm downloads, never PyPI figures under its name; a long or
one-letter unknown name is named as typed (and said to be shortened when it was)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_text, strict_answer_text
from bot.understanding.grammar import parse
from bot.understanding.query import Query
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)


def both(text: str) -> list[Query]:
    """The strict slash grammar's reading and the full reader's (which adds plain English)."""
    return [parse(text, today=TODAY), understand(text, today=TODAY)]


# -- npm packages and downloads ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "framework", "typed"),
    [
        ("@tensorflow/tfjs downloads", "tensorflow", "@tensorflow/tfjs"),
        (
            "https://www.npmjs.com/package/@tensorflow/tfjs/v/4.0.0 downloads",
            "tensorflow",
            "https://www.npmjs.com/package/@tensorflow/tfjs/v/4.0.0",
        ),
        ("tfjs downloads", "tensorflow", "tfjs"),
        ("transformers.js daily downloads", "transformers", "transformers.js"),
        ("npm:@huggingface/transformers downloads", "transformers", "npm:@huggingface/transformers"),
        ("<https://www.npmjs.com/package/@huggingface/transformers|npm> installs", "transformers", "npmjs.com"),
        ("https://libraries.io/npm/@tensorflow%2Ftfjs downloads", "tensorflow", "libraries.io"),
        ("https://npmtrends.com/@tensorflow/tfjs downloads", "tensorflow", "npmtrends.com"),
    ],
)
def test_an_npm_package_named_with_downloads_asks_for_its_npm_downloads(text, framework, typed):
    for query in both(text):
        assert query.frameworks == [framework], query
        assert query.metric == "npm_downloads", query
        note = next(n for n in query.notes if "npm package" in n)
        assert typed in note and "npm downloads" in note


def test_an_npm_package_with_pypi_downloads_asked_keeps_pypi_and_names_whose_package_is_shown():
    for text in ("tfjs pypi downloads", "@tensorflow/tfjs pip installs"):
        for query in both(text):
            assert query.metric == "pypi_downloads", query
            assert any("TensorFlow's PyPI package `tensorflow`" in n for n in query.notes), query


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("pypi:torch npm downloads", "PyTorch has no npm package"),
        ("pypi:tensorflow npm downloads", "TensorFlow's npm package `@tensorflow/tfjs`"),
        ("https://pypi.org/project/transformers/ npm", "Transformers's npm package `@huggingface/transformers`"),
    ],
)
def test_a_pypi_package_asked_for_npm_downloads_says_whose_npm_package_is_shown(text, says):
    for query in both(text):
        assert query.metric == "npm_downloads", query
        assert any(says in n for n in query.notes), query


def test_an_npm_package_with_downloads_never_shows_pypi_figures_under_its_name(seeded_store):
    # No npm figures are bundled: the answer says so and how to fetch them, not TensorFlow's PyPI 731k.
    for text in ("@tensorflow/tfjs downloads", "tfjs downloads", "npm:@huggingface/transformers downloads"):
        for answer in (
            answer_text(seeded_store, text, today=TODAY),
            strict_answer_text(seeded_store, text, today=TODAY),
        ):
            assert answer.kind == "empty", (text, answer)
            assert "npm downloads" in answer.headline and "PyPI" not in answer.headline
            assert answer.comparisons == []
            assert "`fwtrend refresh --source npm` fetches them; or try another metric." in answer.lines


def test_npm_downloads_of_a_project_without_an_npm_package_say_no_refresh_brings_them(seeded_store):
    answer = answer_text(seeded_store, "pypi:torch npm downloads", today=TODAY)
    assert answer.headline == "PyTorch has no npm package tracked, so I have no npm download figures for it."
    mixed = answer_text(seeded_store, "torch vs tfjs downloads", today=TODAY)
    assert "PyTorch has no npm package tracked." in mixed.lines


# -- stats sites -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://pepy.tech/project/torch vs tensorflow", ["pytorch", "tensorflow"]),
        ("https://pepy.tech/projects/jax?display=monthly vs keras", ["jax", "keras"]),
        ("https://pypistats.org/packages/torch vs tensorflow", ["pytorch", "tensorflow"]),
        (
            "<https://pypistats.org/packages/scikit-learn|pypistats.org/packages/scikit-learn> vs jax",
            ["scikit-learn", "jax"],
        ),
        ("https://piptrends.com/compare/torch-vs-tensorflow", ["pytorch", "tensorflow"]),
        ("piptrends.com/package/keras vs flax", ["keras", "flax"]),
        ("https://npmtrends.com/@tensorflow/tfjs-vs-@huggingface/transformers", ["tensorflow", "transformers"]),
        ("https://star-history.com/#pytorch/pytorch&tensorflow/tensorflow&Date", ["pytorch", "tensorflow"]),
        ("<https://www.star-history.com/#jax-ml/jax&amp;google/flax&amp;Timeline>", ["jax", "flax"]),
        ("https://star-history.com/#keras-team/keras&Date vs onnx", ["keras", "onnx"]),
        ("https://libraries.io/pypi/torch vs https://libraries.io/github/apache/mxnet", ["pytorch", "mxnet"]),
    ],
)
def test_a_name_pasted_from_a_stats_site_is_read_as_that_project(text, expected):
    for query in both(text):
        assert query.frameworks == expected, (text, query)
        assert query.unknown == [], (text, query)


def test_a_stats_site_naming_an_untracked_package_names_it():
    # (xgboost and pola-rs/polars, once the examples here, are bundled projects now: read as them)
    for query in both("https://pepy.tech/project/zorblax-nonesuch vs torch"):
        assert query.frameworks == ["pytorch"]
        assert query.unknown == ["zorblax-nonesuch"]
    for query in both("https://star-history.com/#octocat/hello-world&pytorch/pytorch&Date"):
        assert query.unknown == ["octocat/hello-world"]
    for query in both("https://star-history.com/#pola-rs/polars&pytorch/pytorch&Date"):
        assert query.frameworks == ["polars", "pytorch"] and query.unknown == []


def test_the_answer_to_a_stats_site_comparison_shows_both_projects(seeded_store):
    answer = answer_text(seeded_store, "https://pepy.tech/project/torch vs tensorflow", today=TODAY)
    assert answer.kind == "compare" and answer.title == "PyTorch vs TensorFlow"


# -- GitHub organisations, other code hosts, links to no project -------------------------------------
def test_a_github_organisation_named_like_its_one_tracked_project_is_read_as_it_with_a_note():
    for text in ("https://github.com/pytorch vs tensorflow", "<https://github.com/orgs/tensorflow> vs jax"):
        for query in both(text):
            assert len(query.frameworks) == 2 and query.unknown == [], query
            assert any("is a GitHub organisation, not a repository: I read it as" in n for n in query.notes), query


@pytest.mark.parametrize(
    ("text", "name", "says"),
    [
        ("https://github.com/google vs pytorch", "github.com/google", "Flax (google/flax), JAX (jax-ml/jax)"),
        ("github.com/microsoft vs pytorch", "github.com/microsoft", "not a repository."),
    ],
)
def test_a_github_organisation_that_is_not_one_project_is_named_as_an_organisation(text, name, says):
    for query in both(text):
        assert query.frameworks == ["pytorch"], query
        assert query.unknown == [name]
        assert "GitHub organisation, not a repository" in query.not_tracked[name]
        assert says in query.not_tracked[name]


@pytest.mark.parametrize(
    ("text", "name", "host"),
    [
        ("https://gitlab.com/pytorch/pytorch vs tensorflow", "gitlab.com/pytorch/pytorch", "GitLab"),
        ("<https://gitlab.com/pytorch/pytorch> vs tensorflow", "gitlab.com/pytorch/pytorch", "GitLab"),
        (
            "<https://gitlab.com/pytorch/pytorch|gitlab.com/pytorch/pytorch> vs tensorflow",
            "gitlab.com/pytorch/pytorch",
            "GitLab",
        ),
        ("bitbucket.org/someone/keras-fork vs tensorflow", "bitbucket.org/someone/keras-fork", "Bitbucket"),
        ("https://codeberg.org/forgejo/forgejo vs tensorflow", "codeberg.org/forgejo/forgejo", "Codeberg"),
    ],
)
def test_a_repository_on_another_code_host_is_named_not_dropped_or_read_as_github(text, name, host):
    for query in both(text):
        assert query.frameworks == ["tensorflow"], query
        assert query.unknown == [name], query
        assert f"it is on {host}" in query.not_tracked[name]
    if "pytorch/pytorch" in name:
        assert "PyTorch is tracked as github.com/pytorch/pytorch" in understand(text, today=TODAY).not_tracked[name]


def test_a_link_that_names_no_project_is_named_in_the_answer(seeded_store):
    for text in ("<https://example.com/post> pytorch vs jax", "https://pepy.tech pytorch vs jax"):
        for query in both(text):
            assert query.frameworks == ["pytorch", "jax"]
            assert any(n.startswith("I didn't read the link “https://") for n in query.notes), query
    answer = answer_text(seeded_store, "<https://example.com/post>", today=TODAY)
    assert any("“https://example.com/post”" in n for n in answer.notes)


# -- names named as typed ----------------------------------------------------------------------------
def test_a_long_unknown_name_is_shown_shortened_and_says_so(seeded_store):
    text = "pytorch vs " + "a" * 200
    for query in both(text):
        assert query.unknown == ["a" * 60 + "…"]
    answer = answer_text(seeded_store, text, today=TODAY)
    assert answer.headline == f"I don't track “{'a' * 60}…” (shortened)."
    short = answer_text(seeded_store, "pytorch vs " + "b" * 60, today=TODAY)
    assert short.headline == f"I don't track “{'b' * 60}”."


def test_the_title_asks_did_you_mean_only_when_the_answer_suggests_something(seeded_store):
    for text in ("github.com/octocat/hello-world vs pytorch", "pytorch vs xyzzy", "*bold* vs _x_ stars"):
        answer = answer_text(seeded_store, text, today=TODAY)
        assert answer.kind == "clarify" and answer.title == "Not tracked", (text, answer.title)
        assert answer.suggestions == []
    answer = answer_text(seeded_store, "jaxx vs pytorch", today=TODAY)
    assert answer.title == "Did you mean…?" and answer.suggestions


@pytest.mark.parametrize(
    ("text", "name"), [("*bold* vs _x_ stars", "x"), ("pytorch vs x", "x"), ("q vs jax stars", "q")]
)
def test_a_one_letter_name_is_named_not_dropped(text, name):
    for query in both(text):
        assert name in query.unknown, query
