"""The `fwtrend` command line (also `python -m bot`)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bot import __version__


def _store(args: argparse.Namespace):
    from bot.store.connection import open_store

    return open_store(args.db)


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.answering.engine import answer_text

    text = " ".join(args.text)
    # No asker here: "this year" is read at the machine's local date (Slack reads it at the asker's).
    answer = answer_text(_store(args), text)
    if args.json:
        from bot.slack.blocks.answer import render_blocks

        print(json.dumps(render_blocks(answer), ensure_ascii=False, indent=2))
    else:
        from bot.render.terminal import render_text

        sys.stdout.write(render_text(answer))
    if args.chart:
        from bot.render.chart import render_chart, write_chart

        write_chart(render_chart(answer), args.chart)
    return 0


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.answering.engine import understand_text

    print(json.dumps(understand_text(" ".join(args.text)).contract_dict(), ensure_ascii=False))
    return 0


def cmd_frameworks(args: argparse.Namespace) -> int:
    from bot.catalog import catalog

    for fw in catalog():
        print(f"{fw.id:<14} {fw.name:<18} {', '.join(fw.aliases)}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    from bot.metrics import METRICS

    for m in METRICS.values():
        print(f"{m.id:<28} {m.label:<55} {m.unit:<32} {', '.join(m.sources)}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.answering.engine import answer_text
    from bot.render.terminal import render_text

    sys.stdout.write(render_text(answer_text(_store(args), "sources")))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from bot.settings import get_settings
    from bot.slack import server

    settings = get_settings()
    if args.db:
        settings = settings.model_copy(update={"fwtrend_db": args.db})
    if args.http:
        return server.run_http(settings, port=args.port, host=args.host)
    return server.run_socket_mode(settings, digests=args.digests)


def run_refresh(argv: list[str]) -> int:
    from bot.ingest import refresh

    return refresh.main(argv)


def run_digest(argv: list[str]) -> int:
    from bot.slack import digest_command as post

    return post.main(argv)


# Subcommands that parse their own arguments: `fwtrend refresh --help` is theirs.
PASSTHROUGH = {"refresh": run_refresh, "digest": run_digest}


def _passthrough(argv: list[str]) -> tuple[str, list[str]] | None:
    """(command, its arguments) when argv names a self-parsing subcommand, with a global --db handed on."""
    db: list[str] = []
    i = 0
    while i < len(argv):
        if argv[i] == "--db" and i + 1 < len(argv):
            db, i = ["--db", argv[i + 1]], i + 2
        elif argv[i].startswith("--db="):
            db, i = ["--db", argv[i][5:]], i + 1
        else:
            break
    if i < len(argv) and argv[i] in PASSTHROUGH:
        rest = argv[i + 1 :]
        return argv[i], (db + rest if db and "--db" not in rest else rest)
    return None


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

    ask = sub.add_parser("ask", help="answer a question in the terminal", description="Answer TEXT from the store.")
    ask.add_argument("text", nargs="+", help='what you would type after /fwtrend, e.g. "pytorch vs tensorflow"')
    ask.add_argument("--json", action="store_true", help="print the Slack message (text + blocks) instead")
    ask.add_argument("--chart", metavar="PATH", help="also write the chart as a PNG file")
    ask.set_defaults(func=cmd_ask)

    parse = sub.add_parser("parse", help="show how a text is understood, as JSON")
    parse.add_argument("text", nargs="+")
    parse.set_defaults(func=cmd_parse)

    sub.add_parser("frameworks", help="list tracked frameworks (id, name, aliases)").set_defaults(func=cmd_frameworks)
    sub.add_parser("metrics", help="list metrics (id, label, unit, sources)").set_defaults(func=cmd_metrics)
    sub.add_parser("sources", help="where figures come from and how fresh they are").set_defaults(func=cmd_sources)

    serve = sub.add_parser(
        "serve",
        help="run the Slack app (Socket Mode; --http for HTTP mode)",
        description="Run the Slack app. Socket Mode needs SLACK_BOT_TOKEN and SLACK_APP_TOKEN; "
        "--http needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET and serves POST /slack/events and GET /healthz.",
    )
    serve.add_argument("--http", action="store_true", help="HTTP mode behind gunicorn instead of Socket Mode")
    serve.add_argument("--port", type=int, default=None, help="HTTP port (default: $PORT, else 3000)")
    serve.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default: 127.0.0.1)")
    serve.add_argument(
        "--digests", action="store_true", help="also post due digests from this process (Socket Mode; no clock needed)"
    )
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("refresh", help="pull new figures from every source (fwtrend refresh --help)", add_help=False)
    sub.add_parser("digest", help="post the digests that are due (fwtrend digest --help)", add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from bot.catalog import CatalogError

    argv = list(sys.argv[1:] if argv is None else argv)
    passthrough = _passthrough(argv)
    if passthrough:
        command, rest = passthrough
        return PASSTHROUGH[command](rest)
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except CatalogError as exc:
        print(f"fwtrend: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
