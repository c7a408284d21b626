"""The `fwtrend` command line (also `python -m bot`): ONE argparse tree, one module per command group.

Each subcommand parses its arguments here and calls a library function, as `pypistats` does:

    answers.py   ask, parse, frameworks, metrics, sources   (bot.answering, bot.understanding, bot.render)
    refresh.py   refresh                                     (bot.ingest.refresh.run_refresh)
    digest.py    digest                                      (bot.slack.digest_delivery.run_digests)
    serve.py     serve                                       (bot.slack.server)
    bundle.py    bundle                                      (bot.ingest.bundle)
    watch.py     track, untrack, tracking                    (bot.answering.watch_list)
    alerts.py    alerts (and the check after refresh)        (bot.slack.alert_delivery.run_alerts)
    snapshot.py  snapshot publish|apply                      (bot.store.snapshot)

Exit codes: 0 done; 1 a refresh source, a digest or an alert post failed, a name to track was found nowhere, or a
snapshot could not be published or applied; 2 usage or settings (argparse's own exit 2 for malformed
arguments); 130 interrupted.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__
from bot.catalog import CatalogError
from bot.cli import alerts, answers, bundle, digest, refresh, serve, snapshot, watch


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fwtrend",
        description="How ML frameworks are trending: real figures and charts, in Slack and in your terminal.",
    )
    parser.add_argument("--version", action="version", version=f"fwtrend {__version__}")
    parser.add_argument(
        "--db", type=Path, default=None, help="the SQLite store (default: $FWTREND_DB or a user data dir)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    answers.add_commands(sub)
    serve.add_command(sub)
    refresh.add_command(sub)
    digest.add_command(sub)
    bundle.add_command(sub)
    watch.add_commands(sub)
    alerts.add_command(sub)
    snapshot.add_command(sub)
    for name in ("refresh", "digest", "alerts"):  # they had parsers of their own: their errors keep their own names
        sub.choices[name].set_defaults(own_errors=sub.choices[name])
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit code (argparse raises SystemExit(2) on malformed arguments)."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(list(sys.argv[1:] if argv is None else argv))
    if unknown:  # e.g. "fwtrend refresh: error: unrecognized arguments: …" with refresh's usage line
        getattr(args, "own_errors", parser).error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.func(args) or 0)
    except CatalogError as exc:
        print(f"fwtrend: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
