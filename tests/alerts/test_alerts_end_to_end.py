"""Alerts end to end: set with a signed /fwtrend command through fwtrend's real Bolt app, crossed by
`fwtrend refresh` against sources replayed on 127.0.0.1, posted to the fake Slack once, never again on the
next refresh; `fwtrend alerts` (dry run, --now, two racing) over the same store."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.settings import get_settings
from bot.store.observations import upsert_observations
from tests.alerts.world import World
from tests.support.block_kit_rules import message_errors

ROOT = Path(__file__).resolve().parents[2]


def set_alert(world: World, text: str, channel: str = "C111") -> str:
    reply = world.slash(text, channel=channel)
    assert message_errors(reply) == []
    assert reply["response_type"] == "in_channel", reply["text"]
    return reply["text"]


def test_an_alert_set_in_slack_is_posted_once_when_a_refresh_crosses_it_and_not_on_the_next_refresh(world: World):
    assert set_alert(world, "alert jax 50k stars").startswith("Alert #1 set: JAX reaches 50,000 GitHub stars.")
    world.stars("jax-ml/jax", 45_000)
    assert world.refresh(date(2026, 11, 10), "--source", "github", "--framework", "jax")[0] == 0
    assert world.posts() == []
    world.stars("jax-ml/jax", 50_412)
    world.refresh(date(2026, 11, 20), "--source", "github", "--framework", "jax")
    (post,) = world.posts("C111")
    assert post.startswith(
        "JAX passed 50,000 GitHub stars: 50,412 stars on 2026-11-20, counted at the time (GitHub /repos snapshot). "
        "The figure before was 45,000 stars on 2026-11-10."
    )
    assert "Alert set by <@U111>" in post and "`jax 50k stars`" in post
    (call,) = [c for c in world.fake.calls("chat.postMessage") if c.params.get("channel") == "C111"]
    assert message_errors(call.params) == []
    world.stars("jax-ml/jax", 50_600)
    world.refresh(date(2026, 11, 21), "--source", "github", "--framework", "jax")
    assert len(world.posts()) == 1
    assert world.alerts()[1].startswith("No alert or milestone to post")
    listing = world.slash("alerts")
    assert listing["response_type"] == "ephemeral"
    assert (
        "1. JAX reaches 50,000 GitHub stars: set by <@U111> on " in listing["text"] and "posted 1×" in listing["text"]
    )


def test_a_passing_alert_fires_on_the_first_date_both_were_counted_with_one_ahead(world: World):
    set_alert(world, "alert when pytorch passes tensorflow in stars")
    args = ("--source", "github", "--framework", "pytorch", "--framework", "tensorflow")
    world.stars("pytorch/pytorch", 150_000)
    world.stars("tensorflow/tensorflow", 197_500)
    world.refresh(date(2026, 11, 10), *args)
    assert world.posts() == []
    world.stars("pytorch/pytorch", 199_000)
    world.stars("tensorflow/tensorflow", 197_600)
    world.refresh(date(2026, 11, 20), *args)
    (post,) = world.posts("C111")
    assert post.startswith(
        "PyTorch passed TensorFlow on GitHub stars: 199,000 stars against 197,600 stars on 2026-11-20, counted at "
        "the time (GitHub /repos snapshot). On 2026-11-10, the date both were counted before, PyTorch had "
        "150,000 stars and TensorFlow 197,500 stars."
    )
    world.stars("pytorch/pytorch", 199_500)
    world.refresh(date(2026, 11, 21), *args)
    assert len(world.posts()) == 1


def test_a_relative_alert_fires_on_the_month_that_grew_by_half_and_names_both_figures(world: World):
    set_alert(world, "alert polars downloads +50% month")
    # Month totals; per day they grow under 50% a month until October (+60% on September).
    months = {"2026-04": 48_000_000, "2026-05": 55_800_000, "2026-06": 54_000_000}
    months |= {"2026-07": 58_900_000, "2026-08": 58_900_000, "2026-09": 54_000_000}
    world.clickhouse_months("polars", date(2026, 10, 10), months, start=date(2016, 1, 1))
    assert world.refresh(date(2026, 10, 10), "--source", "clickhouse", "--project", "polars")[0] == 0
    assert world.posts() == []
    world.clickhouse_months("polars", date(2026, 11, 10), {"2026-10": 89_280_000}, start=date(2026, 10, 1))
    world.refresh(date(2026, 11, 10), "--source", "clickhouse", "--project", "polars")
    (post,) = world.posts("C111")
    assert post.startswith(
        "polars PyPI downloads per day rose 60% in a month: 2.88M downloads/day on 2026-10-31, from 1.80M "
        "downloads/day on 2026-09-30, all installers, calendar month (ClickHouse)."
    )
    assert world.alerts()[1].startswith("No alert or milestone to post")


def test_a_milestone_is_posted_to_a_subscribed_channel_once_dated_by_the_first_figure_past_it(world: World):
    world.fake.set_user("U111", tz="Europe/Berlin")
    world.slash("subscribe jax", channel="C222")
    assert world.alerts()[1].startswith("No alert or milestone")  # the history's old marks are never posted
    world.stars("jax-ml/jax", 40_213)
    world.refresh(date(2026, 11, 20), "--source", "github", "--framework", "jax")
    assert world.posts("C222") == [
        "JAX passed 40,000 GitHub stars on 2026-11-20, counted at the time (GitHub /repos snapshot): 40,213 stars "
        "that day; the figure before was 33,831 stars on 2025-10-30."
    ]
    world.stars("jax-ml/jax", 40_300)
    world.refresh(date(2026, 11, 21), "--source", "github", "--framework", "jax")
    assert len(world.posts("C222")) == 1
    world.stars("jax-ml/jax", 50_100)
    world.refresh(date(2026, 11, 22), "--source", "github", "--framework", "jax")
    assert world.posts("C222")[-1].startswith("JAX passed 50,000 GitHub stars on 2026-11-22")
    assert world.posts("C111") == []  # a channel that did not subscribe gets no milestones


def _met_without_posting(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """An alert met by a refresh that ran without a bot token: the figures are stored, nothing is posted."""
    set_alert(world, "alert jax 50k stars")
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    get_settings.cache_clear()
    world.stars("jax-ml/jax", 50_412)
    assert world.refresh(date(2026, 11, 20), "--source", "github", "--framework", "jax")[0] == 0
    assert world.posts() == []
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    get_settings.cache_clear()


def test_alerts_dry_run_prints_what_is_met_without_posting_or_recording_it(world: World, monkeypatch):
    _met_without_posting(world, monkeypatch)
    code, out = world.alerts("--dry-run")
    assert code == 0
    assert (
        "── -/T111/C111 · alert:1 · met" in out and "JAX passed 50,000 GitHub stars: 50,412 stars on 2026-11-20" in out
    )
    assert world.posts() == []
    assert world.store.db.execute("SELECT COUNT(*) FROM alert_posts").fetchone()[0] == 0
    assert world.alerts("--dry-run", "--now", "2026-11-19T12:00:00Z")[1].startswith("No alert or milestone")
    code, out = world.alerts()
    assert code == 0 and out.startswith("posted: -/T111/C111 alert:1 met (ts ")
    assert len(world.posts("C111")) == 1


def test_two_fwtrend_alerts_racing_post_each_crossing_once(world: World, monkeypatch):
    _met_without_posting(world, monkeypatch)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen([sys.executable, "-m", "bot", "alerts"], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    assert len(world.posts("C111")) == 1
    assert sum(out.count("posted: ") for out in outs) == 1
    (row,) = world.store.db.execute("SELECT status FROM alert_posts").fetchall()
    assert row == ("posted",)


def test_a_post_slack_refuses_is_retried_by_the_next_run_and_then_posted_once(world: World, monkeypatch):
    _met_without_posting(world, monkeypatch)
    world.fake.fail("chat.postMessage", "internal_error", times=1)
    code, out = world.alerts()
    assert code == 1 and "failed: -/T111/C111 alert:1 met (internal_error)" in out
    assert world.alerts()[0] == 0
    assert len(world.posts("C111")) == 2  # the call Slack refused, then the one it took
    assert world.alerts()[1].startswith("No alert or milestone")
    assert len(world.posts("C111")) == 2


def test_figures_stored_by_hand_meet_an_alert_only_up_to_the_moment_checked(world: World):
    set_alert(world, "alert keras 80k stars")
    row = {"framework": "keras", "metric": "github_stars", "date": "2026-12-05", "value": 80_500, "source": "github"}
    upsert_observations(world.store, [row | {"method": "GitHub /repos snapshot"}])
    assert world.alerts("--dry-run", "--now", "2026-12-04T23:00:00Z")[1].startswith("No alert or milestone")
    assert (
        "Keras passed 80,000 GitHub stars: 80,500 stars on 2026-12-05"
        in world.alerts("--dry-run", "--now", "2026-12-05")[1]
    )


def test_a_post_another_run_is_still_sending_is_left_to_it_and_one_stopped_mid_post_is_never_sent_again(
    world: World, monkeypatch
):
    from bot.slack.alert_delivery import open_crossings
    from bot.store.alerts import LEASE, claim, mark, post_row

    _met_without_posting(world, monkeypatch)
    now = datetime.now(UTC)
    (met,) = open_crossings(world.store, now)
    assert claim(world.store, met.channel, met.subject, met.crossing, "other-run", now)
    mark(world.store, met.channel, met.subject, met.crossing, "other-run", status="sending")

    assert world.alerts()[0] == 0  # the other run is posting right now: not posted twice, not marked
    assert world.posts() == [] and post_row(world.store, met.channel, met.subject, met.crossing)["status"] == "sending"

    stopped = (now - LEASE - timedelta(minutes=1)).isoformat()  # that run died mid-post long ago
    mark(world.store, met.channel, met.subject, met.crossing, None, claimed_at=stopped)
    assert world.alerts()[0] == 0
    assert world.posts() == [] and post_row(world.store, met.channel, met.subject, met.crossing)["status"] == "in_doubt"
    assert world.alerts()[1].startswith("No alert or milestone")
