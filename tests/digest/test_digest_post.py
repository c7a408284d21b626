"""Posting digests end to end: a signed /fwtrend subscribe through fwtrend's Bolt app, `fwtrend digest --now`
at the due time, against the local fake Slack Web API, with time travel. No real sleeps."""

from __future__ import annotations

import io
import json
import logging
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient

from bot.cli import build_parser
from bot.cli.digest import cmd_digest
from bot.digest.subscriptions import get_subscription, list_subscriptions
from bot.settings import Settings
from bot.slack.app import create_app
from bot.slack.digest_delivery import run_digests
from bot.slack.server import build_services
from bot.slack.subscriptions import handle_subscription_command
from bot.store.connection import Store
from bot.store.digests import claim, record_asked
from bot.store.observations import upsert_observations
from bot.store.opening import open_store
from tests.support.fake_slack import FakeSlack
from tests.support.signing import signed_headers, slash_command_body


def main(argv: list[str], *, out: io.StringIO | None = None) -> int:
    """`fwtrend digest ARGV`, parsed by the one CLI tree, with its output into `out`."""
    return cmd_digest(build_parser().parse_args(["digest", *argv]), out=out)


SECRET = "digest-test-secret"
SUBSCRIBED_AT = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)  # a Wednesday
DUE = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York (EST)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def add_series(store: Store, end: date = date(2026, 11, 30)) -> None:
    """Weekly star snapshots: PyTorch's last week is three times its usual gain."""
    rows = []
    for fw, base, gains in (("pytorch", 90_000, [100] * 6 + [300]), ("tensorflow", 99_670, [50] * 7)):
        value = base
        for i, gain in enumerate(gains):
            value += gain
            day = end - timedelta(days=4) - timedelta(weeks=len(gains) - 1 - i)
            rows.append({"framework": fw, "metric": "github_stars", "date": day, "value": value, "source": "github"})
    upsert_observations(store, rows)


def bolt_app(fake: FakeSlack, store: Store) -> App:
    """fwtrend's own Bolt app (the one `fwtrend serve` runs), pointed at the fake Slack and this store."""
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-test",
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
        fwtrend_db=store.path,
        fwtrend_render_processes=0,
    )
    return create_app(settings, build_services(settings))


def slash(app: App, fake: FakeSlack, text: str, **fields: str) -> dict:
    """A signed /fwtrend command; returns what the app sent back through the command's response_url."""
    before = len(fake.calls("response_url"))
    fields.setdefault("response_url", fake.hook_url())
    body = slash_command_body(text, **fields)
    response = app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
    assert response.status == 200, response.body
    return fake.wait_for("response_url", count=before + 1)[-1].params


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = open_store(tmp_path / "digest.db")
    return store


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack, store: Store) -> FakeSlack:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", fake_slack.base_url)
    from bot.settings import get_settings

    get_settings.cache_clear()
    return fake_slack


def client_for(fake: FakeSlack):
    client = WebClient(token="xoxb-test", base_url=fake.base_url)
    return lambda enterprise_id, team_id: client


def digest_posts(fake: FakeSlack) -> list:
    """chat.postMessage calls that are digests (not DMs to subscribers)."""
    return [c for c in fake.calls("chat.postMessage") if str(c.params.get("channel", "")).startswith("C")]


def run(store: Store, fake: FakeSlack, now: datetime, **kwargs):
    return run_digests(store, now, client_for_team=client_for(fake), post_interval=0, **kwargs)


