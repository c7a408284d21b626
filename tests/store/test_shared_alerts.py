"""Alerts, their ledger, the workspaces that refuse the newer blocks and the live look-up limits, in the
shared state on both databases (SQLite store file, PostgreSQL): every process of a deployment, on every
machine, sees the same alerts, posts each crossing once and counts the same hourly look-ups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect, select, text, update

from bot.store import alerts, block_support, live_lookups
from bot.store.connection import Store
from bot.store.opening import forget_stores, open_store
from bot.store.shared import SCHEMA_VERSION, shared_schema
from tests.store.test_shared_state import other_process, race

CHANNEL = ("", "T1", "C1")
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
STARS = {
    "kind": "threshold",
    "framework": "jax",
    "metric": "github_stars",
    "threshold": 50_000,
    "text": "jax 50k stars",
}
PASSES = {"kind": "passes", "framework": "pytorch", "other": "tensorflow", "metric": "github_stars", "text": "p>t"}
GROWS = {"kind": "change", "framework": "polars", "metric": "pypi_downloads", "change_pct": 50, "window": "month"}


def test_alerts_set_are_listed_per_channel_in_the_order_they_were_set(shared_store: Store) -> None:
    first = alerts.add_alert(shared_store, CHANNEL, STARS, created_by="U1", now=NOW)
    second = alerts.add_alert(shared_store, CHANNEL, PASSES, created_by="U2", now=NOW + timedelta(minutes=1))
    elsewhere = alerts.add_alert(shared_store, ("", "T2", "C9"), GROWS, created_by="U3", now=NOW)
    assert None not in (first, second, elsewhere) and first < second
    listed = alerts.channel_alerts(other_process(shared_store), CHANNEL)
    assert [(a.id, a.kind, a.framework, a.other, a.created_by) for a in listed] == [
        (first, "threshold", "jax", "", "U1"),
        (second, "passes", "pytorch", "tensorflow", "U2"),
    ]
    assert listed[0].threshold == 50_000.0 and listed[0].text == "jax 50k stars" and listed[0].window == ""
    assert listed[0].created_at == NOW.isoformat()
    (grows,) = alerts.channel_alerts(shared_store, ("", "T2", "C9"))
    assert (grows.change_pct, grows.window, grows.subject) == (50.0, "month", f"alert:{elsewhere}")
    assert [a.id for a in alerts.every_alert(shared_store)] == [first, second, elsewhere]


def test_the_same_alert_twice_in_a_channel_is_found_not_stored_again(shared_store: Store) -> None:
    first = alerts.add_alert(shared_store, CHANNEL, STARS, created_by="U1", now=NOW)
    assert alerts.add_alert(other_process(shared_store), CHANNEL, STARS, created_by="U2", now=NOW) is None
    assert alerts.same_alert(shared_store, CHANNEL, STARS).id == first
    assert alerts.same_alert(shared_store, CHANNEL, {**STARS, "threshold": 60_000}) is None
    assert alerts.same_alert(shared_store, ("", "T1", "C2"), STARS) is None
    assert alerts.add_alert(shared_store, ("", "T1", "C2"), STARS, created_by="U1", now=NOW) is not None


def test_one_of_racing_processes_stores_an_alert_set_twice_at_once(shared_store: Store) -> None:
    handles = [other_process(shared_store) for _ in range(6)]
    ids = race(6, lambda i: alerts.add_alert(handles[i], CHANNEL, GROWS, created_by=f"U{i}", now=NOW))
    assert sum(i is not None for i in ids) == 1
    assert len(alerts.channel_alerts(shared_store, CHANNEL)) == 1


def test_a_removed_alert_is_gone_and_its_ledger_rows_stay(shared_store: Store) -> None:
    kept = alerts.add_alert(shared_store, CHANNEL, STARS, created_by="U1", now=NOW)
    gone = alerts.add_alert(shared_store, CHANNEL, PASSES, created_by="U1", now=NOW)
    assert alerts.claim(shared_store, CHANNEL, f"alert:{gone}", "met", "run-1", NOW)
    assert alerts.remove_alert(other_process(shared_store), gone)
    assert not alerts.remove_alert(shared_store, gone)
    assert [a.id for a in alerts.channel_alerts(shared_store, CHANNEL)] == [kept]
    assert [r["status"] for r in alerts.posted_rows(shared_store, f"alert:{gone}")] == ["claimed"]


def test_alerts_or_active_subscriptions_are_what_a_run_has_to_check(shared_store: Store) -> None:
    assert not alerts.has_alerts_or_subscriptions(shared_store)
    alert_id = alerts.add_alert(shared_store, CHANNEL, STARS, created_by="U1", now=NOW)
    assert alerts.has_alerts_or_subscriptions(other_process(shared_store))
    alerts.remove_alert(shared_store, alert_id)
    assert not alerts.has_alerts_or_subscriptions(shared_store)


def test_each_crossing_is_claimed_by_exactly_one_of_many_racing_runs(shared_store: Store) -> None:
    handles = [other_process(shared_store) for _ in range(6)]
    claimed = race(6, lambda i: alerts.claim(handles[i], CHANNEL, "alert:1", "met", f"run-{i}", NOW))
    assert claimed.count(True) == 1
    winner = f"run-{claimed.index(True)}"
    alerts.mark(shared_store, CHANNEL, "alert:1", "met", "someone-else", status="posted")
    assert alerts.post_row(shared_store, CHANNEL, "alert:1", "met")["status"] == "claimed"
    alerts.mark(shared_store, CHANNEL, "alert:1", "met", winner, status="posted", message_ts="1.5")
    row = alerts.post_row(other_process(shared_store), CHANNEL, "alert:1", "met")
    assert (row["status"], row["claimed_by"], row["message_ts"], row["attempts"]) == ("posted", winner, "1.5", 1)
    assert not alerts.claim(shared_store, CHANNEL, "alert:1", "met", "late-run", NOW + timedelta(days=1))


def test_a_failed_or_abandoned_crossing_is_taken_over_and_a_skipped_one_never(shared_store: Store) -> None:
    assert alerts.claim(shared_store, CHANNEL, "alert:2", "met", "run-1", NOW)
    alerts.mark(shared_store, CHANNEL, "alert:2", "met", "run-1", status="failed", error="internal_error")
    assert alerts.claim(shared_store, CHANNEL, "alert:2", "met", "run-2", NOW)
    assert not alerts.claim(shared_store, CHANNEL, "alert:2", "met", "run-3", NOW + alerts.LEASE / 2)
    assert alerts.claim(shared_store, CHANNEL, "alert:2", "met", "run-3", NOW + alerts.LEASE * 2)
    assert alerts.post_row(shared_store, CHANNEL, "alert:2", "met")["attempts"] == 3
    alerts.record_skip(shared_store, CHANNEL, "alert:3", "2026-10-01", "met when set", NOW)
    alerts.record_skip(shared_store, CHANNEL, "alert:3", "2026-10-01", "met when set", NOW)
    assert not alerts.claim(shared_store, CHANNEL, "alert:3", "2026-10-01", "run-1", NOW + timedelta(days=9))
    (row,) = alerts.posted_rows(shared_store, "alert:3")
    assert (row["status"], row["error"]) == ("skipped", "met when set")


def test_a_workspace_that_refused_the_new_blocks_is_known_to_every_process(shared_store: Store) -> None:
    assert not block_support.refuses_new_blocks(shared_store, "T1")
    block_support.remember_refusal(shared_store, "T1", "invalid_blocks")
    block_support.remember_refusal(other_process(shared_store), "T1", "invalid_blocks: again")
    assert block_support.refuses_new_blocks(other_process(shared_store), "T1")
    assert not block_support.refuses_new_blocks(shared_store, "T2")


def test_racing_processes_never_take_more_live_look_ups_than_the_hour_allows(shared_store: Store) -> None:
    handles = [other_process(shared_store) for _ in range(8)]
    now = 1_800_000_000.0
    got = race(
        8, lambda i: live_lookups.take_lookups(handles[i], f"T{i % 2}", [f"p{i}"], per_hour=5, per_team=3, now=now)
    )
    # Four takers per workspace, three allowed each, five overall: whatever the order, exactly five are taken.
    assert sum(r is None for r in got) == 5
    per_team = [sum(r is None for i, r in enumerate(got) if i % 2 == team) for team in (0, 1)]
    assert sorted(per_team) == [2, 3]
    later = live_lookups.take_lookups(shared_store, "T9", ["q"], per_hour=5, per_team=3, now=now + 10)
    assert later is not None and (later.scope, later.retry_at) == ("overall", now + live_lookups.WINDOW_S)
    assert live_lookups.take_lookups(shared_store, "T9", ["q"], per_hour=5, per_team=3, now=now + 3601) is None


def test_the_shared_schema_has_the_alert_block_look_up_and_job_step_tables(shared_store: Store, shared_backend) -> None:
    names = set(inspect(shared_store.shared.engine).get_table_names())
    assert {"alerts", "alert_posts", "classic_blocks", "live_lookups", "answer_job_steps"} <= names
    if shared_backend is not None:
        with shared_store.shared.read() as conn:
            assert conn.execute(select(shared_schema.c.version)).scalar() == SCHEMA_VERSION == 3


def test_a_postgresql_database_of_shared_schema_1_gains_the_new_tables_on_the_next_start(
    postgres_url: str, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("FWTREND_DATABASE_URL", postgres_url)
    store = open_store(tmp_path / "one.db")
    with store.shared.write() as conn:  # as version 1 left it: none of the tables version 2 added
        for name in ("alert_posts", "alerts", "classic_blocks", "live_lookups", "shared_health"):
            conn.execute(text(f"DROP TABLE {name}"))
        conn.execute(update(shared_schema).values(version=1))
    forget_stores()
    store = open_store(tmp_path / "two.db")
    assert alerts.add_alert(store, CHANNEL, STARS, created_by="U1", now=NOW) is not None
    block_support.remember_refusal(store, "T1")
    with store.shared.read() as conn:
        assert conn.execute(select(shared_schema.c.version)).scalar() == SCHEMA_VERSION
    forget_stores()
