"""Answering in a thread: the thread's question kept in the store, read back, and used for follow-ups."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.conversation import answer_choice, answer_message, forget, recall, remember
from bot.ingest.seeded import open_seeded_store
from bot.store import threads
from bot.store.connection import Store
from bot.store.opening import forget_stores, open_store
from bot.understanding.query import Query, encode_query
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)
KEY = ("T1", "C1", "1700000000.000100")


def _q(text: str) -> Query:
    return understand(text, today=TODAY)


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
    assert recall(store, KEY, now=1000.0 + threads.TTL - 1) is not None
    assert recall(store, KEY, now=1000.0 + threads.TTL + 1) is None


def test_memory_is_bounded_oldest_first(store, monkeypatch):
    monkeypatch.setattr(threads, "MAX_THREADS", 3)
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
    chosen = answer_choice(seeded, key, encode_query(asked.suggestions[1]), today=TODAY)
    assert chosen.kind == "compare"
    assert chosen.query.frameworks == ["tensorflow", "lightning"]
    follow = answer_message(seeded, key, "since 2022?", today=TODAY)
    assert follow.query.frameworks == ["tensorflow", "lightning"] and follow.query.since == date(2022, 1, 1)


def test_an_old_plain_text_button_value_is_answered_as_typed(seeded):
    key = ("T9", "C9", "4.0")
    answer = answer_choice(seeded, key, "is jax growing faster than pytorch", today=TODAY)
    assert answer.kind == "growth"
    assert answer.query.frameworks == ["jax", "pytorch"]
    assert recall(seeded, key).frameworks == ["jax", "pytorch"]


def test_a_thread_question_written_in_another_shape_starts_afresh(store):
    threads.remember(store, KEY, '{"intent": "no such intent"}', now=1000.0)
    assert threads.recall(store, KEY, now=1001.0) is not None
    assert recall(store, KEY, now=1001.0) is None