# -- subscribe through Slack, post at the due time ------------------------------------------------
def test_subscribe_then_post_once_with_chart(env: FakeSlack, store: Store, tmp_path: Path):
    fake = env
    fake.set_user("U111", tz="America/New_York")
    add_series(store)
    app = bolt_app(fake, store)
    with time_machine.travel(SUBSCRIBED_AT, tick=False):
        reply = slash(app, fake, "subscribe pytorch tensorflow")
    assert "Subscribed" in reply["text"]
    assert reply["response_type"] == "in_channel"  # the channel sees what it signed up for
    assert "every Monday at 09:00 (America/New_York)" in reply["text"]
    assert "PyTorch, TensorFlow" in reply["text"]
    assert f"<!date^{int(DUE.timestamp())}^" in reply["text"]  # first digest: Monday 30 Nov, 09:00 EST
    assert fake.calls("users.info")[0].params["user"] == "U111"

    out = io.StringIO()
    early = main(["--now", (DUE - timedelta(minutes=1)).isoformat(), "--db", str(tmp_path / "digest.db")], out=out)
    assert early == 0 and digest_posts(fake) == []

    out = io.StringIO()
    assert main(["--now", DUE.isoformat(), "--db", str(tmp_path / "digest.db")], out=out) == 0
    [post] = digest_posts(fake)
    assert post.params["channel"] == "C111"
    blocks = json.loads(post.params["blocks"]) if isinstance(post.params["blocks"], str) else post.params["blocks"]
    assert blocks[0]["type"] == "header"
    assert "PyTorch +300" in json.dumps(blocks)
    assert "posted: -/T111/C111 2026-W49" in out.getvalue()
    [upload] = fake.calls("files.completeUploadExternal")
    assert upload.params["channel_id"] == "C111"
    # The chart goes in the digest's thread, as answers' charts do.
    assert upload.params["thread_ts"] == store.db.execute("SELECT message_ts FROM digest_posts").fetchone()[0]
    [(file_id, filename, png)] = fake.uploaded_files()
    assert filename.endswith(".png") and png.startswith(b"\x89PNG")
    # Then shown inside the digest itself.
    [update] = fake.calls("chat.update")
    images = [b for b in update.params["blocks"] if b["type"] == "image"]
    assert images and images[0]["slack_file"] == {"id": file_id}

    # Again (a second run, a restart, the next poll): nothing more.
    assert main(["--now", (DUE + timedelta(minutes=5)).isoformat(), "--db", str(tmp_path / "digest.db")]) == 0
    assert len(digest_posts(fake)) == 1


def test_second_workspace_is_untouched(env: FakeSlack, store: Store):
    fake = env
    app = bolt_app(fake, store)
    with time_machine.travel(SUBSCRIBED_AT, tick=False):
        slash(app, fake, "subscribe daily 08:00 jax", team_id="T111", channel_id="C111")
        slash(app, fake, "subscribe weekly tuesday 10:00 pytorch", team_id="T222", channel_id="C111")
        # Same channel id in another workspace: unsubscribing in T111 must not touch T222's.
        reply = slash(app, fake, "unsubscribe", team_id="T111", channel_id="C111")
        assert reply["text"].startswith("Unsubscribed")
        listing = slash(app, fake, "subscriptions", team_id="T111")
        assert "No channel in this workspace" in listing["text"]
        other = slash(app, fake, "subscriptions", team_id="T222")
    assert "PyTorch, every Tuesday at 10:00" in other["text"]
    [remaining] = list_subscriptions(store)
    assert (remaining.team_id, remaining.channel_id, remaining.frameworks) == ("T222", "C111", ["pytorch"])

    run(store, fake, utc(2026, 12, 1, 15))  # Tuesday 10:00 EST
    [post] = digest_posts(fake)
    rows = store.db.execute("SELECT team_id, channel_id, period_key, status FROM digest_posts").fetchall()
    assert rows == [("T222", "C111", "2026-W49", "posted")]
    assert post.params["channel"] == "C111"


def test_dst_change_neither_shifts_nor_duplicates(fake_slack: FakeSlack, store: Store):
    fake = fake_slack
    fake.set_user("U111", tz="America/New_York")
    client = WebClient(token="xoxb-test", base_url=fake.base_url)
    with time_machine.travel(utc(2026, 10, 21, 12), tick=False):  # EDT
        handle_subscription_command(
            store, client, enterprise_id=None, team_id="T111", channel_id="C111", user_id="U111",
            intent="subscribe", args="weekly monday 9:00 pytorch",
        )  # fmt: skip
    posted_at = []
    now = utc(2026, 10, 25, 0)
    while now < utc(2026, 11, 11):  # across the 1 Nov fall-back, polling every 20 minutes
        if run(store, fake, now).posted:
            posted_at.append(now)
        now += timedelta(minutes=20)
    # 09:00 local every Monday: 13:00 UTC in EDT, 14:00 UTC in EST.
    assert posted_at == [utc(2026, 10, 26, 13), utc(2026, 11, 2, 14), utc(2026, 11, 9, 14)]
    keys = [r[0] for r in store.db.execute("SELECT period_key FROM digest_posts ORDER BY period_key")]
    assert keys == ["2026-W44", "2026-W45", "2026-W46"]


