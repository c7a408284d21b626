"""`fwtrend alerts [--dry-run] [--now ISO-8601]`: post (or print) every alert and milestone the stored figures
meet and that was not posted yet; `after_refresh`, the same check at the end of `fwtrend refresh` (and so of
the clock's daily refresh, which runs that command).

Calls `bot.slack.alert_delivery.run_alerts`. Exit 0 done, 1 some post failed (the next run retries it),
2 usage or settings. The Slack modules are imported inside the commands (start-up cost), and only when some
channel has an alert or a subscription.
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING, Any, TextIO

from bot.cli.digest import parse_now
from bot.settings import MissingSetting

if TYPE_CHECKING:
    from bot.store.connection import Store

log = logging.getLogger("fwtrend.alerts")


def cmd_alerts(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    from bot.ingest.seeded import open_seeded_store  # the store's libraries: only for this command
    from bot.slack.alert_delivery import run_alerts  # start-up cost, see the module docstring
    from bot.slack.clients import settings_client_for_team

    out = out or sys.stdout
    try:
        now = parse_now(args.now) if args.now else datetime.now(UTC)
    except ValueError:
        print(
            f"fwtrend alerts: --now must be ISO-8601, e.g. 2026-11-30T09:00:00+00:00 (got {args.now!r})",
            file=sys.stderr,
        )
        return 2
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    client_for_team = None
    if not args.dry_run:
        try:
            client_for_team = settings_client_for_team()
        except MissingSetting as exc:
            print(exc.code, file=sys.stderr)
            return 2
    store = open_seeded_store(args.db)
    report = run_alerts(store, now, client_for_team=client_for_team, dry_run=args.dry_run, out=out)
    if not args.dry_run:
        for o in report.outcomes:
            detail = f" (ts {o.message_ts})" if o.message_ts else f" ({o.error})" if o.error else ""
            print(f"{o.status}: {'/'.join(p or '-' for p in o.channel)} {o.subject} {o.crossing}{detail}", file=out)
        if not report.outcomes:
            print(f"No alert or milestone to post as of {now.isoformat()}.", file=out)
    return 1 if report.with_status("failed") else 0


def after_refresh(store: Store, today: date | None = None, *, quiet: bool = False) -> None:
    """Post what a refresh's new figures met (`today`: the refresh's own date, for replays). Never raises and
    never changes the refresh's exit code: a failure is one log line, and the next run tries again."""
    from bot.store.alerts import has_alerts_or_subscriptions

    try:
        if not has_alerts_or_subscriptions(store):
            return
        from bot.slack.alert_delivery import after_refresh as post_met

        now = datetime.combine(today, time(23, 59), UTC) if today else None
        report = post_met(store, now)
    except Exception:  # the figures are stored already: alerts must not turn a good refresh into a failed one
        log.exception("checking alerts after the refresh failed; `fwtrend alerts` tries again")
        return
    if report is not None and not quiet:
        posted = len(report.with_status("posted"))
        if posted:
            print(f"alerts         posted {posted} alert{'s' if posted != 1 else ''} and milestones")


def add_command(sub: Any) -> None:
    parser = sub.add_parser(
        "alerts",
        help="post the alerts and milestones the figures now meet (fwtrend alerts --help)",
        description="Post every alert whose condition the stored figures meet, and every milestone a subscribed "
        "channel's frameworks passed, that was not posted yet (each crossing once).",
    )
    parser.add_argument("--dry-run", action="store_true", help="print what would be posted instead of posting it")
    parser.add_argument("--now", metavar="ISO-8601", help="check the figures dated up to this moment (default: now)")
    parser.add_argument("--db", default=argparse.SUPPRESS, help="the SQLite store (default: $FWTREND_DB)")
    parser.set_defaults(func=cmd_alerts)
