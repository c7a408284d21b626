"""Posting every met alert and milestone exactly once, per workspace with the installation's token.

What is met is `bot.alerts.check` (pure reading of the store); the ledger is `bot.store.alerts`. Exactly
once, as digests are (`bot.slack.digest_delivery`):
1. Each (channel, subject, crossing) is claimed by inserting its `alert_posts` row before anything is sent:
   of two runs racing (two `fwtrend alerts`, a refresh and the command), one claims and posts, the other
   skips it.
2. The row is marked `sending` just before chat.postMessage and `posted` with the message ts after. A row
   left `sending` by a crash may or may not have reached Slack: it is marked `in_doubt`, never sent again.
3. A Slack error marks the row `failed`, so the next run (the next refresh) tries again; a failure in one
   channel never stops the others.
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TextIO

from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.alerts.check import Met, met_alerts, met_milestones
from bot.settings import MissingSetting
from bot.slack.blocks.alerts import alert_message, mention
from bot.slack.clients import ClientForTeam, settings_client_for_team
from bot.slack.delivery import Where, post_joining
from bot.slack.errors import error_code
from bot.slack.pacing import POST_INTERVAL, Pacer
from bot.store.alerts import claim, has_alerts_or_subscriptions, mark, mark_in_doubt, post_row
from bot.store.connection import Store

log = logging.getLogger("fwtrend.alerts")

DONE = frozenset({"posted", "skipped", "in_doubt"})
"""Ledger states that are never posted again."""


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Outcome:
    channel: tuple[str, str, str]
    subject: str
    crossing: str
    status: str
    """posted, failed, printed."""
    message_ts: str | None = None
    error: str | None = None


@dataclass
class AlertReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def with_status(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]


def _where(met: Met) -> str:
    enterprise, team, channel = met.channel
    return f"{enterprise or '-'}/{team}/{channel}"


def open_crossings(store: Store, now: datetime, clock: Callable[[], datetime] = _utcnow) -> list[Met]:
    """What the figures meet as of `now` and the ledger has not posted (nor given up on). `clock`: the real
    time, to tell a run that stopped mid-post from one still posting."""
    out = []
    for met in [*met_alerts(store, now.date(), mention), *met_milestones(store, now.date())]:
        row = post_row(store, met.channel, met.subject, met.crossing)
        if row is None or row["status"] in ("failed", "claimed"):
            out.append(met)
        elif row["status"] == "sending" and mark_in_doubt(store, met.channel, met.subject, met.crossing, clock()):
            log.warning("alert %s %s for %s may or may not have been posted; not posting it again", *_key(met))
    return out


def _key(met: Met) -> tuple[str, str, str]:
    return met.subject, met.crossing, _where(met)


def run_alerts(
    store: Store,
    now: datetime,
    *,
    client_for_team: ClientForTeam | None = None,
    dry_run: bool = False,
    out: TextIO = sys.stdout,
    owner: str | None = None,
    clock: Callable[[], datetime] = _utcnow,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
    post_interval: float = POST_INTERVAL,
) -> AlertReport:
    """Post (or with dry_run, print) every alert and milestone met as of `now` and not posted yet.

    `now` decides which figures count (those dated up to its date); `clock` is the real time, for claims.
    A dry run writes nothing and needs no client."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    report = AlertReport()
    if dry_run:
        for met in [*met_alerts(store, now.date(), mention), *met_milestones(store, now.date())]:
            row = post_row(store, met.channel, met.subject, met.crossing)
            if row is not None and row["status"] not in ("failed", "claimed"):
                continue
            print(f"── {_where(met)} · {met.subject} · {met.crossing}", file=out)
            print(met.text, file=out)
            report.outcomes.append(Outcome(met.channel, met.subject, met.crossing, "printed"))
        if not report.outcomes:
            print(f"No alert or milestone to post as of {now.isoformat()}.", file=out)
        return report
    if client_for_team is None:
        raise ValueError("client_for_team is needed to post")
    owner = owner or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    pacer = Pacer(post_interval, sleep, monotonic)
    for met in open_crossings(store, now, clock):
        if claim(store, met.channel, met.subject, met.crossing, owner, clock()):
            report.outcomes.append(_post(store, met, owner, client_for_team, pacer, clock))
    return report


def _post(
    store: Store, met: Met, owner: str, client_for_team: ClientForTeam, pacer: Pacer, clock: Callable[[], datetime]
) -> Outcome:
    enterprise, team, channel = met.channel
    try:
        client = client_for_team(enterprise or None, team)
    except Exception as exc:  # no installation for this workspace any more: nothing was sent, retry later
        log.warning("no Slack client for %s (%s); alert %s %s not posted", _where(met), exc, met.subject, met.crossing)
        mark(store, met.channel, met.subject, met.crossing, owner, status="failed", error=type(exc).__name__)
        return Outcome(met.channel, met.subject, met.crossing, "failed", error=type(exc).__name__)
    mark(store, met.channel, met.subject, met.crossing, owner, status="sending")
    payload = alert_message(met.text)
    try:
        where = Where(channel=channel, user=met.created_by, team=team, enterprise=enterprise or None)
        _, ts = pacer.call(team, lambda: post_joining(client, where, payload, join_error_wins=False))
    except (SlackApiError, SlackRequestError) as exc:
        code = error_code(exc)
        log.warning("alert %s %s for %s failed (%s); the next run tries again", *_key(met), code)
        mark(store, met.channel, met.subject, met.crossing, owner, status="failed", error=code)
        return Outcome(met.channel, met.subject, met.crossing, "failed", error=code)
    mark(
        store,
        met.channel,
        met.subject,
        met.crossing,
        owner,
        status="posted",
        message_ts=ts,
        posted_at=clock().isoformat(),
    )
    log.info("posted %s %s to %s (ts %s)", met.subject, met.crossing, _where(met), ts)
    return Outcome(met.channel, met.subject, met.crossing, "posted", message_ts=ts)


def after_refresh(store: Store, now: datetime | None = None) -> AlertReport | None:
    """For the refresh job: post what its new figures met. Nothing to check (no alert, no subscription) or
    no bot token: returns None (the latter with one log line), so the refresh itself never fails for it."""
    if not has_alerts_or_subscriptions(store):
        return None
    try:
        client_for_team = settings_client_for_team()
    except MissingSetting as exc:
        log.warning("alerts not posted: %s", str(exc.code).removeprefix("fwtrend: "))
        return None
    return run_alerts(store, now or _utcnow(), client_for_team=client_for_team)
