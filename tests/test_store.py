"""The store: migrations that run once whoever opens it first, and a cache that never serves old figures."""

from __future__ import annotations

import threading

from bot.store.connection import MIGRATIONS, Store


def _row(value: float) -> dict:
    return {"framework": "jax", "metric": "github_stars", "date": "2024-01-01", "value": value, "source": "github"}


def test_processes_opening_a_new_store_together_migrate_it_once(tmp_path):
    path = tmp_path / "fwtrend.db"
    errors: list[BaseException] = []

    def open_and_migrate() -> None:
        try:
            store = Store(path)
            store.migrate()
            store.close()
        except BaseException as exc:  # surfaced below: a thread's exception would otherwise vanish
            errors.append(exc)

    threads = [threading.Thread(target=open_and_migrate) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    store = Store(path)
    assert store.get_meta("schema_version") == str(len(MIGRATIONS))
    names = [r[0] for r in store.db.execute("SELECT name FROM migrations").fetchall()]
    assert len(names) == len(set(names)) >= 2  # thread context and digest tables, once each
    assert {"thread_context", "subscriptions", "github_languages"} <= set(store.db.table_names())


def test_cached_values_last_until_the_figures_change(empty_store: Store):
    calls = []
    assert empty_store.cached("k", lambda: calls.append(1) or "first") == "first"
    assert empty_store.cached("k", lambda: calls.append(1) or "again") == "first"
    empty_store.upsert_observations([_row(1)])
    assert empty_store.cached("k", lambda: "after the refresh") == "after the refresh"
    assert len(calls) == 1


def test_a_computation_overtaken_by_a_refresh_is_not_kept(empty_store: Store):
    def slow_compute() -> str:
        empty_store.upsert_observations([_row(2)])  # a refresh lands while this answer is computed
        return "computed from the old figures"

    assert empty_store.cached("k", slow_compute) == "computed from the old figures"
    assert empty_store.cached("k", lambda: "fresh") == "fresh"


def test_the_cache_is_bounded(empty_store: Store):
    for i in range(2000):
        empty_store.cached(i, lambda i=i: i)
    assert len(empty_store._cache) <= 512