def test_daily_digest_in_repeated_fall_back_hour_posts_once(fake_slack: FakeSlack, store: Store):
    fake = fake_slack
    fake.set_user("U111", tz="America/New_York")
    client = WebClient(token="xoxb-test", base_url=fake.base_url)
    with time_machine.travel(utc(2026, 10, 31, 12), tick=False):
        handle_subscription_command(
            store, client, enterprise_id=None, team_id="T111", channel_id="C111", user_id="U111",
            intent="subscribe", args="daily 1:30am jax",
        )  # fmt: skip
    now = utc(2026, 10, 31, 12)
    while now < utc(2026, 11, 1, 12):
        run(store, fake, now)
        now += timedelta(minutes=10)
    [post] = digest_posts(fake)  # 01:30 happened twice that night, the digest once
    assert "Sun 1 Nov 2026" in post.params["text"]


# -- exactly once under concurrency -------------------------------------------------------------------
def subscribe_direct(store: Store, fake: FakeSlack, args: str = "pytorch", *, at: datetime = SUBSCRIBED_AT, **kw):
    fake.set_user(kw.get("user_id", "U111"), tz="America/New_York")
    client = WebClient(token="xoxb-test", base_url=fake.base_url)
    fields = {"enterprise_id": None, "team_id": "T111", "channel_id": "C111", "user_id": "U111"} | kw
    return handle_subscription_command(store, client, intent="subscribe", args=args, now=at, **fields)


def test_overlapping_runs_post_once(fake_slack: FakeSlack, store: Store):
    add_series(store)
    subscribe_direct(store, fake_slack, "pytorch tensorflow")
    for n in range(2, 6):
        subscribe_direct(store, fake_slack, "jax", channel_id=f"C11{n}")
    barrier = threading.Barrier(2)
    reports = []

    def worker():
        barrier.wait()
        reports.append(run(store, fake_slack, DUE))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    channels = sorted(c.params["channel"] for c in digest_posts(fake_slack))
    assert channels == ["C111", "C112", "C113", "C114", "C115"]
    assert sum(len(r.posted) for r in reports) == 5


def test_claim_is_exclusive_even_without_the_lock(store: Store):
    key = ("", "T111", "C111")
    assert claim(store, key, "2026-W49", "run-a", SUBSCRIBED_AT)
    assert not claim(store, key, "2026-W49", "run-b", SUBSCRIBED_AT)
    # A claim abandoned before anything was sent is taken over once its lease is over…
    assert claim(store, key, "2026-W49", "run-b", SUBSCRIBED_AT + timedelta(minutes=11))
    # …but a row marked sending never is: it may have reached Slack.
    store.db.execute("UPDATE digest_posts SET status = 'sending'")
    assert not claim(store, key, "2026-W49", "run-c", SUBSCRIBED_AT + timedelta(hours=1))


def test_a_dry_run_leaves_a_digest_stopped_mid_post_as_it_was_and_a_real_run_marks_it_in_doubt(
    fake_slack: FakeSlack, store: Store
):
    subscribe_direct(store, fake_slack)
    assert claim(store, ("", "T111", "C111"), "2026-W49", "stopped-run", DUE)
    store.db.execute("UPDATE digest_posts SET status = 'sending'")
    out = io.StringIO()
    assert run_digests(store, DUE, dry_run=True, out=out).outcomes == []
    assert store.db.execute("SELECT status FROM digest_posts").fetchall() == [("sending",)]  # dry runs write nothing
    assert run(store, fake_slack, DUE).posted == []
    assert store.db.execute("SELECT status FROM digest_posts").fetchall() == [("in_doubt",)]
    assert digest_posts(fake_slack) == []


def test_lock_held_by_another_scheduler_posts_nothing(fake_slack: FakeSlack, store: Store):
    subscribe_direct(store, fake_slack)
    later = (datetime.now(UTC) + timedelta(minutes=5)).isoformat()
    store.db.execute("INSERT INTO scheduler_lock (name, owner, expires_at) VALUES ('digest', 'clock', ?)", [later])
    report = run(store, fake_slack, DUE)
    assert report.locked_out and digest_posts(fake_slack) == []
    store.db.execute(
        "UPDATE scheduler_lock SET expires_at = ?", [(datetime.now(UTC) - timedelta(seconds=1)).isoformat()]
    )
    assert len(run(store, fake_slack, DUE).posted) == 1  # an expired lease is taken over


