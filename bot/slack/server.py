"""Running the Slack app: Socket Mode (`fwtrend serve`) or HTTP behind gunicorn (`fwtrend serve --http`).

HTTP mode serves a small Flask app in one gunicorn worker process with threads:
`POST /slack/events` goes to Bolt (signature checked on every request), `GET /healthz` answers 200
once the store is open and the chart-rendering processes are warm (503 until then). With the OAuth
settings (many workspaces, `bot.slack.oauth`) Bolt also serves `GET /slack/install` and
`GET /slack/oauth_redirect`. One gunicorn worker per `fwtrend serve --http`: the CPU-heavy work runs in
its render processes; to scale, run more `fwtrend serve --http` processes on one shared database (the answer
queue and the de-duplication are there, `bot.slack.jobs`, docs/deploying.md).
"""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.ingest.seeded import open_seeded_store
from bot.settings import Settings, require
from bot.slack.app import create_app
from bot.slack.clients import slack_client
from bot.slack.digest_delivery import start_in_process
from bot.slack.errors import error_code
from bot.slack.interactions import Services
from bot.slack.jobs import JobRunner
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH, installations_path, require_oauth, wants_oauth
from bot.slack.redaction import install_log_redaction
from bot.slack.worker import AnswerWorker, default_processes
from bot.store.health import health_problem

log = logging.getLogger("fwtrend.server")

DEFAULT_HOST = "127.0.0.1"
HTTP_THREADS = 32
EVENTS_PATH = "/slack/events"


def setup_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # slack_sdk logs every retry at INFO; a retry that still fails surfaces as our own one-line error.
    logging.getLogger("slack_sdk.web.base_client").setLevel(logging.WARNING)
    install_log_redaction()


def build_services(settings: Settings) -> Services:
    """The answer worker (render processes) and the answer queue's runner; the runner's threads start with
    the first job recorded here, or at `start_answering`."""
    worker = AnswerWorker(
        settings.db_path,
        processes=default_processes(settings.fwtrend_render_processes),
        threads=settings.fwtrend_slack_threads,
    )
    services = Services(settings=settings, worker=worker)
    services.jobs = JobRunner(services, threads=settings.fwtrend_slack_threads, lease_s=settings.fwtrend_job_lease_s)
    return services


def stop_answering(services: Services) -> None:
    """Stop claiming answers, finish or hand back those in flight, then stop the render processes."""
    services.jobs.stop()
    services.worker.shutdown()


def check_token(settings: Settings) -> None:
    """Fail at start, in one line, when Slack rejects the bot token (never printing it)."""
    try:
        slack_client(settings).auth_test()
    except SlackApiError as exc:
        status = getattr(exc.response, "status_code", 200)
        if status >= 500 or status == 429:  # Slack's trouble, not the token's: say so, never "rejected"
            raise SystemExit(
                f"fwtrend: Slack's API could not check SLACK_BOT_TOKEN just now (HTTP {status} from auth.test "
                "at SLACK_API_URL, after retries); try again in a minute"
            ) from None
        raise SystemExit(f"fwtrend: Slack rejected SLACK_BOT_TOKEN ({error_code(exc)})") from None
    except OSError as exc:
        raise SystemExit(f"fwtrend: cannot reach the Slack API at SLACK_API_URL ({type(exc).__name__})") from None


# -- Socket Mode ------------------------------------------------------------------------------------------
@dataclass
class SocketModeApp:
    """A Socket Mode app that is connected (or reconnecting) in background threads; `close()` stops it all."""

    handler: Any  # slack_bolt.adapter.socket_mode.SocketModeHandler
    services: Any  # bot.slack.interactions.Services
    digests_stop: threading.Event | None = None

    def close(self) -> None:
        if self.digests_stop is not None:
            self.digests_stop.set()
        self.handler.close()  # first, so no new envelope reaches a worker that is shutting down
        stop_answering(self.services)


def start_socket_mode(settings: Settings, *, digests: bool = False) -> SocketModeApp:
    """Check the settings and the bot token, warm up, open the Socket Mode connection, and return.

    `fwtrend serve` then waits forever; tests close the returned app instead."""
    # Each mode imports its own adapter when it starts (start-up cost: the other mode's libraries are not loaded).
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    require(settings, "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN")
    setup_logging()
    check_token(settings)
    services = build_services(settings)
    services.worker.warm_up()
    services.jobs.start()  # answers left by a crash or a restart, too
    app = create_app(settings, services)
    assert settings.slack_app_token is not None
    # The handler opens the connection with app.client, so `apps.connections.open` goes to SLACK_API_URL too.
    handler = SocketModeHandler(app, settings.slack_app_token.get_secret_value())
    running = SocketModeApp(handler, services)
    try:
        # The first URL is asked for here rather than by the client, which would log Slack's whole error
        # response before raising; a rejected app token must stop `fwtrend serve` in one line. The client
        # connects to a URL it already holds, and asks for fresh ones itself when it reconnects.
        handler.client.wss_uri = app.client.apps_connections_open(app_token=handler.app_token)["url"]
    except SlackApiError as exc:
        running.close()
        raise SystemExit(f"fwtrend: Slack rejected SLACK_APP_TOKEN ({error_code(exc)})") from None
    handler.connect()
    if handler.client.is_connected():
        log.info("fwtrend is connected in Socket Mode")
    else:  # the client logged why; it keeps retrying in the background
        log.warning("fwtrend could not connect in Socket Mode yet; retrying")
    if digests:
        _thread, running.digests_stop = start_in_process(
            open_seeded_store(settings.db_path), lambda _enterprise, _team: app.client
        )
        log.info("posting due digests from this process every few minutes")
    return running


