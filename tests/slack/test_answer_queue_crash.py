"""The durable answer queue against real crashes: `fwtrend serve --http` killed with -9 (its whole process tree,
or only its gunicorn worker) while answers are in flight, then restarted: every acknowledged request is
answered exactly once, with the queue in the store file or in a real PostgreSQL. Work left too long is not
answered late: the asker is told to ask again."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from bot.slack.jobs import TOO_OLD
from bot.store import answer_jobs
from bot.store.opening import forget_stores, open_store
from tests.support.fake_slack import FakeSlack
from tests.support.serve_process import Serve
from tests.support.signing import app_mention_event, event_body, post, slash_command_body

SECRET = "queue-crash-secret"
TOKEN = "xoxb-queue-crash-token"
LEASE_S = "5"


def serve_settings(fake: FakeSlack, **extra: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
        "FWTREND_JOB_LEASE_S": LEASE_S,
        "FWTREND_RENDER_PROCESSES": "1",
        **extra,
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_settings(request: pytest.FixtureRequest) -> dict[str, str]:
    """The shared state (the queue, de-duplication) in the store file, or in a real PostgreSQL database."""
    if request.param == "sqlite":
        return {}
    return {"FWTREND_DATABASE_URL": request.getfixturevalue("postgres_url")}


def ask_six(fake: FakeSlack, url: str, tag: str) -> list[str]:
    """Three slash commands and three @mentions, each in its own channel by its own user (so each answer
    looks its asker up: users.info). Returns the channels, each owed one answer."""
    channels = []
    for i in range(3):
        channel = f"C{tag}CMD{i}"
        body = slash_command_body(
            "pytorch vs tensorflow", channel_id=channel, user_id=f"U{tag}C{i}", response_url=fake.hook_url()
        )
        response = post(url, body, SECRET)
        assert response.status_code == 200 and response.text == ""
        channels.append(channel)
    for i in range(3):
        channel = f"C{tag}MEN{i}"
        event = app_mention_event("jax vs flax stars", channel=channel, user=f"U{tag}M{i}")
        assert post(url, event_body(event, event_id=f"Ev{tag}{i}"), SECRET).status_code == 200
        channels.append(channel)
    return channels


def answers_per_channel(fake: FakeSlack, channels: list[str], timeout: float = 120, settle: float = 4) -> Counter:
    """chat.postMessage calls per channel, once every channel has one and a few seconds passed for any
    (wrong) second answer to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = Counter(c.params.get("channel") for c in fake.calls("chat.postMessage"))
        if all(got[ch] for ch in channels):
            break
        time.sleep(0.2)
    time.sleep(settle)
    return Counter(c.params.get("channel") for c in fake.calls("chat.postMessage"))


@pytest.mark.timeout(400)
@pytest.mark.parametrize("kill", ["the whole process tree", "the gunicorn worker"])
def test_answers_in_flight_when_the_web_process_is_killed_are_each_given_once_after_a_restart(
    tmp_path: Path, fake_slack: FakeSlack, kill: str, shared_settings: dict[str, str]
) -> None:
    fake_slack.hold("users.info")  # every answer stops at its first Slack call: all six are in flight
    first = Serve(tmp_path, "first", **serve_settings(fake_slack, **shared_settings)).wait_ready()
    second = None
    try:
        channels = ask_six(fake_slack, first.events_url, "K")
        fake_slack.wait_for("users.info", count=6, timeout=60)
        assert fake_slack.calls("chat.postMessage") == []
        if kill == "the whole process tree":
            first.kill_tree()
            fake_slack.let_go("users.info")
            second = Serve(tmp_path, "second", **serve_settings(fake_slack, **shared_settings)).wait_ready()
        else:
            first.kill_worker()  # gunicorn's master starts a new worker, which finds the jobs
            fake_slack.let_go("users.info")
        got = answers_per_channel(fake_slack, channels)
        assert {ch: got[ch] for ch in channels} == dict.fromkeys(channels, 1), (first.log(), second and second.log())
        assert sum(got.values()) == len(channels)
    finally:
        fake_slack.let_go("users.info")
        first.stop()
        if second is not None:
            second.stop()


