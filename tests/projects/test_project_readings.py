"""Names that several bundled projects answer to ("acme": the PyPI package and DeepMind's Acme) are
asked about, one reading each, never guessed; a registry prefix, a slug or the metric asked for settles
them; each reading's hint reads back as that reading alone."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.cli import main
from bot.understanding.grammar import parse, query_text
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)

# Every kind of shared name in the bundled data: a PyPI package and another project's display name
# (acme, arrow, lit, prophet), a PyPI package and another project's repository (datasets,
# recommenders, catalyst, dbt-core), a PyPI package and a GitHub-only repository no source links to it.
SHARED = [
    ("acme", ["dm-acme", "acme"]),
    ("arrow", ["pyarrow", "arrow"]),
    ("lit", ["lit-nlp", "lit"]),
    ("prophet", ["fbprophet", "prophet"]),
    ("datasets", ["datasets", "tensorflow-datasets"]),
    ("recommenders", ["recommenders", "tensorflow-recommenders"]),
    ("catalyst", ["catalyst", "enigma-catalyst"]),
    ("dbt-core", ["dbt-core", "dbt"]),
]
# A PyPI package and a GitHub-only repository of the same name: with no metric the package is read.
PACKAGE_AND_REPOSITORY = [
    ("alembic", "alembic", "sqlalchemy/alembic"),
    ("fastapi", "fastapi", "tiangolo/fastapi"),
    ("uvloop", "uvloop", "MagicStack/uvloop"),
    ("django", "django", "django/django"),
]


@pytest.mark.parametrize(("name", "readings"), SHARED)
def test_a_name_several_bundled_projects_answer_to_gets_a_question_with_one_reading_each(name, readings):
    for text in (name, f"how is {name} doing"):
        query = understand(text, today=TODAY)
        assert query.intent == "clarify" and f"“{name}”" in query.question
        assert [a.frameworks for a in query.alternatives] == [[r] for r in readings]
        assert all(a.intent == "profile" for a in query.alternatives)


@pytest.mark.parametrize(("name", "readings"), SHARED)
def test_each_reading_offered_reads_back_from_its_hint_as_that_project_alone(name, readings):
    for alternative in understand(name, today=TODAY).alternatives:
        hint = query_text(alternative)
        assert understand(hint, today=TODAY).frameworks == alternative.frameworks, hint


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pypi:acme", "acme"),
        ("deepmind/acme", "dm-acme"),
        ("pypi:arrow", "arrow"),
        ("apache/arrow", "pyarrow"),
        ("pypi:lit", "lit"),
        ("pypi:prophet", "prophet"),
        ("https://pypi.org/project/acme/", "acme"),
        ("tensorflow/datasets", "tensorflow-datasets"),
        ("pypi:datasets", "datasets"),
    ],
)
def test_a_registry_prefix_or_slug_names_one_reading_never_the_other(text, expected):
    query = understand(text, today=TODAY)
    assert query.intent == "profile" and query.frameworks == [expected]


@pytest.mark.parametrize(
    ("text", "expected", "other"),
    [
        ("acme stars", "dm-acme", "pypi:acme"),
        ("lit stars", "lit-nlp", "pypi:lit"),
        ("arrow forks", "pyarrow", "pypi:arrow"),
        ("fastapi stars", "tiangolo/fastapi", "pypi:fastapi"),
        ("uvloop downloads", "uvloop", "MagicStack/uvloop"),
    ],
)
def test_a_metric_only_one_reading_has_settles_a_shared_name_and_the_answer_says_so(text, expected, other):
    query = understand(text, today=TODAY)
    assert query.frameworks == [expected]
    assert any(f"`{other}`" in note and "no source links" in note for note in query.notes)


@pytest.mark.parametrize("text", ["acme downloads", "datasets stars", "hub stars"])
def test_a_metric_both_readings_have_still_asks(text):
    query = understand(text, today=TODAY)
    assert query.intent == "clarify" and len(query.alternatives) == 2
    assert all(a.metric == query.metric for a in query.alternatives)


def test_a_shared_name_beside_other_names_keeps_them_in_each_reading_in_text_order():
    query = understand("pytorch vs arrow vs polars", today=TODAY)
    readings = [a.frameworks for a in query.alternatives]
    assert readings == [["pytorch", "pyarrow", "polars"], ["pytorch", "arrow", "polars"]]
    assert all(a.intent == "compare" for a in query.alternatives)


@pytest.mark.parametrize(("name", "package", "repository"), PACKAGE_AND_REPOSITORY)
def test_a_package_sharing_its_name_with_a_github_only_repository_is_read_as_the_package_with_a_note(
    name, package, repository
):
    for text in (name, f"how is {name} doing"):
        query = understand(text, today=TODAY)
        assert query.intent == "profile" and query.frameworks == [package]
        assert any(repository in note and "no source links" in note for note in query.notes)


def test_django_vs_flask_is_answered_as_the_two_packages_naming_each_repository():
    query = understand("django vs flask", today=TODAY)
    assert query.intent == "compare" and query.frameworks == ["django", "flask"]
    assert sum("no source links" in note for note in query.notes) == 2


def test_two_shared_names_in_one_comparison_offer_each_combination_same_kind_first():
    query = understand("acme vs prophet", today=TODAY)
    assert [a.frameworks for a in query.alternatives] == [
        ["dm-acme", "fbprophet"],
        ["acme", "prophet"],
        ["dm-acme", "prophet"],
        ["acme", "fbprophet"],
    ]
    assert "“acme” and “prophet”" in query.question


def test_the_slash_grammar_leaves_a_shared_name_unread_with_both_readings_named():
    query = parse("acme", today=TODAY)
    assert query.frameworks == [] and query.unknown == ["acme"]
    assert "`deepmind/acme`" in query.not_tracked["acme"] and "`pypi:acme`" in query.not_tracked["acme"]


def test_parse_of_a_shared_name_keeps_the_contract_and_lists_each_reading_with_its_projects(capsys):
    assert main(["parse", "arrow vs pytorch"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {"intent", "frameworks", "metric", "since", "until"} <= out.keys()
    assert out["intent"] == "clarify" and out["frameworks"] == ["pytorch"]
    first, second = ([p for p in a["projects"] if p["id"] != "pytorch"] for a in out["alternatives"])
    shown = [(p["id"], p["name"], p["pypi"], p["github"]) for p in first]
    assert shown == [("pyarrow", "Arrow", "pyarrow", "apache/arrow")]
    assert second == [{"id": "arrow", "name": "arrow", "pypi": "arrow"}]


def test_fwtrend_ask_lists_the_readings_of_a_shared_name_and_what_to_type_for_each(capsys):
    assert main(["ask", "how is prophet doing"]) == 0
    out = capsys.readouterr().out
    assert "Which “prophet”?" in out
    assert "facebook/prophet" in out and "fbprophet" in out and "the PyPI package prophet" in out
    assert 'fwtrend ask "fbprophet"' in out and 'fwtrend ask "pypi:prophet"' in out
    assert "PyPI downloads" not in out  # a question, not an answer picked silently


def test_a_name_one_project_holds_is_read_at_once_without_a_question():
    for text in ("polars", "xgboost vs lightgbm", "pypi:django vs pytorch"):
        assert understand(text, today=TODAY).intent in {"profile", "compare"}


@pytest.mark.parametrize(
    ("name", "picks"), [("acme", ("deepmind/acme", "pypi:acme")), ("lit", ("PAIR-code/lit", "pypi:lit"))]
)
def test_tracking_a_shared_name_names_both_readings_and_tracks_neither(name, picks):
    query = understand(f"track {name}", today=TODAY)
    assert query.intent == "track" and query.frameworks == [] and query.unknown == [name]
    assert all(f"`{p}`" in query.not_tracked[name] for p in picks)
    assert understand(f"track {picks[1]}", today=TODAY).frameworks == [picks[1].removeprefix("pypi:")]


def test_a_shared_name_in_a_thread_follow_up_is_asked_about_keeping_the_earlier_question():
    earlier = understand("pytorch vs jax stars since 2022", today=TODAY)
    query = understand("and datasets?", today=TODAY, context=earlier)
    assert query.intent == "clarify" and "“datasets”" in query.question
    assert [a.frameworks for a in query.alternatives] == [
        ["pytorch", "jax", "datasets"],
        ["pytorch", "jax", "tensorflow-datasets"],
    ]
    assert all((a.metric, a.since) == ("github_stars", earlier.since) for a in query.alternatives)


def test_the_earlier_questions_metric_settles_a_shared_name_in_a_follow_up_and_says_so():
    earlier = understand("pytorch vs jax stars", today=TODAY)
    query = understand("what about lit?", today=TODAY, context=earlier)
    assert query.frameworks == ["pytorch", "jax", "lit-nlp"] and query.metric == "github_stars"
    assert any("`pypi:lit`" in note for note in query.notes)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ("add polars", ["pytorch", "jax", "polars"]),
        ("include xgboost", ["pytorch", "jax", "xgboost"]),
        ("add polars and keras", ["pytorch", "jax", "polars", "keras"]),
        ("without jax, add polars", ["pytorch", "polars"]),
        ("replace jax with polars", ["pytorch", "polars"]),
        ("polars instead of jax", ["pytorch", "polars"]),
        ("also black", ["pytorch", "jax", "black"]),
        ("add acme", ["pytorch", "jax", "dm-acme"]),  # stars: only DeepMind's Acme has them
        ("jax instead of pytorch", ["jax"]),
    ],
)
def test_a_thread_edit_naming_a_bundled_project_edits_the_list_with_it(reply, expected):
    earlier = understand("pytorch vs jax stars", today=TODAY)
    query = understand(reply, today=TODAY, context=earlier)
    assert query.frameworks == expected and query.unknown == [] and query.metric == "github_stars"


def test_a_package_word_among_other_words_of_a_thread_reply_is_not_read_as_the_package():
    earlier = understand("pytorch vs jax stars", today=TODAY)
    assert "rich" not in understand("what about rich detail?", today=TODAY, context=earlier).frameworks