# -- late and missed ----------------------------------------------------------------------------------
def test_missed_by_23_hours_posts_late(fake_slack: FakeSlack, store: Store):
    subscribe_direct(store, fake_slack)
    assert len(run(store, fake_slack, DUE + timedelta(hours=23)).posted) == 1


def test_missed_by_25_hours_is_skipped_with_a_log_line(
    fake_slack: FakeSlack, store: Store, caplog: pytest.LogCaptureFixture
):
    subscribe_direct(store, fake_slack)
    with caplog.at_level(logging.WARNING, logger="fwtrend.digest"):
        report = run(store, fake_slack, DUE + timedelta(hours=25))
        run(store, fake_slack, DUE + timedelta(hours=25, minutes=5))
    assert digest_posts(fake_slack) == []
    assert [o.status for o in report.outcomes] == ["skipped"]
    skipped = [r.getMessage() for r in caplog.records if "skipped digest" in r.getMessage()]
    assert len(skipped) == 1 and "-/T111/C111 2026-W49" in skipped[0] and "missed by 25 h" in skipped[0]


# -- Slack errors ------------------------------------------------------------------------------------
@pytest.mark.parametrize("setup", ["archived", "private_not_member"])
def test_unpostable_channel_pauses_and_tells_the_subscriber(fake_slack: FakeSlack, store: Store, setup: str):
    subscribe_direct(store, fake_slack, user_id="U222")
    if setup == "archived":
        fake_slack.set_channel("C111", is_archived=True)
        error = "is_archived"
    else:
        fake_slack.set_channel("C111", is_private=True, is_member=False)
        error = "channel_not_found"  # what Slack says of a private channel the bot can't see
    report = run(store, fake_slack, DUE)
    assert [(o.status, o.error) for o in report.outcomes] == [("paused", error)]
    sub = get_subscription(store, None, "T111", "C111")
    assert sub.paused and sub.paused_reason.startswith(error)
    [dm] = [c for c in fake_slack.calls("chat.postMessage") if c.params["channel"] == "U222"]
    assert "paused" in dm.params["text"] and "<#C111>" in dm.params["text"] and error in dm.params["text"]
    # Paused: next week nothing is tried; the listing says why.
    attempts = len(fake_slack.calls("chat.postMessage"))
    run(store, fake_slack, DUE + timedelta(weeks=1))
    assert len(fake_slack.calls("chat.postMessage")) == attempts
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url)
    listing = handle_subscription_command(
        store, client, enterprise_id=None, team_id="T111", channel_id="C111", user_id="U222",
        intent="subscriptions", args="", now=DUE,
    )  # fmt: skip
    assert "*paused*" in listing["text"]
    # Subscribing again resumes it from the next slot.
    fake_slack.set_channel("C111")
    reply = subscribe_direct(store, fake_slack, user_id="U222", at=DUE + timedelta(weeks=1, hours=1))
    assert reply["text"].startswith("Resumed")
    assert len(run(store, fake_slack, DUE + timedelta(weeks=2)).posted) == 1


def test_a_public_channel_the_bot_left_is_joined_and_gets_its_digest(fake_slack: FakeSlack, store: Store):
    subscribe_direct(store, fake_slack, user_id="U222")
    fake_slack.set_channel("C111", is_member=False)
    report = run(store, fake_slack, DUE)
    assert [o.status for o in report.outcomes] == ["posted"]
    assert [c.params["channel"] for c in fake_slack.calls("conversations.join")] == ["C111"]
    assert not get_subscription(store, None, "T111", "C111").paused


def test_a_channel_the_bot_left_and_may_not_join_pauses_the_digest_on_the_posts_own_error(
    fake_slack: FakeSlack, store: Store
):
    # Answers and digests share one delivery module; a digest pauses on why the POST failed (not_in_channel),
    # not on why the join did, so the subscriber is told to invite the app.
    subscribe_direct(store, fake_slack, user_id="U222")
    fake_slack.set_channel("C111", is_member=False)
    fake_slack.fail("conversations.join", "missing_scope")
    report = run(store, fake_slack, DUE)
    assert [(o.status, o.error) for o in report.outcomes] == [("paused", "not_in_channel")]
    assert get_subscription(store, None, "T111", "C111").paused_reason.startswith("not_in_channel")
    [dm] = [c for c in fake_slack.calls("chat.postMessage") if c.params["channel"] == "U222"]
    assert "/invite @fwtrend" in dm.params["text"]


