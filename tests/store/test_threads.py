"""Thread memory in the store: one row per thread holding the question as text, expiring and bounded."""

from __future__ import annotations

import pytest

from bot.store import threads
from bot.store.opening import forget_stores, open_store

KEY = ("T1", "C1", "1700000000.000100")


@pytest.fixture
def store(tmp_path):
    s = open_store(tmp_path / "threads.db")
    yield s
    forget_stores()


def test_a_new_store_has_the_thread_table(store):
    assert "thread_context" in store.db.table_names()


def test_the_thread_migration_can_run_twice(store):
    threads.migrate_threads(store.db)
    threads.migrate_threads(store.db)
    assert "thread_context_updated" in {i.name for i in store.db["thread_context"].indexes}


def test_a_thread_keeps_exactly_the_text_it_was_given(store):
    threads.remember(store, KEY, '{"intent": "profile", "frameworks": ["jax"]}', now=1000.0)
    assert threads.recall(store, KEY, now=1001.0) == '{"intent": "profile", "frameworks": ["jax"]}'
    threads.remember(store, KEY, '{"intent": "growth"}', now=1002.0)
    assert threads.recall(store, KEY, now=1003.0) == '{"intent": "growth"}'
    assert store.db.execute("SELECT COUNT(*) FROM thread_context").fetchone()[0] == 1


def test_threads_of_other_teams_and_channels_are_apart(store):
    threads.remember(store, KEY, "a", now=1000.0)
    assert threads.recall(store, ("T2", "C1", KEY[2]), now=1000.0) is None
    assert threads.recall(store, ("T1", "C2", KEY[2]), now=1000.0) is None


def test_an_expired_thread_is_dropped_when_another_is_remembered(store):
    threads.remember(store, KEY, "old", now=1000.0)
    threads.remember(store, ("T1", "C1", "2"), "new", now=1000.0 + threads.TTL + 1)
    assert store.db.execute("SELECT COUNT(*) FROM thread_context").fetchone()[0] == 1


def test_forgetting_a_thread_drops_only_it(store):
    threads.remember(store, KEY, "a", now=1000.0)
    threads.remember(store, ("T1", "C1", "2"), "b", now=1000.0)
    threads.forget(store, KEY)
    assert threads.recall(store, KEY, now=1000.0) is None
    assert threads.recall(store, ("T1", "C1", "2"), now=1000.0) == "b"
