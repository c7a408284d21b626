"""`fwtrend track NAME… | untrack NAME… | tracking`: the terminal's watch list in the store.

The terminal's list is the workspace id "" (`bot.store.watch_list.TERMINAL_TEAM`); each Slack workspace
has its own. The daily refresh covers the built-in frameworks plus the projects on every list.
Exit 0 done (a built-in framework or a project already tracked is done), 1 some name was found nowhere
(the rest is done), 2 usage.
"""

from __future__ import annotations

import argparse
from typing import Any

_NAMES_HELP = "a built-in framework, a bundled project's name, pypi:/npm: package, GitHub owner/repo or URL"
_WHOSE = (
    'The terminal\'s list is stored under the workspace id "" (empty); each Slack workspace keeps its own '
    "(/fwtrend track NAME). The daily refresh covers the 11 built-in frameworks plus every tracked project."
)


def cmd_watch(args: argparse.Namespace) -> int:
    from bot.answering.watch_list import watch_reply  # start-up cost: the store and the catalog's projects
    from bot.ingest.seeded import open_seeded_store
    from bot.store.watch_list import TERMINAL_TEAM
    from bot.understanding.reader import understand

    names = ", ".join(args.names) if args.command != "tracking" else ""
    store = open_seeded_store(args.db)  # first: projects a live look-up stored are names too
    query = understand(f"{args.command} {names}".strip())
    reply = watch_reply(
        store,
        query,
        team_id=TERMINAL_TEAM,
        usage="fwtrend track polars",
        where="the terminal",
    )
    print(reply.headline)
    for line in reply.lines:
        print(line)
    return 1 if reply.failed else 0


def add_commands(sub: Any) -> None:
    """Add track, untrack and tracking to the `fwtrend` subparsers."""
    for name, what in (
        ("track", "add projects to the watch list the daily refresh covers"),
        ("untrack", "take projects off the watch list"),
    ):
        parser = sub.add_parser(name, help=what, description=f"{what[0].upper()}{what[1:]}. {_WHOSE}")
        parser.add_argument("names", nargs="+", metavar="NAME", help=_NAMES_HELP)
        parser.set_defaults(func=cmd_watch)
    tracking = sub.add_parser(
        "tracking", help="list the watch list", description=f"List the terminal's watch list. {_WHOSE}"
    )
    tracking.set_defaults(func=cmd_watch)
