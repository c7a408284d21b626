"""The shared state on both databases (SQLite store file, PostgreSQL): what every process of a deployment
reads and writes, and the races between processes it must settle (one taker per delivery, per job, per
digest, one scheduler)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.store import answer_jobs, digests, threads, watch_list
from bot.store.connection import Store
from bot.store.opening import StoreUnusable, forget_stores, open_store
from bot.store.slack_events import first_delivery


def race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run work(i) on n threads released together; their results in thread order."""
    start = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        start.wait()
        results[i] = work(i)

    ts = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def other_process(store: Store) -> Store:
    """A second handle on the same store and shared database, as another process has."""
    return Store(store.path, database_url=store.database_url)


def test_the_shared_state_is_where_the_setting_says(shared_store: Store, shared_backend: str | None) -> None:
    assert shared_store.shared.dialect == ("sqlite" if shared_backend is None else "postgresql")


def test_thread_context_is_kept_replaced_and_forgotten(shared_store: Store) -> None:
    key = ("T1", "C1", "1.1")
    threads.remember(shared_store, key, '{"intent": "profile"}', now=1000.0)
    threads.remember(shared_store, key, '{"intent": "growth"}', now=1001.0)
    assert threads.recall(other_process(shared_store), key, now=1002.0) == '{"intent": "growth"}'
    assert threads.recall(shared_store, ("T2", "C1", "1.1"), now=1002.0) is None
    assert threads.recall(shared_store, key, now=1001.0 + threads.TTL + 1) is None
    threads.forget(shared_store, key)
    assert threads.recall(shared_store, key, now=1002.0) is None


def test_only_the_newest_threads_are_kept_past_the_bound(shared_store: Store, monkeypatch) -> None:
    monkeypatch.setattr(threads, "MAX_THREADS", 3)
    for i in range(5):
        threads.remember(shared_store, ("T", "C", str(i)), "q", now=1000.0 + i)
    kept = [i for i in range(5) if threads.recall(shared_store, ("T", "C", str(i)), now=1005.0)]
    assert kept == [2, 3, 4]


def test_the_watch_list_is_per_workspace(shared_store: Store) -> None:
    assert watch_list.add_watched(shared_store, "T1", "polars", "U1")
    assert not watch_list.add_watched(shared_store, "T1", "polars", "U2")
    assert watch_list.add_watched(shared_store, "T2", "django")
    assert [w.project for w in watch_list.watched(shared_store, "T1")] == ["polars"]
    assert watch_list.every_watched(other_process(shared_store)) == ["django", "polars"]
    assert watch_list.remove_watched(shared_store, "T1", "polars")
    assert not watch_list.remove_watched(shared_store, "T1", "polars")


def test_asked_frameworks_are_counted_per_workspace(shared_store: Store) -> None:
    for names in (["jax", "pytorch"], ["jax"], ["keras", "jax", "pytorch"]):
        digests.record_asked(shared_store, "T1", names)
    digests.record_asked(shared_store, "T2", ["flax"])
    assert digests.most_asked(shared_store, "T1") == ["jax", "pytorch", "keras"]


def test_each_delivery_is_taken_by_exactly_one_of_many_racing_processes(shared_store: Store) -> None:
    handles = [other_process(shared_store) for _ in range(8)]
    taken = race(8, lambda i: first_delivery(handles[i], ["event:EvRace", "message:T:C:1.2"]))
    assert sorted(taken) == [False] * 7 + [True]
    # the same message as another event is a duplicate too
    assert not first_delivery(shared_store, ["event:EvOther", "message:T:C:1.2"])
    assert first_delivery(shared_store, ["event:EvOther"])  # nothing of the refused delivery was kept


def test_each_job_is_claimed_by_exactly_one_of_many_racing_workers(shared_store: Store) -> None:
    ids = [answer_jobs.enqueue(shared_store, "message", {"n": n}, useful_for_s=600) for n in range(30)]
    handles = [other_process(shared_store) for _ in range(6)]

    def drain(i: int) -> list[int]:
        got = []
        while (job := answer_jobs.claim(handles[i], f"worker-{i}", lease_s=60)) is not None:
            got.append(job.id)
            assert answer_jobs.complete(handles[i], job.id, f"worker-{i}")
        return got

    claimed = [job_id for got in race(6, drain) for job_id in got]
    assert sorted(claimed) == ids
    assert answer_jobs.counts(shared_store) == {"done": 30}


def test_a_job_whose_worker_died_is_claimed_again_once_its_lease_runs_out(shared_store: Store) -> None:
    job_id = answer_jobs.enqueue(shared_store, "command", {"text": "jax"}, useful_for_s=600, now=1000.0)
    first = answer_jobs.claim(shared_store, "dead", lease_s=30, now=1000.0)
    assert first is not None and first.id == job_id and first.payload == {"text": "jax"}
    assert answer_jobs.claim(shared_store, "alive", lease_s=30, now=1029.0) is None  # still leased
    assert answer_jobs.claim(shared_store, "dead", lease_s=30, now=1031.0) is None  # never its own holder again
    again = answer_jobs.claim(shared_store, "alive", lease_s=30, now=1031.0)
    assert again is not None and again.id == job_id and again.attempts == 2
    assert not answer_jobs.complete(shared_store, job_id, "dead")  # the dead worker's lease is gone
    assert answer_jobs.complete(shared_store, job_id, "alive")
    assert not answer_jobs.complete(shared_store, job_id, "alive")  # done once
    assert answer_jobs.outcomes(shared_store) == [(job_id, "done", "answered", 2)]


