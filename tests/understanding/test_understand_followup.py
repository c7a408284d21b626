"""Follow-ups in threads: reading a reply against the previous question (a pure function, no store)."""

from __future__ import annotations

from datetime import date

import pytest

from bot.understanding.followup import apply_followup
from bot.understanding.query import Query
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)
KEY = ("T1", "C1", "1700000000.000100")


def _q(text: str) -> Query:
    return understand(text, today=TODAY)


@pytest.mark.parametrize(
    ("first", "reply", "intent", "frameworks", "extra"),
    [
        ("pytorch vs tensorflow", "what about jax?", "compare", ["pytorch", "tensorflow", "jax"], {}),
        ("pytorch vs tensorflow", "and downloads?", "compare", ["pytorch", "tensorflow"], {"metric": "pypi_downloads"}),
        ("pytorch vs tensorflow", "since 2020?", "compare", ["pytorch", "tensorflow"], {"since": "2020-01-01"}),
        ("pytorch vs tensorflow", "add keras", "compare", ["pytorch", "tensorflow", "keras"], {}),
        ("pytorch vs tensorflow vs jax", "without tensorflow", "compare", ["pytorch", "jax"], {}),
        (
            "pytorch vs tensorflow downloads",
            "same for stars",
            "compare",
            ["pytorch", "tensorflow"],
            {"metric": "github_stars"},
        ),
        ("pytorch vs tf", "drop tf and add flax", "compare", ["pytorch", "flax"], {}),
        ("pytorch vs tf", "jax instead of tf", "compare", ["pytorch", "jax"], {}),
        ("pytorch vs tf", "which is growing faster?", "growth", ["pytorch", "tensorflow"], {}),
        ("pytorch vs tf", "when did it overtake?", "crossover", ["pytorch", "tensorflow"], {}),
        (
            "pytorch vs tf stars",
            "over the last 6 months?",
            "compare",
            ["pytorch", "tensorflow"],
            {"metric": "github_stars", "since": "2026-05-25"},
        ),
        ("is jax growing faster than pytorch?", "what about tensorflow?", "growth", ["tensorflow", "pytorch"], {}),
        (
            "is jax growing faster than pytorch?",
            "and on downloads",
            "growth",
            ["jax", "pytorch"],
            {"metric": "pypi_downloads"},
        ),
        ("when did pytorch overtake tensorflow", "what about jax?", "crossover", ["jax", "tensorflow"], {}),
        ("how is jax doing", "pytorch?", "profile", ["pytorch"], {}),
        ("how is jax doing", "and stars?", "compare", ["jax"], {"metric": "github_stars"}),
        ("how is jax doing", "add flax", "compare", ["jax", "flax"], {}),
        ("top stars", "and downloads?", "leaderboard", [], {"metric": "pypi_downloads"}),
        ("top stars", "what about jax?", "leaderboard", ["jax"], {"metric": "github_stars"}),
        ("pytorch vs tf", "what about pytroch lightning", "compare", ["pytorch", "tensorflow", "lightning"], {}),
    ],
)
def test_reply_modifies_the_previous_question(first, reply, intent, frameworks, extra):
    query = understand(reply, today=TODAY, context=_q(first))
    got = query.contract_dict()
    assert got["intent"] == intent, got
    assert got["frameworks"] == frameworks, got
    for key, value in extra.items():
        assert got[key] == value, got
    assert query.followup


@pytest.mark.parametrize(
    "reply",
    ["is jax growing faster than pytorch?", "keras vs onnx", "help", "where does this data come from", "sources"],
)
def test_a_new_question_in_a_thread_stands_alone(reply):
    query = understand(reply, today=TODAY, context=_q("pytorch vs tensorflow downloads"))
    assert not query.followup
    assert query == understand(reply, today=TODAY)


@pytest.mark.parametrize(
    ("reply", "intent"),
    [
        ("top downloads", "leaderboard"),
        ("top", "leaderboard"),
        ("rank stars", "leaderboard"),
        ("help", "help"),
        ("sources", "sources"),
        ("article", "article"),
        ("article stars", "article"),
        ("subscribe", "subscribe"),
        ("unsubscribe", "unsubscribe"),
        ("subscriptions", "subscriptions"),
    ],
)
def test_an_explicit_command_in_a_thread_is_not_a_followup(reply, intent):
    query = understand(reply, today=TODAY, context=_q("pytorch vs tensorflow stars since 2021"))
    assert not query.followup
    assert query.intent == intent
    assert query == understand(reply, today=TODAY)


@pytest.mark.parametrize("reply", ["is it true that keras passed onnx?", "are both keras and onnx growing?"])
def test_a_full_question_naming_two_frameworks_in_a_thread_stands_alone(reply):
    query = understand(reply, today=TODAY, context=_q("pytorch vs tensorflow stars since 2021"))
    assert not query.followup
    assert query.frameworks == ["keras", "onnx"]


def test_a_followup_with_a_date_asks_about_that_date():
    query = understand("in march 2022?", today=TODAY, context=_q("pytorch vs tensorflow stars since 2021"))
    assert query.followup and not query.unknown
    assert query.frameworks == ["pytorch", "tensorflow"] and query.metric == "github_stars"
    assert (query.at, query.at_month) == (date(2022, 3, 1), True)
    assert (query.since, query.until) == (None, None)
    again = understand("since 2020?", today=TODAY, context=query)
    assert again.at is None and again.since == date(2020, 1, 1)


def test_a_followup_with_an_impossible_month_says_so():
    query = understand("since 2021-13?", today=TODAY, context=_q("pytorch vs tensorflow stars since 2019"))
    assert query.notes == ["I couldn't read “2021-13” as a month, so I left out that period."]
    assert query.since == date(2019, 1, 1)


def test_unknown_name_in_a_followup_is_asked_about():
    query = understand("what about react?", today=TODAY, context=_q("pytorch vs tf"))
    assert query.unknown == ["react"]


def test_apply_followup_returns_none_for_a_full_question():
    assert apply_followup("when did pytorch overtake tensorflow", _q("jax"), TODAY) is None