def run_socket_mode(settings: Settings, *, digests: bool = False) -> int:
    """Serve until SIGTERM (exit 0) or Ctrl-C (KeyboardInterrupt, exit 130 in the CLI). Either way the
    connection closes first, then the answers in flight finish and the render processes exit: no child
    process outlives `fwtrend serve`."""
    running = start_socket_mode(settings, digests=digests)
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda _signum, _frame: stop.set())
    try:
        stop.wait()  # the client's own threads receive and answer meanwhile
        log.info("SIGTERM: closing the Socket Mode connection and finishing the answers in flight")
    finally:
        running.close()
        signal.signal(signal.SIGTERM, previous)
    return 0


# -- HTTP -----------------------------------------------------------------------------------------------
_services: Any = None


def create_flask_app(settings: Settings):
    """The WSGI app: Bolt at POST /slack/events, readiness at GET /healthz. Warms up in the background."""
    # Flask and Bolt's Flask adapter load only in HTTP mode (start-up cost of Socket Mode).
    from flask import Flask, make_response, request
    from slack_bolt.adapter.flask import SlackRequestHandler

    global _services
    setup_logging()
    services = _services = build_services(settings)
    bolt = create_app(settings, services)
    handler = SlackRequestHandler(bolt)
    web = Flask("fwtrend")

    @web.post(EVENTS_PATH)
    def slack_events():
        return handler.handle(request)

    if bolt.oauth_flow is not None:
        add_oauth_routes(web, handler)

    @web.get("/healthz")
    def healthz():
        problem = services.worker.warm_up_error or (
            health_problem(open_seeded_store(settings.db_path)) if services.worker.ready.is_set() else "starting"
        )
        if problem is None:
            return make_response("ok\n", 200, {"Content-Type": "text/plain"})
        return make_response(f"{problem}\n", 503, {"Content-Type": "text/plain"})

    threading.Thread(target=services.worker.warm_up_logged, name="fwtrend-warm-up", daemon=True).start()
    services.jobs.start()  # answers left by a crash or a restart, too
    return web


def add_oauth_routes(web: Any, handler: Any) -> None:
    """The install page and Slack's redirect back with the code; Bolt's handler tells them apart by path."""
    from flask import request  # HTTP mode only (start-up cost, as in create_flask_app)

    web.add_url_rule(INSTALL_PATH, "slack_install", lambda: handler.handle(request), methods=["GET"])
    web.add_url_rule(REDIRECT_PATH, "slack_oauth_redirect", lambda: handler.handle(request), methods=["GET"])


def _worker_exit(server: Any, worker: Any) -> None:
    if _services is not None:
        stop_answering(_services)


def gunicorn_options(host: str, port: int, threads: int = HTTP_THREADS) -> dict[str, Any]:
    return {
        "bind": f"{host}:{port}",
        "workers": 1,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "worker_exit": _worker_exit,
        "proc_name": "fwtrend",
        # gunicorn >= 24 opens a control socket under ~/.gunicorn; the app has no use for it.
        "control_socket_disable": True,
    }


def run_gunicorn(factory: Callable[[], Any], options: dict[str, Any]) -> int:
    """Serve the WSGI app made by `factory` (called in the worker process) with gunicorn."""
    from gunicorn.app.base import BaseApplication  # HTTP mode only (start-up cost of Socket Mode)

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                if key in self.cfg.settings:  # settings newer than the installed gunicorn are skipped
                    self.cfg.set(key, value)

        def load(self):
            return factory()

    sys.argv = sys.argv[:1]  # gunicorn parses argv for its own flags; ours are already read
    Application().run()
    return 0


def check_http_settings(settings: Settings) -> bool:
    """Stop in one line on whatever HTTP mode lacks. True for many workspaces (OAuth), False for one."""
    if wants_oauth(settings):
        require_oauth(settings, "SLACK_SIGNING_SECRET")
        return True
    require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    return False


def run_http(settings: Settings, *, port: int | None, host: str = DEFAULT_HOST) -> int:
    many = check_http_settings(settings)
    setup_logging()
    if not many:
        check_token(settings)  # with OAuth there is no token until a workspace installs the app
    # Open (and seed) the store once before forking: one that cannot be used stops here in one line
    # rather than leaving workers that acknowledge requests and never answer.
    open_seeded_store(settings.db_path)
    port = port or settings.port
    log.info("fwtrend listens on http://%s:%d%s", host, port, EVENTS_PATH)
    if many:
        log.info(
            "many workspaces (OAuth): install at %s, installations in %s", INSTALL_PATH, installations_path(settings)
        )
    return run_gunicorn(lambda: create_flask_app(settings), gunicorn_options(host, port))