def test_a_heartbeat_keeps_a_long_answer_its_workers(shared_store: Store) -> None:
    answer_jobs.enqueue(shared_store, "command", {}, useful_for_s=600, now=1000.0)
    answer_jobs.claim(shared_store, "slow", lease_s=30, now=1000.0)
    assert answer_jobs.renew(shared_store, "slow", 30, now=1025.0) == 1
    assert answer_jobs.claim(shared_store, "other", lease_s=30, now=1040.0) is None


def test_jobs_handed_back_at_shutdown_are_claimed_at_once(shared_store: Store) -> None:
    job_id = answer_jobs.enqueue(shared_store, "message", {}, useful_for_s=600)
    answer_jobs.claim(shared_store, "stopping", lease_s=600)
    assert answer_jobs.release(shared_store, "stopping", [job_id]) == 1
    job = answer_jobs.claim(shared_store, "next", lease_s=600)
    assert job is not None and job.id == job_id


def test_a_job_claimed_after_its_answer_stopped_being_useful_is_marked_too_old(shared_store: Store) -> None:
    answer_jobs.enqueue(shared_store, "command", {}, useful_for_s=29 * 60, now=1000.0)
    answer_jobs.enqueue(shared_store, "command", {}, useful_for_s=29 * 60, now=1000.0)
    assert not answer_jobs.claim(shared_store, "w", lease_s=60, now=1000.0 + 60).too_old
    assert answer_jobs.claim(shared_store, "w", lease_s=60, now=1000.0 + 30 * 60).too_old


def test_a_delivery_already_taken_records_no_job(shared_store: Store) -> None:
    keys = ["event:EvJob", "message:T:C:9.9"]
    assert answer_jobs.enqueue(shared_store, "message", {}, useful_for_s=60, delivery_keys=keys) is not None
    assert (
        answer_jobs.enqueue(shared_store, "message", {}, useful_for_s=60, delivery_keys=["event:EvX", keys[1]]) is None
    )
    assert answer_jobs.counts(shared_store) == {"pending": 1}


def test_one_of_racing_clocks_holds_the_scheduler_lease(shared_store: Store) -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    handles = [other_process(shared_store) for _ in range(6)]
    held = race(6, lambda i: digests.SchedulerLock(handles[i], f"clock-{i}", clock=lambda: now).acquire())
    assert held.count(True) == 1
    winner = f"clock-{held.index(True)}"
    assert digests.SchedulerLock(shared_store, "late").holder()[0] == winner
    later = now + digests.LEASE + timedelta(seconds=1)
    assert digests.SchedulerLock(shared_store, "late", clock=lambda: later).acquire()  # a dead holder's lease ran out


def test_each_digest_slot_is_claimed_once(shared_store: Store) -> None:
    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    key = ("", "T1", "C1")
    handles = [other_process(shared_store) for _ in range(6)]
    claimed = race(6, lambda i: digests.claim(handles[i], key, "2026-W49", f"clock-{i}", now))
    assert claimed.count(True) == 1
    digests.mark(shared_store, key, "2026-W49", None, status="posted", message_ts="1.1")
    assert digests.post_row(shared_store, key, "2026-W49")["status"] == "posted"
    assert not digests.record_skip(shared_store, key, "2026-W49", "late", now)
    assert digests.count_posts(shared_store) == 1


def test_subscriptions_round_trip(shared_store: Store) -> None:
    from bot.digest.schedule import Schedule
    from bot.digest.subscriptions import (
        Subscription,
        delete_subscription,
        get_subscription,
        is_paused,
        list_subscriptions,
        pause_subscription,
        save_subscription,
    )

    when = datetime(2026, 11, 30, tzinfo=UTC)
    sub = Subscription(
        "", "T1", "C1", Schedule("weekly", 0, datetime(2026, 1, 1, 9).time(), "UTC"), ["jax"], "U1", when, when
    )
    save_subscription(shared_store, sub)
    save_subscription(shared_store, Subscription(**{**sub.__dict__, "frameworks": ["jax", "flax"]}))
    assert get_subscription(shared_store, None, "T1", "C1").frameworks == ["jax", "flax"]
    pause_subscription(shared_store, sub.key, "not_in_channel")
    assert is_paused(shared_store, sub.key)
    assert list_subscriptions(shared_store, include_paused=False) == []
    assert delete_subscription(shared_store, None, "T1", "C1")
    assert is_paused(shared_store, sub.key)  # gone counts as paused


def test_a_shared_database_that_cannot_be_reached_stops_with_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FWTREND_DATABASE_URL", "postgresql+psycopg://fwtrend@127.0.0.1:1/none?connect_timeout=2")
    with pytest.raises(StoreUnusable) as stopped:
        open_store(tmp_path / "x.db")
    assert "FWTREND_DATABASE_URL" in str(stopped.value.code) and "\n" not in str(stopped.value.code)
    forget_stores()


def test_processes_opening_a_new_postgresql_database_together_create_its_tables_once(
    postgres_url: str, tmp_path, monkeypatch
) -> None:
    from bot.store.shared import prepare, shared_state

    state = shared_state(postgres_url)
    assert race(4, lambda _i: prepare(state)) == [None] * 4  # no error: under the advisory lock, one creates
    monkeypatch.setenv("FWTREND_DATABASE_URL", postgres_url)
    store = open_store(tmp_path / "pg.db")
    assert answer_jobs.counts(store) == {}
    forget_stores()


def test_without_postgresql_its_tests_skip_with_the_reason_but_fail_where_ci_requires_them(monkeypatch) -> None:
    from tests.support import postgres

    monkeypatch.setattr(postgres, "_binary", lambda _name: None)
    monkeypatch.delenv(postgres.REQUIRE_ENV, raising=False)
    with pytest.raises(pytest.skip.Exception, match="initdb and pg_ctl were not found"):
        postgres.start_cluster()
    monkeypatch.setenv(postgres.REQUIRE_ENV, "1")
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is required here"):
        postgres.start_cluster()
