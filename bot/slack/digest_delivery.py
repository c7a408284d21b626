"""`fwtrend digest`: post every due digest exactly once, and the clock job that runs it.

Exactly once, step by step:
1. One scheduler at a time: a lease in `scheduler_lock`, renewed as the run goes, released at the end.
   A crashed holder's lease simply runs out.
2. Each (channel, period) is claimed by inserting its `digest_posts` row before anything is sent, so
   even two runs that both hold a lease (one whose lease ran out mid-run) cannot both post it.
3. The row is marked `sending` just before chat.postMessage and `posted` with the message ts after.
   A row left `claimed` by a crash (nothing sent yet) is taken over once its lease is over; a row
   left `sending` may or may not have reached Slack, so it is never sent again (at most once).
4. Slack errors that mean "this channel can't take posts" pause the subscription and tell whoever
   subscribed; any other error marks the row `failed`, retried on later runs within the late window.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.digest.compose import compose
from bot.digest.render import chart_alt, chart_title, render_blocks, render_chart, render_text
from bot.digest.schedule import Decision, decide
from bot.digest.subscriptions import Subscription, list_subscriptions, pause_subscription, plain_date
from bot.slack.delivery import error_code, retry_after, show_chart_inline
from bot.store.connection import Store

if TYPE_CHECKING:
    from bot.settings import Settings

log = logging.getLogger("fwtrend.digest")

LOCK_NAME = "digest"
LEASE = timedelta(minutes=10)
PAUSE_ERRORS = {
    "channel_not_found": "the channel is gone or private without me in it",
    "not_in_channel": "I'm not a member of the channel",
    "is_archived": "the channel is archived",
    "account_inactive": "the app's Slack account is deactivated",
    "token_revoked": "the app was uninstalled from the workspace",
    "invalid_auth": "the app's token is no longer valid",
}
POST_INTERVAL = 1.0
"""Seconds between posts to one workspace: chat.postMessage allows about one a second."""
MAX_RATE_LIMIT_RETRIES = 3
MAX_RETRY_AFTER = 120.0

ClientForTeam = Callable[[str | None, str], WebClient]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Outcome:
    channel: tuple[str, str, str]
    period_key: str
    status: str
    """posted, skipped, paused, failed, printed."""
    message_ts: str | None = None
    error: str | None = None


@dataclass
class DigestReport:
    outcomes: list[Outcome] = field(default_factory=list)
    locked_out: bool = False
    """Another scheduler held the lock, so this run did nothing."""

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def posted(self) -> list[Outcome]:
        return self.with_status("posted")


# -- the lock -----------------------------------------------------------------------------------------
class SchedulerLock:
    """A lease in the store: whoever holds an unexpired row is the only scheduler that posts."""

    def __init__(self, store: Store, owner: str, *, lease: timedelta = LEASE, clock: Clock = _utcnow):
        self.store, self.owner, self.lease, self.clock = store, owner, lease, clock

    def acquire(self) -> bool:
        """Take or renew the lease; False while someone else holds an unexpired one."""
        now = self.clock()
        with self.store.transaction() as conn:
            row = conn.execute("SELECT owner, expires_at FROM scheduler_lock WHERE name = ?", [LOCK_NAME]).fetchone()
            if row and row[0] != self.owner and datetime.fromisoformat(row[1]) > now:
                return False
            conn.execute(
                "INSERT INTO scheduler_lock (name, owner, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at",
                [LOCK_NAME, self.owner, (now + self.lease).isoformat()],
            )
        return True

    renew = acquire

    def release(self) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM scheduler_lock WHERE name = ? AND owner = ?", [LOCK_NAME, self.owner])

    def holder(self) -> tuple[str, str] | None:
        sql = "SELECT owner, expires_at FROM scheduler_lock WHERE name = ?"
        row = self.store.db.execute(sql, [LOCK_NAME]).fetchone()
        return (row[0], row[1]) if row else None


# -- digest_posts rows --------------------------------------------------------------------------------
def _post_row(store: Store, key: tuple[str, str, str], period_key: str) -> dict[str, Any] | None:
    rows = list(
        store.db.query(
            "SELECT * FROM digest_posts WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND period_key = ?",
            [*key, period_key],
        )
    )
    return rows[0] if rows else None


def claim(store: Store, key: tuple[str, str, str], period_key: str, owner: str, now: datetime) -> bool:
    """Own this (channel, period) or learn that someone else does / did. Atomic under BEGIN IMMEDIATE."""
    stale_before = (now - LEASE).isoformat()
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO digest_posts (enterprise_id, team_id, channel_id, period_key, status, claimed_by, claimed_at, "
            "attempts) VALUES (?, ?, ?, ?, 'claimed', ?, ?, 1) ON CONFLICT DO NOTHING",
            [*key, period_key, owner, now.isoformat()],
        )
        if cur.rowcount == 1:
            return True
        cur = conn.execute(
            "UPDATE digest_posts SET status = 'claimed', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND period_key = ? "
            "AND (status = 'failed' OR (status = 'claimed' AND claimed_at < ?))",
            [owner, now.isoformat(), *key, period_key, stale_before],
        )
        return cur.rowcount == 1


def _mark(store: Store, key: tuple[str, str, str], period_key: str, owner: str | None, **values: Any) -> None:
    sets = ", ".join(f"{k} = ?" for k in values)
    sql = (
        f"UPDATE digest_posts SET {sets} WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND period_key = ?"
    )
    args = [*values.values(), *key, period_key]
    if owner is not None:
        sql += " AND claimed_by = ?"
        args.append(owner)
    with store.transaction() as conn:
        conn.execute(sql, args)


def record_skip(store: Store, key: tuple[str, str, str], period_key: str, reason: str, now: datetime) -> bool:
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO digest_posts (enterprise_id, team_id, channel_id, period_key, status, claimed_at, error) "
            "VALUES (?, ?, ?, ?, 'skipped', ?, ?) ON CONFLICT DO NOTHING",
            [*key, period_key, now.isoformat(), reason],
        )
    return cur.rowcount == 1


# -- Slack calls --------------------------------------------------------------------------------------
def _retry_after(exc: SlackApiError) -> float | None:
    """Seconds to wait on a rate limit (Slack's Retry-After, capped), or None for any other error."""
    if exc.response is None or (exc.response.status_code != 429 and exc.response.get("error") != "ratelimited"):
        return None
    wait = retry_after(exc)
    return 1.0 if wait is None else min(MAX_RETRY_AFTER, max(0.0, float(wait)))


class Pacer:
    """Keeps posts to each workspace POST_INTERVAL apart, and waits out Retry-After for all of that
    workspace's channels (Slack's limits are per workspace and method)."""

    def __init__(self, interval: float, sleep: Callable[[float], None], monotonic: Callable[[], float]):
        self.interval, self.sleep, self.monotonic = interval, sleep, monotonic
        self.next_ok: dict[str, float] = {}

    def wait(self, team: str) -> None:
        delay = self.next_ok.get(team, 0.0) - self.monotonic()
        if delay > 0:
            self.sleep(delay)

    def done(self, team: str, extra: float = 0.0) -> None:
        self.next_ok[team] = self.monotonic() + max(self.interval, extra)

    def call(self, team: str, fn: Callable[[], Any]) -> Any:
        for attempt in range(MAX_RATE_LIMIT_RETRIES + 1):
            self.wait(team)
            try:
                result = fn()
                self.done(team)
                return result
            except SlackApiError as exc:
                retry_after = _retry_after(exc)
                if retry_after is None or attempt == MAX_RATE_LIMIT_RETRIES:
                    raise
                log.info("rate limited by Slack in %s; waiting %.0f s", team, retry_after)
                self.done(team, retry_after)
        raise AssertionError("unreachable")


def notify_paused(client: WebClient, sub: Subscription, error: str, pacer: Pacer) -> None:
    """Tell the subscriber in a DM: the channel itself is what just refused us."""
    reason = PAUSE_ERRORS.get(error, error)
    text = (
        f"I paused the fwtrend digest for <#{sub.channel_id}>: Slack said `{error}` ({reason}). "
        "Fix that (for example invite me with `/invite @fwtrend`), then run `/fwtrend subscribe` in the channel "
        "to resume it."
    )
    try:
        pacer.call(sub.team_id, lambda: client.chat_postMessage(channel=sub.created_by, text=text))
    except (SlackApiError, SlackRequestError) as exc:
        log.warning(
            "could not tell %s that the digest for %s was paused: %s", sub.created_by, sub.channel_id, error_code(exc)
        )


# -- the run ------------------------------------------------------------------------------------------
def _where(sub: Subscription) -> str:
    return f"{sub.enterprise_id or '-'}/{sub.team_id}/{sub.channel_id}"


def run_digests(
    store: Store,
    now: datetime,
    *,
    client_for_team: ClientForTeam | None = None,
    dry_run: bool = False,
    out: TextIO = sys.stdout,
    owner: str | None = None,
    clock: Clock = _utcnow,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    post_interval: float = POST_INTERVAL,
) -> DigestReport:
    """Post (or with dry_run, print) every digest due at `now` that was not posted yet.

    `clock` is the real time, for leases and claims; `now` decides what is due (it differs from the
    clock only for `--now`). Dry runs write nothing and need no client.
    """
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = DigestReport()
    owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    if dry_run:
        for sub in list_subscriptions(store, include_paused=False):
            for decision in _open_decisions(store, sub, now):
                _print(store, sub, decision, out, report)
        if not report.outcomes:
            print(f"No digest is due at {now.isoformat()}.", file=out)
        return report
    if client_for_team is None:
        raise ValueError("client_for_team is needed to post")
    lock = SchedulerLock(store, owner, clock=clock)
    if not lock.acquire():
        holder = lock.holder()
        log.info("another scheduler holds the digest lock (%s until %s); not posting", *(holder or ("?", "?")))
        report.locked_out = True
        return report
    pacer = Pacer(post_interval, sleep, monotonic)
    try:
        for sub in list_subscriptions(store, include_paused=False):
            for decision in _open_decisions(store, sub, now):
                if not lock.renew():
                    log.warning("lost the digest lock mid-run; stopping")
                    return report
                if decision.action == "skip":
                    _skip(store, sub, decision, clock(), report)
                else:
                    _post(store, sub, decision, owner, client_for_team, pacer, clock, report)
                if get_paused(store, sub):
                    break
    finally:
        lock.release()
    return report


def get_paused(store: Store, sub: Subscription) -> bool:
    row = store.db.execute(
        "SELECT paused FROM subscriptions WHERE enterprise_id = ? AND team_id = ? AND channel_id = ?", list(sub.key)
    ).fetchone()
    return bool(row is None or row[0])


def _open_decisions(store: Store, sub: Subscription, now: datetime) -> list[Decision]:
    """Due or overdue slots with no record yet (or a retryable one)."""
    out = []
    for decision in decide(sub.schedule, now, active_from=sub.active_from):
        row = _post_row(store, sub.key, decision.slot.key)
        if row is None or (row["status"] in ("failed", "claimed") and decision.action == "post"):
            out.append(decision)
        elif row["status"] == "failed" and decision.action == "skip":
            # Retried until the late window closed: record the give-up, once, with a log line.
            log.warning("gave up on digest for %s %s: %s", _where(sub), decision.slot.key, row["error"])
            _mark(store, sub.key, decision.slot.key, None, status="skipped")
        elif row["status"] == "sending":
            # A run stopped between sending and recording: the post may exist, so never send again.
            log.warning(
                "digest for %s %s may or may not have been posted (a run stopped mid-post); not posting it again",
                _where(sub),
                decision.slot.key,
            )
            _mark(store, sub.key, decision.slot.key, None, status="in_doubt")
    return out


def _print(store: Store, sub: Subscription, decision: Decision, out: TextIO, report: DigestReport) -> None:
    tz = sub.schedule.tz
    due = plain_date(decision.slot.at, tz)
    if decision.action == "skip":
        late = _hours(decision.late_by)
        print(f"── {_where(sub)} · {decision.slot.key}: would skip (due {due}, {late} late)", file=out)
        report.outcomes.append(Outcome(sub.key, decision.slot.key, "skipped"))
        return
    digest = compose(store, sub.frameworks, sub.schedule.cadence, decision.slot.local_date)
    print(f"── {_where(sub)} · {decision.slot.key} · due {due}", file=out)
    out.write(render_text(digest))
    print(file=out)
    report.outcomes.append(Outcome(sub.key, decision.slot.key, "printed"))


def _hours(delta: timedelta) -> str:
    return f"{delta.total_seconds() / 3600:.0f} h"


def _skip(store: Store, sub: Subscription, decision: Decision, now: datetime, report: DigestReport) -> None:
    reason = f"missed by {_hours(decision.late_by)}, more than the 24 h late window"
    if record_skip(store, sub.key, decision.slot.key, reason, now):
        log.warning(
            "skipped digest for %s %s (due %s): %s",
            _where(sub),
            decision.slot.key,
            decision.slot.at.isoformat(),
            reason,
        )
        report.outcomes.append(Outcome(sub.key, decision.slot.key, "skipped", error=reason))


def _post(
    store: Store,
    sub: Subscription,
    decision: Decision,
    owner: str,
    client_for_team: ClientForTeam,
    pacer: Pacer,
    clock: Clock,
    report: DigestReport,
) -> None:
    period = decision.slot.key
    if not claim(store, sub.key, period, owner, clock()):
        return  # another run has it, or had it
    try:
        client = client_for_team(sub.enterprise_id or None, sub.team_id)
        digest = compose(store, sub.frameworks, sub.schedule.cadence, decision.slot.local_date)
        payload = render_blocks(digest)
        png = render_chart(digest)
    except Exception as exc:  # nothing was sent: leave it retryable and keep going with other channels
        log.exception("could not prepare the digest for %s %s", _where(sub), period)
        _mark(store, sub.key, period, owner, status="failed", error=type(exc).__name__)
        report.outcomes.append(Outcome(sub.key, period, "failed", error=type(exc).__name__))
        return
    _mark(store, sub.key, period, owner, status="sending")
    try:
        response = pacer.call(sub.team_id, lambda: _post_joining(client, sub.channel_id, payload))
    except (SlackApiError, SlackRequestError) as exc:
        code = error_code(exc)
        if code in PAUSE_ERRORS:
            pause_subscription(store, sub.key, f"{code}: {PAUSE_ERRORS[code]}")
            _mark(store, sub.key, period, owner, status="paused", error=code)
            log.warning("paused the digest for %s: Slack said %s", _where(sub), code)
            if code != "account_inactive":
                notify_paused(client, sub, code, pacer)
            report.outcomes.append(Outcome(sub.key, period, "paused", error=code))
        else:
            _mark(store, sub.key, period, owner, status="failed", error=code)
            log.warning("digest for %s %s failed (%s); will retry within the late window", _where(sub), period, code)
            report.outcomes.append(Outcome(sub.key, period, "failed", error=code))
        return
    ts = str(response["ts"])
    _mark(store, sub.key, period, owner, status="posted", message_ts=ts, posted_at=clock().isoformat())
    log.info("posted digest to %s for %s (ts %s)", _where(sub), period, ts)
    report.outcomes.append(Outcome(sub.key, period, "posted", message_ts=ts))
    if png is not None:
        _upload_chart(client, sub, digest, png, ts, pacer, payload)


def _post_joining(client: WebClient, channel: str, payload: dict[str, Any]) -> Any:
    """Post the digest; in a public channel the bot has left (or was never in), join it and post again,
    as answers do (channels:join). A private channel still answers not_in_channel/channel_not_found."""
    try:
        return client.chat_postMessage(channel=channel, **payload)
    except SlackApiError as exc:
        if error_code(exc) != "not_in_channel":
            raise
        try:
            client.conversations_join(channel=channel)
        except SlackApiError:
            raise exc from None  # the post's own error says why the digest can't go there
        return client.chat_postMessage(channel=channel, **payload)


def _upload_chart(
    client: WebClient, sub: Subscription, digest: Any, png: bytes, ts: str, pacer: Pacer, payload: dict[str, Any]
) -> None:
    """The chart into the digest's thread, then shown inside the digest, as answers do.

    A failure costs the chart (or leaves it in the thread), never the digest."""
    try:
        uploaded = pacer.call(
            sub.team_id,
            lambda: client.files_upload_v2(
                content=png,
                filename="fwtrend-digest.png",
                title=chart_title(digest),
                alt_txt=chart_alt(digest),
                channel=sub.channel_id,
                thread_ts=ts,
            ),
        )
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log.warning("digest chart upload failed for %s: %s", _where(sub), error_code(exc))
        return
    file_id = str(uploaded["file"]["id"])
    pacer.call(
        sub.team_id,
        lambda: show_chart_inline(client, sub.channel_id, ts, payload, file_id, chart_title(digest), sleep=pacer.sleep),
    )


# -- entry points -------------------------------------------------------------------------------------
def settings_client_for_team(settings: Settings | None = None) -> ClientForTeam:
    """The Web API client for each subscribed team, at SLACK_API_URL.

    One workspace (SLACK_BOT_TOKEN): the same client for every team. Many workspaces (the OAuth
    settings, `bot.slack.oauth`): each team's own bot token from the installation store; a team with no
    installation raises `bot.slack.oauth.NotInstalled`, which run_digests records as that digest failing.
    Raises MissingSetting (one line, exit 2) when neither is configured."""
    from bot.settings import get_settings, require
    from bot.slack import oauth
    from bot.slack.delivery import slack_client

    settings = settings or get_settings()
    if oauth.wants_oauth(settings):
        oauth.require_oauth(settings)
        return oauth.installed_client_for_team(settings, lambda token: _client_with_token(settings, token))
    require(settings, "slack_bot_token")
    client = slack_client(settings)
    return lambda _enterprise_id, _team_id: client


def _client_with_token(settings: Settings, token: str) -> WebClient:
    """slack_client(settings) (base URL, retries) with a workspace's own token."""
    from bot.slack.delivery import slack_client

    client = slack_client(settings)
    client.token = token
    return client


def clock_job(store: Store, now: datetime) -> DigestReport | None:
    """For the clock process (`bot.clock`), every few minutes.

    Without a bot token it logs one line and does nothing, so the refresh keeps running."""
    from bot.settings import MissingSetting

    try:
        client_for_team = settings_client_for_team()
    except MissingSetting as exc:
        log.warning("digests not posted: %s", str(exc.code).removeprefix("fwtrend: "))
        return None
    return run_digests(store, now, client_for_team=client_for_team)


def start_in_process(
    store: Store,
    client_for_team: ClientForTeam,
    *,
    interval: timedelta = timedelta(minutes=5),
    stop: threading.Event | None = None,
) -> tuple[threading.Thread, threading.Event]:
    """Run digests every `interval` on a daemon thread (for `fwtrend serve`). Safe next to a clock
    process: the store lock lets only one of them post. Returns the thread and the event that stops it."""
    stop = stop or threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                run_digests(store, _utcnow(), client_for_team=client_for_team)
            except Exception:  # a bad run must not end the loop: the next one may succeed
                log.exception("digest run failed")
            stop.wait(interval.total_seconds())

    thread = threading.Thread(target=loop, name="fwtrend-digests", daemon=True)
    thread.start()
    return thread, stop
