"""`fwtrend digest [--dry-run] [--now ISO-8601] [--frameworks IDS [--cadence C] [--chart PATH]]`.

`run_digests_command` is the library function a command line calls with parsed arguments; `main` is the
argparse front of it (moving into `bot.cli`'s one parser tree)."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TextIO

from bot.catalog import catalog
from bot.digest.compose import compose
from bot.digest.render import render_chart, render_text
from bot.render.chart import write_chart
from bot.settings import MissingSetting
from bot.slack.clients import ClientForTeam, settings_client_for_team
from bot.slack.digest_delivery import run_digests
from bot.store.connection import open_store


def parse_now(text: str) -> datetime:
    """ISO-8601; 'Z' allowed; a time without a zone is taken as UTC. Raises ValueError."""
    moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def run_digests_command(
    *,
    now: datetime | None = None,
    dry_run: bool = False,
    frameworks: str | None = None,
    cadence: str = "weekly",
    chart: str | None = None,
    db: str | None = None,
    out: TextIO | None = None,
) -> int:
    """Post (or print) the due digests, or with `frameworks` (comma-separated names, dry runs only) print
    that digest. Exit 0 done, 1 some digest failed, 2 usage or settings (one line on stderr)."""
    out = out or sys.stdout
    now = now or datetime.now(UTC)
    if frameworks and not dry_run:
        print("fwtrend digest: --frameworks only goes with --dry-run", file=sys.stderr)
        return 2
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    client_for_team: ClientForTeam | None = None
    if not dry_run:
        try:
            client_for_team = settings_client_for_team()
        except MissingSetting as exc:
            print(exc.code, file=sys.stderr)
            return 2
    store = open_store(db)
    if frameworks:
        cat = catalog()
        ids = [cat.resolve(name) for name in frameworks.split(",")]
        if None in ids:
            print(f"fwtrend digest: unknown framework in {frameworks!r}", file=sys.stderr)
            return 2
        digest = compose(store, [i for i in ids if i], cadence, now.date())
        out.write(render_text(digest))
        if chart:
            write_chart(render_chart(digest), chart, prog="fwtrend digest")
        return 0
    report = run_digests(store, now, client_for_team=client_for_team, dry_run=dry_run, out=out)
    if not dry_run:
        if report.locked_out:
            print("Another scheduler is posting digests right now; nothing done.", file=out)
        for o in report.outcomes:
            detail = f" (ts {o.message_ts})" if o.message_ts else f" ({o.error})" if o.error else ""
            print(f"{o.status}: {'/'.join(p or '-' for p in o.channel)} {o.period_key}{detail}", file=out)
        if not report.outcomes and not report.locked_out:
            print(f"No digest is due at {now.isoformat()}.", file=out)
    return 1 if report.with_status("failed") else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fwtrend digest", description="Post every digest due now (or at --now) and not yet posted."
    )
    parser.add_argument("--dry-run", action="store_true", help="print the due digests instead of posting them")
    parser.add_argument("--now", metavar="ISO-8601", help="act as if it were this moment (default: now)")
    parser.add_argument("--db", help="the SQLite store (default: $FWTREND_DB)")
    parser.add_argument(
        "--frameworks",
        metavar="IDS",
        help="with --dry-run: print the digest for these frameworks (comma-separated), subscribed or not",
    )
    parser.add_argument("--cadence", choices=("weekly", "daily"), default="weekly", help="with --frameworks")
    parser.add_argument("--chart", metavar="PATH", help="with --frameworks: also write the digest's chart as a PNG")
    return parser


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """`fwtrend digest [--dry-run] [--now ISO-8601]`. Exit 0 done, 1 some digest failed, 2 usage or settings."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    try:
        now = parse_now(args.now) if args.now else None
    except ValueError:
        print(
            f"fwtrend digest: --now must be ISO-8601, e.g. 2026-11-30T09:00:00+00:00 (got {args.now!r})",
            file=sys.stderr,
        )
        return 2
    return run_digests_command(
        now=now,
        dry_run=args.dry_run,
        frameworks=args.frameworks,
        cadence=args.cadence,
        chart=args.chart,
        db=args.db,
        out=out,
    )
