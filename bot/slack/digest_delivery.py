"""Posting every due digest exactly once: the run, and the clock job and in-process loop that start it.

The lease and the ledger are `bot.store.digests`; Slack calls go through `bot.slack.delivery` (the same
post, join, upload and embed as answers) paced per workspace by `bot.slack.pacing`. The command line
(`fwtrend digest`) is `bot.cli.digest`.

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
from typing import Any, TextIO

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.digest.compose import Digest, compose
from bot.digest.render import chart_alt, chart_title, render_chart, render_text
from bot.digest.schedule import Decision, decide
from bot.digest.subscriptions import Subscription, is_paused, list_subscriptions, pause_subscription, plain_date
from bot.settings import MissingSetting
from bot.slack.blocks.digest import render_blocks
from bot.slack.clients import ClientForTeam, settings_client_for_team
from bot.slack.delivery import Where, post_joining, show_chart_inline, upload_png
from bot.slack.errors import error_code
from bot.slack.pacing import POST_INTERVAL, Pacer
from bot.store.connection import Store
from bot.store.digests import Clock, SchedulerLock, claim, mark, post_row, record_skip
from bot.store.watch_list import watched

log = logging.getLogger("fwtrend.digest")

PAUSE_ERRORS = {
    "channel_not_found": "the channel is gone or private without me in it",
    "not_in_channel": "I'm not a member of the channel",
    "is_archived": "the channel is archived",
    "account_inactive": "the app's Slack account is deactivated",
    "token_revoked": "the app was uninstalled from the workspace",
    "invalid_auth": "the app's token is no longer valid",
}


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
            for decision in _open_decisions(store, sub, now, dry_run=True):
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
                if is_paused(store, sub.key):
                    break
    finally:
        lock.release()
    return report


def _open_decisions(store: Store, sub: Subscription, now: datetime, *, dry_run: bool = False) -> list[Decision]:
    """Due or overdue slots with no record yet (or a retryable one). A posting run also records what it gives
    up on (`skipped`, `in_doubt`); a dry run writes nothing."""
    out = []
    for decision in decide(sub.schedule, now, active_from=sub.active_from):
        row = post_row(store, sub.key, decision.slot.key)
        if row is None or (row["status"] in ("failed", "claimed") and decision.action == "post"):
            out.append(decision)
        elif dry_run:
            continue
        elif row["status"] == "failed" and decision.action == "skip":
            # Retried until the late window closed: record the give-up, once, with a log line.
            log.warning("gave up on digest for %s %s: %s", _where(sub), decision.slot.key, row["error"])
            mark(store, sub.key, decision.slot.key, None, status="skipped")
        elif row["status"] == "sending":
            # A run stopped between sending and recording: the post may exist, so never send again.
            log.warning(
                "digest for %s %s may or may not have been posted (a run stopped mid-post); not posting it again",
                _where(sub),
                decision.slot.key,
            )
            mark(store, sub.key, decision.slot.key, None, status="in_doubt")
    return out


def _print(store: Store, sub: Subscription, decision: Decision, out: TextIO, report: DigestReport) -> None:
    tz = sub.schedule.tz
    due = plain_date(decision.slot.at, tz)
    if decision.action == "skip":
        late = _hours(decision.late_by)
        print(f"── {_where(sub)} · {decision.slot.key}: would skip (due {due}, {late} late)", file=out)
        report.outcomes.append(Outcome(sub.key, decision.slot.key, "skipped"))
        return
    digest = _compose(store, sub, decision)
    print(f"── {_where(sub)} · {decision.slot.key} · due {due}", file=out)
    out.write(render_text(digest))
    print(file=out)
    report.outcomes.append(Outcome(sub.key, decision.slot.key, "printed"))


def _compose(store: Store, sub: Subscription, decision: Decision) -> Digest:
    """The subscription's digest for this slot, naming its workspace's tracked projects."""
    tracked = [w.project for w in watched(store, sub.team_id)]
    return compose(store, sub.frameworks, sub.schedule.cadence, decision.slot.local_date, tracked=tracked)


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
        digest = _compose(store, sub, decision)
        payload = render_blocks(digest)
        png = render_chart(digest)
    except Exception as exc:  # nothing was sent: leave it retryable and keep going with other channels
        log.exception("could not prepare the digest for %s %s", _where(sub), period)
        mark(store, sub.key, period, owner, status="failed", error=type(exc).__name__)
        report.outcomes.append(Outcome(sub.key, period, "failed", error=type(exc).__name__))
        return
    mark(store, sub.key, period, owner, status="sending")
    try:
        where = Where(channel=sub.channel_id, user=sub.created_by)
        _, ts = pacer.call(sub.team_id, lambda: post_joining(client, where, payload, join_error_wins=False))
    except (SlackApiError, SlackRequestError) as exc:
        code = error_code(exc)
        if code in PAUSE_ERRORS:
            pause_subscription(store, sub.key, f"{code}: {PAUSE_ERRORS[code]}")
            mark(store, sub.key, period, owner, status="paused", error=code)
            log.warning("paused the digest for %s: Slack said %s", _where(sub), code)
            if code != "account_inactive":
                notify_paused(client, sub, code, pacer)
            report.outcomes.append(Outcome(sub.key, period, "paused", error=code))
        else:
            mark(store, sub.key, period, owner, status="failed", error=code)
            log.warning("digest for %s %s failed (%s); will retry within the late window", _where(sub), period, code)
            report.outcomes.append(Outcome(sub.key, period, "failed", error=code))
        return
    mark(store, sub.key, period, owner, status="posted", message_ts=ts, posted_at=clock().isoformat())
    log.info("posted digest to %s for %s (ts %s)", _where(sub), period, ts)
    report.outcomes.append(Outcome(sub.key, period, "posted", message_ts=ts))
    if png is not None:
        _upload_chart(client, sub, digest, png, ts, pacer, payload)


def _upload_chart(
    client: WebClient, sub: Subscription, digest: Digest, png: bytes, ts: str, pacer: Pacer, payload: dict[str, Any]
) -> None:
    """The chart into the digest's thread, then shown inside the digest, as answers do.

    A failure costs the chart (or leaves it in the thread), never the digest."""
    title = chart_title(digest)
    try:
        file_id = pacer.call(
            sub.team_id,
            lambda: upload_png(
                client,
                png,
                channel=sub.channel_id,
                thread_ts=ts,
                title=title,
                alt=chart_alt(digest),
                filename="fwtrend-digest.png",
            ),
        )
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log.warning("digest chart upload failed for %s: %s", _where(sub), error_code(exc))
        return
    pacer.call(
        sub.team_id,
        lambda: show_chart_inline(client, sub.channel_id, ts, payload, file_id, title, sleep=pacer.sleep),
    )


def clock_job(store: Store, now: datetime) -> DigestReport | None:
    """For the clock process (`bot.clock`), every few minutes.

    Without a bot token it logs one line and does nothing, so the refresh keeps running."""
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