@pytest.mark.timeout(400)
def test_an_answer_posted_before_the_kill_is_not_posted_again_and_its_chart_goes_up_once_after_the_restart(
    tmp_path: Path, fake_slack: FakeSlack, shared_settings: dict[str, str]
) -> None:
    # Each answer is posted, then its chart upload waits: killed there, the answer is in Slack, the chart not.
    fake_slack.hold("files.getUploadURLExternal")
    first = Serve(tmp_path, "first", **serve_settings(fake_slack, **shared_settings)).wait_ready()
    second = None
    try:
        commands, mentions = [f"CSTEPCMD{i}" for i in range(3)], [f"CSTEPMEN{i}" for i in range(3)]
        for i, channel in enumerate(commands):
            body = slash_command_body(
                "pytorch vs tensorflow", channel_id=channel, user_id=f"USC{i}", response_url=fake_slack.hook_url()
            )
            assert post(first.events_url, body, SECRET).status_code == 200
        for i, channel in enumerate(mentions):
            event = app_mention_event("pytorch vs tensorflow", channel=channel, user=f"USM{i}")
            assert post(first.events_url, event_body(event, event_id=f"EvStep{i}"), SECRET).status_code == 200
        fake_slack.wait_for("files.getUploadURLExternal", count=6, timeout=90)
        posted_before = Counter(c.params.get("channel") for c in fake_slack.calls("chat.postMessage"))
        assert posted_before == Counter(dict.fromkeys(commands + mentions, 1))
        first.kill_tree()
        fake_slack.let_go("files.getUploadURLExternal")
        second = Serve(tmp_path, "second", **serve_settings(fake_slack, **shared_settings)).wait_ready()
        deadline = time.monotonic() + 120
        while len(fake_slack.calls("files.completeUploadExternal")) < 6 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(4)  # room for any (wrong) second post to arrive
        logs = (first.log(), second.log())
        posted = Counter(c.params.get("channel") for c in fake_slack.calls("chat.postMessage"))
        assert posted == posted_before, logs
        uploads = {
            c.params.get("channel_id"): c.params.get("thread_ts")
            for c in fake_slack.calls("files.completeUploadExternal")
        }
        assert sorted(uploads) == sorted(commands + mentions), logs
        assert len(fake_slack.calls("files.completeUploadExternal")) == 6, logs
        # The chart is shown in the message posted before the kill: its ts came back from the recorded step.
        for channel in commands:
            updates = [c.params["ts"] for c in fake_slack.calls("chat.update") if c.params.get("channel") == channel]
            assert updates and set(updates) == {uploads[channel]}, logs
        assert "step(s) already in Slack were not sent again" in second.log()
    finally:
        fake_slack.let_go("files.getUploadURLExternal")
        first.stop()
        if second is not None:
            second.stop()


@pytest.mark.timeout(300)
def test_after_a_restart_work_left_too_long_tells_the_asker_and_fresh_work_is_answered(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    store = open_store(tmp_path / "fwtrend.db")  # what a crashed process left in the queue
    old = {"team": "T111", "channel": "COLD", "user": "UOLD", "text": "pytorch vs jax", "response_url": None}
    answer_jobs.enqueue(store, "command", old, useful_for_s=29 * 60, now=time.time() - 31 * 60)
    fresh = {"team": "T111", "channel": "CNEW", "user": "UNEW", "thread_ts": "1.2", "text": "jax vs flax"}
    answer_jobs.enqueue(store, "message", fresh, useful_for_s=30 * 60)
    forget_stores()
    serve = Serve(tmp_path, "restarted", **serve_settings(fake_slack)).wait_ready()
    try:
        told = fake_slack.wait_for("chat.postEphemeral", timeout=60)
        assert [(c.params["channel"], c.params["user"], c.params["text"]) for c in told] == [("COLD", "UOLD", TOO_OLD)]
        got = answers_per_channel(fake_slack, ["CNEW"], settle=2)
        assert got == Counter({"CNEW": 1})
        assert answer_jobs.counts(open_store(tmp_path / "fwtrend.db")) == {"done": 2}
    finally:
        serve.stop()
        forget_stores()


@pytest.mark.timeout(400)
def test_sigterm_hands_unfinished_answers_back_and_leaves_no_child_process(
    tmp_path: Path, fake_slack: FakeSlack, shared_settings: dict[str, str]
) -> None:
    from tests.support.serve_process import alive

    # A long lease: only the hand-back lets another process answer soon.
    long_lease = serve_settings(fake_slack, FWTREND_JOB_LEASE_S="600", **shared_settings)
    fake_slack.hold("users.info")
    first = Serve(tmp_path, "stopping", **long_lease).wait_ready()
    second = None
    try:
        assert first.tree, "gunicorn's worker and the render process were not found"
        channels = []
        for i in range(3):
            channel = f"CTERM{i}"
            body = slash_command_body(
                "pytorch vs jax", channel_id=channel, user_id=f"UT{i}", response_url=fake_slack.hook_url()
            )
            assert post(first.events_url, body, SECRET).status_code == 200
            channels.append(channel)
        fake_slack.wait_for("users.info", count=3, timeout=60)
        assert first.terminate(timeout=60) == 0
        assert [pid for pid in first.tree if alive(pid)] == []
        assert "handed back 3 unfinished answers" in first.log()
        assert "Traceback" not in first.log()
        fake_slack.let_go("users.info")
        started = time.monotonic()
        second = Serve(tmp_path, "next", **long_lease).wait_ready()
        got = answers_per_channel(fake_slack, channels, timeout=90)
        assert {ch: got[ch] for ch in channels} == dict.fromkeys(channels, 1)
        assert time.monotonic() - started < 300  # long before the 600 s lease would have run out
    finally:
        fake_slack.let_go("users.info")
        first.stop()
        if second is not None:
            second.stop()
