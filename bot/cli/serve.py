"""`fwtrend serve`: the Slack app, in Socket Mode or (--http) behind gunicorn.

bot.slack is imported inside the command: the other commands must not pay for loading Bolt (start-up cost).
"""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import get_settings


def cmd_serve(args: argparse.Namespace) -> int:
    settings = get_settings()
    if args.db:
        settings = settings.model_copy(update={"fwtrend_db": args.db})
    if args.http:
        # gunicorn's master loads only the launcher; the app loads in the worker it forks (memory)
        from bot.slack import launch

        return launch.run_http(settings, port=args.port, host=args.host)
    from bot.slack import server  # start-up cost, see the module docstring

    return server.run_socket_mode(settings, digests=args.digests)


def add_command(sub: Any) -> None:
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
