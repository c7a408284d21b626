"""`fwtrend refresh [--source NAME] [--framework ID] [--project NAME]`: parse the options, then
`bot.ingest.refresh.run_refresh`, and print its report.

Then posts the alerts and milestones the new figures met (`bot.cli.alerts.after_refresh`).
Exit 0 every source asked for succeeded, 1 some failed (the rest is kept), 2 usage; alerts never change it.
"""

from __future__ import annotations

import argparse
import logging
import sqlite3
import sys
from datetime import date
from pathlib import Path
from typing import Any

from bot.catalog import catalog
from bot.settings import get_settings

SOURCE_NAMES = "github, pypistats, clickhouse, npm, stackexchange, huggingface, arxiv, pypi, stackoverflow, so, hf"
"""`bot.ingest.sources`' SOURCES and ALIASES, for --help: written out, since importing the sources loads
httpx (start-up cost of every command; a test keeps the two the same)."""


def cmd_refresh(args: argparse.Namespace) -> int:
    # Here, not at the top: every command (and `serve --http`'s gunicorn master) loads bot.cli, and these
    # bring the store's libraries (sqlite_utils, pandas): start-up time and memory.
    from bot.cli.alerts import after_refresh
    from bot.ingest.refresh import UsageError, resolve_frameworks, resolve_sources, run_refresh
    from bot.ingest.seeded import open_seeded_store
    from bot.store.opening import read_only_reason

    try:
        today = date.fromisoformat(args.today) if args.today else None
        resolve_sources(args.source)
        resolve_frameworks(args.framework, catalog())
    except (UsageError, ValueError) as exc:
        print(f"fwtrend refresh: {exc}", file=sys.stderr)
        return 2
    path = Path(args.db or get_settings().db_path).expanduser()
    read_only = read_only_reason(path)
    if read_only:  # a refresh only writes: say so in one line, before any source is asked
        print(f"fwtrend refresh: cannot use the store {path}: {read_only}, and a refresh writes to it", file=sys.stderr)
        return 1
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    store = open_seeded_store(args.db)  # first: projects live look-ups stored are names `--project` can use
    try:
        chosen = [*(args.framework or []), *project_ids(args.project or [])]
    except UsageError as exc:
        print(f"fwtrend refresh: {exc}", file=sys.stderr)
        return 2
    progress = None
    if sys.stderr.isatty() and not args.quiet:
        from bot.cli.refresh_progress import RichProgress  # rich loads only when there is a terminal to draw on

        progress = RichProgress()
    try:
        report = run_refresh(store, args.source, chosen or None, progress=progress, today=today)
    except sqlite3.Error as exc:  # e.g. the disk filled up between two sources: the rows saved before stay
        print(
            f"fwtrend refresh: the store {store.path} cannot be written: {exc}; figures saved before stay",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        for line in report.summary_lines():
            print(line)
    after_refresh(store, today, quiet=args.quiet)  # the alerts and milestones its new figures met
    for line in report.reasons():
        print(f"fwtrend refresh: {line}", file=sys.stderr)
    return report.exit_code


def project_ids(names: list[str]) -> list[str]:
    """The catalog ids `--project` names, read like any project name. Raises UsageError naming each name
    found nowhere, as an answer would ("I don't know …", "did you mean …")."""
    from bot.answering.watch_list import unknown_lines  # start-up cost: the bundled projects' names
    from bot.ingest.refresh import UsageError
    from bot.understanding.reader import understand

    ids: list[str] = []
    for name in names:
        query = understand(f"track {name}")
        if query.unknown or not query.frameworks:
            why = " ".join(unknown_lines(query, catalog())) or f"I couldn't read “{name}” as a project."
            raise UsageError(why)
        ids += [fid for fid in query.frameworks if fid not in ids]
    return ids


def add_command(sub: Any) -> None:
    parser = sub.add_parser(
        "refresh",
        help="pull new figures from every source (fwtrend refresh --help)",
        description="Fetch figures that are missing since the last good run into the store.",
    )
    parser.add_argument(
        "--source", action="append", metavar="NAME", help=f"only this source (repeatable): {SOURCE_NAMES}"
    )
    parser.add_argument("--framework", action="append", metavar="ID", help="only this framework id or alias")
    parser.add_argument(
        "--project",
        action="append",
        metavar="NAME",
        help="only this project (repeatable): a framework, a bundled project's name, pypi:/npm: package, "
        "GitHub owner/repo or URL; with neither --framework nor --project: the 11 frameworks plus every "
        "tracked project (fwtrend tracking)",
    )
    # SUPPRESS: given here it wins, else `fwtrend --db PATH refresh` keeps the global one.
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=argparse.SUPPRESS,
        help="the store file (default: FWTREND_DB or the user data dir)",
    )
    parser.add_argument("--today", metavar="YYYY-MM-DD", help=argparse.SUPPRESS)  # replays and crash tests
    parser.add_argument("--quiet", action="store_true", help="print only failures")
    parser.set_defaults(func=cmd_refresh)
