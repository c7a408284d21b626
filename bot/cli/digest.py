"""`fwtrend digest [--dry-run] [--now ISO-8601]`: post (or print) every digest that is due.

Calls `bot.slack.digest_delivery.run_digests` (or, with --frameworks, `bot.digest.compose.compose`).
Exit 0 done, 1 some digest failed, 2 usage or settings.

The Slack and chart modules are imported inside the command: the other commands must not pay for
loading slack_sdk or matplotlib (start-up cost).
"""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from bot.catalog import catalog
from bot.settings import MissingSetting


def parse_now(text: str) -> datetime:
    """ISO-8601; 'Z' allowed; a time without a zone is taken as UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def cmd_digest(args: argparse.Namespace, *, out: TextIO | None = None) -> int:
    from bot.digest.compose import compose  # start-up cost, see the module docstring
    from bot.digest.render import render_chart, render_text
    from bot.ingest.seeded import open_seeded_store  # the store's libraries load only for this command
    from bot.slack.clients import settings_client_for_team
    from bot.slack.digest_delivery import run_digests
    from bot.store.watch_list import TERMINAL_TEAM, watched

    out = out or sys.stdout
    try:
        now = parse_now(args.now) if args.now else datetime.now(UTC)
    except ValueError:
        print(
            f"fwtrend digest: --now must be ISO-8601, e.g. 2026-11-30T09:00:00+00:00 (got {args.now!r})",
            file=sys.stderr,
        )
        return 2
    if args.frameworks and not args.dry_run:
        print("fwtrend digest: --frameworks only goes with --dry-run", file=sys.stderr)
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
    if args.frameworks:
        cat = catalog()
        ids = [cat.resolve(name) for name in args.frameworks.split(",")]
        if None in ids:
            print(f"fwtrend digest: unknown framework in {args.frameworks!r}", file=sys.stderr)
            return 2
        tracked = [w.project for w in watched(store, TERMINAL_TEAM)]  # the terminal's own watch list
        digest = compose(store, [i for i in ids if i], args.cadence, now.date(), tracked=tracked)
        out.write(render_text(digest))
        if args.chart:
            from bot.render.chart import write_chart

            write_chart(render_chart(digest), args.chart, prog="fwtrend digest")
        return 0
    report = run_digests(store, now, client_for_team=client_for_team, dry_run=args.dry_run, out=out)
    if not args.dry_run:
        if report.locked_out:
            print("Another scheduler is posting digests right now; nothing done.", file=out)
        for o in report.outcomes:
            detail = f" (ts {o.message_ts})" if o.message_ts else f" ({o.error})" if o.error else ""
            print(f"{o.status}: {'/'.join(p or '-' for p in o.channel)} {o.period_key}{detail}", file=out)
        if not report.outcomes and not report.locked_out:
            print(f"No digest is due at {now.isoformat()}.", file=out)
    return 1 if report.with_status("failed") else 0


def add_command(sub: Any) -> None:
    parser = sub.add_parser(
        "digest",
        help="post the digests that are due (fwtrend digest --help)",
        description="Post every digest due now (or at --now) and not yet posted.",
    )
    parser.add_argument("--dry-run", action="store_true", help="print the due digests instead of posting them")
    parser.add_argument("--now", metavar="ISO-8601", help="act as if it were this moment (default: now)")
    # SUPPRESS: given here it wins, else `fwtrend --db PATH digest` keeps the global one.
    parser.add_argument("--db", default=argparse.SUPPRESS, help="the SQLite store (default: $FWTREND_DB)")
    parser.add_argument(
        "--frameworks",
        metavar="IDS",
        help="with --dry-run: print the digest for these frameworks (comma-separated), subscribed or not",
    )
    parser.add_argument("--cadence", choices=("weekly", "daily"), default="weekly", help="with --frameworks")
    parser.add_argument("--chart", metavar="PATH", help="with --frameworks: also write the digest's chart as a PNG")
    parser.set_defaults(func=cmd_digest)
