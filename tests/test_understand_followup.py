"""Follow-ups in threads: reading a reply against the previous question, and keeping context."""

from __future__ import annotations

from datetime import date

import pytest

from bot.ingest.seed import open_seeded_store
from bot.store.connection import Store
from bot.store.opening import forget_stores, open_store
from bot.understanding import followup
from bot.understanding.followup import answer_choice, answer_message, apply_followup, forget, recall, remember
from bot.understanding.grammar import Query
from bot.understanding.reader import button_value, understand

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


# -- storage -----------------------------------------------------------------------------------------
@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "t.db")
    yield s
    forget_stores()


def test_remember_and_recall(store):
    query = _q("pytorch vs tensorflow stars since 2020")
    remember(store, KEY, query, now=1000.0)
    assert recall(store, KEY, now=1001.0) == query
    assert recall(store, ("T1", "C1", "other"), now=1001.0) is None


def test_context_expires(store):
    remember(store, KEY, _q("pytorch vs tensorflow"), now=1000.0)
    assert recall(store, KEY, now=1000.0 + followup.TTL - 1) is not None
    assert recall(store, KEY, now=1000.0 + followup.TTL + 1) is None


def test_memory_is_bounded_oldest_first(store, monkeypatch):
    monkeypatch.setattr(followup, "MAX_THREADS", 3)
    for i in range(5):
        remember(store, ("T", "C", str(i)), _q("jax"), now=1000.0 + i)
    assert store.db.execute("SELECT COUNT(*) FROM thread_context").fetchone()[0] == 3
    assert recall(store, ("T", "C", "0"), now=1010.0) is None
    assert recall(store, ("T", "C", "4"), now=1010.0) is not None


def test_context_survives_a_restart(tmp_path):
    path = tmp_path / "restart.db"
    first = open_store(path)
    remember(first, KEY, _q("is jax growing faster than pytorch"))
    forget_stores()  # the process-wide handle goes, as in a restart
    again = Store(path)
    assert recall(again, KEY).frameworks == ["jax", "pytorch"]
    again.close()


def test_forget(store):
    remember(store, KEY, _q("jax"))
    forget(store, KEY)
    assert recall(store, KEY) is None


# -- what a mention handler calls --------------------------------------------------------------------
@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    s = open_seeded_store(tmp_path_factory.mktemp("seed") / "fwtrend.db")
    yield s
    forget_stores()


def test_mention_then_followup_in_the_same_thread(seeded):
    key = ("T9", "C9", "1.0")
    first = answer_message(seeded, key, "<@U0BOT> is jax growing faster than pytorch?", today=TODAY)
    assert first.kind == "growth"
    second = answer_message(seeded, key, "what about tensorflow?", today=TODAY)
    assert second.kind == "growth"
    assert second.query.frameworks == ["tensorflow", "pytorch"]
    assert second.notes[0].startswith("Following up on the earlier question")
    other_thread = answer_message(seeded, ("T9", "C9", "2.0"), "what about tensorflow?", today=TODAY)
    assert other_thread.query.frameworks == ["tensorflow"] and not other_thread.query.followup


def test_clarifying_button_answers_and_becomes_context(seeded):
    key = ("T9", "C9", "3.0")
    asked = answer_message(seeded, key, "pytorch lite vs tensorflow downloads", today=TODAY)
    assert asked.kind == "clarify"
    assert recall(seeded, key) is None  # a question is not context until it is answered
    chosen = answer_choice(seeded, key, button_value(asked.suggestions[1]), today=TODAY)
    assert chosen.kind == "compare"
    assert chosen.query.frameworks == ["tensorflow", "lightning"]
    follow = answer_message(seeded, key, "since 2022?", today=TODAY)
    assert follow.query.frameworks == ["tensorflow", "lightning"] and follow.query.since == date(2022, 1, 1)
