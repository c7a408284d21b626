"""The store handle: a cache that never serves old figures (migrations: test_migrations.py)."""

from __future__ import annotations

from bot.store.connection import Store
from bot.store.observations import upsert_observations


def _row(value: float) -> dict:
    return {"framework": "jax", "metric": "github_stars", "date": "2024-01-01", "value": value, "source": "github"}


def test_cached_values_last_until_the_figures_change(empty_store: Store):
    calls = []
    assert empty_store.cached("k", lambda: calls.append(1) or "first") == "first"
    assert empty_store.cached("k", lambda: calls.append(1) or "again") == "first"
    upsert_observations(empty_store, [_row(1)])
    assert empty_store.cached("k", lambda: "after the refresh") == "after the refresh"
    assert len(calls) == 1


def test_a_computation_overtaken_by_a_refresh_is_not_kept(empty_store: Store):
    def slow_compute() -> str:
        upsert_observations(empty_store, [_row(2)])  # a refresh lands while this answer is computed
        return "computed from the old figures"

    assert empty_store.cached("k", slow_compute) == "computed from the old figures"
    assert empty_store.cached("k", lambda: "fresh") == "fresh"


def test_the_cache_is_bounded(empty_store: Store):
    for i in range(2000):
        empty_store.cached(i, lambda i=i: i)
    assert len(empty_store._cache) <= 512