def test_other_errors_retry_within_the_late_window(fake_slack: FakeSlack, store: Store):
    subscribe_direct(store, fake_slack)
    fake_slack.fail("chat.postMessage", "internal_error")
    first = run(store, fake_slack, DUE)
    assert [(o.status, o.error) for o in first.outcomes] == [("failed", "internal_error")]
    assert get_subscription(store, None, "T111", "C111").paused is False
    assert len(run(store, fake_slack, DUE + timedelta(minutes=5)).posted) == 1


def test_rate_limit_waits_retry_after(fake_slack: FakeSlack, store: Store):
    subscribe_direct(store, fake_slack)
    fake_slack.fail("chat.postMessage", "ratelimited", headers={"Retry-After": "0"})
    slept: list[float] = []
    clock = iter(range(1000))
    report = run(store, fake_slack, DUE, sleep=slept.append, monotonic=lambda: float(next(clock)))
    assert len(report.posted) == 1
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_posts_to_one_workspace_are_paced(fake_slack: FakeSlack, store: Store):
    for n in range(3):
        subscribe_direct(store, fake_slack, channel_id=f"C30{n}")
    slept: list[float] = []
    report = run_digests(
        store, DUE, client_for_team=client_for(fake_slack), sleep=slept.append, monotonic=lambda: 0.0,
        post_interval=1.0,
    )  # fmt: skip
    assert len(report.posted) == 3
    assert slept == [1.0, 1.0]  # the clock never moves here, so each later post waits a full interval


# -- defaults, CLI ------------------------------------------------------------------------------------
def test_default_frameworks_are_the_most_asked(fake_slack: FakeSlack, store: Store):
    for _ in range(3):
        record_asked(store, "T111", ["keras", "jax"])
    record_asked(store, "T111", ["pytorch"])
    record_asked(store, "T999", ["onnx"] * 1)
    reply = subscribe_direct(store, fake_slack, "")
    assert "about JAX, Keras, PyTorch (the frameworks this workspace asks about most)" in reply["text"]
    fresh = subscribe_direct(store, fake_slack, "", team_id="T333")
    assert "PyTorch, TensorFlow, JAX (a default set" in fresh["text"]


def test_bad_arguments_save_nothing(fake_slack: FakeSlack, store: Store):
    reply = subscribe_direct(store, fake_slack, "weekly pytroch")
    assert reply["text"].startswith("Not subscribed") and "did you mean PyTorch" in reply["text"]
    assert list_subscriptions(store) == []


def test_dry_run_prints_the_digest_and_needs_no_token(store: Store, tmp_path: Path, fake_slack: FakeSlack):
    add_series(store)
    subscribe_direct(store, fake_slack, "pytorch tensorflow")
    out = io.StringIO()
    assert main(["--dry-run", "--now", DUE.isoformat(), "--db", str(tmp_path / "digest.db")], out=out) == 0
    text = out.getvalue()
    assert "── -/T111/C111 · 2026-W49 · due Mon 30 Nov 2026 09:00 America/New_York" in text
    assert "Weekly trend: PyTorch, TensorFlow — week to Mon 30 Nov 2026" in text
    assert "GitHub stars gained: PyTorch +300 (+200% vs last week, +200% vs 4-week avg)" in text
    assert "TensorFlow passed 100k GitHub stars" in text
    assert digest_posts(fake_slack) == []
    assert store.db.execute("SELECT COUNT(*) FROM digest_posts").fetchone()[0] == 0


def test_missing_token_is_one_line_exit_2(capsys: pytest.CaptureFixture, tmp_path: Path):
    assert main(["--now", DUE.isoformat(), "--db", str(tmp_path / "x.db")]) == 2
    err = capsys.readouterr().err
    assert err.strip() == "fwtrend: missing setting SLACK_BOT_TOKEN (set it in the environment or .env)"
    assert main(["--now", "next tuesday"]) == 2
