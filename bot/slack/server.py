"""Running the Slack app: Socket Mode (`fwtrend serve`) or HTTP behind gunicorn (`fwtrend serve --http`).

HTTP mode (gunicorn's master: `bot.slack.launch`) serves a small Flask app in one gunicorn worker
process with threads:
`POST /slack/events` goes to Bolt (signature checked on every request), `GET /healthz` answers 200
once the worker takes requests, the store is open and readable here and the bundled projects' names
are loaded; 503 with a one-line reason when the store can't be read or the chart-rendering process
failed to start. That process warms up (matplotlib, the store) in the background meanwhile: an answer
asked before it is warm waits for it (~0.8 s after the 200 on an idle machine, BENCHMARKS.md). With the OAuth
settings (many workspaces, `bot.slack.oauth`) Bolt also serves `GET /slack/install` and
`GET /slack/oauth_redirect`. One gunicorn worker per `fwtrend serve --http`: the CPU-heavy work runs in
its render processes; to scale, run more `fwtrend serve --http` processes on one shared database (the answer
queue and the de-duplication are there, `bot.slack.jobs`, docs/deploying.md).
"""

from __future__ import annotations

import logging
import signal
import sqlite3
import threading
from dataclasses import dataclass
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.catalog import catalog
from bot.ingest.seeded import open_seeded_store
from bot.settings import Settings, require
from bot.slack.app import create_app
from bot.slack.errors import error_code
from bot.slack.interactions import Services
from bot.slack.jobs import JobRunner
from bot.slack.launch import EVENTS_PATH, check_token, setup_logging
from bot.slack.memory import limit_arenas, release_free_memory, start_trimming
from bot.slack.oauth import INSTALL_PATH, REDIRECT_PATH, preload_shared_stores
from bot.slack.worker import AnswerWorker
from bot.store.health import health_problem

log = logging.getLogger("fwtrend.server")

RENDER_PROCESSES = 1
"""Chart-rendering processes unless FWTREND_RENDER_PROCESSES says otherwise. Each holds ~145 MiB (matplotlib,
the store, the project index); answers are cached, so a second one only helps when many different new
questions arrive at once, and on two cores it would compete with the web process for the CPU acks need."""


def build_services(settings: Settings) -> Services:
    """The answer worker (render processes) and the answer queue's runner; the runner's threads start with
    the first job recorded here, or at `start_answering`."""
    limit_arenas()  # before the worker's threads and processes start (see bot.slack.memory)
    worker = AnswerWorker(
        settings.db_path,
        processes=RENDER_PROCESSES if settings.fwtrend_render_processes is None else settings.fwtrend_render_processes,
        threads=settings.fwtrend_slack_threads,
    )
    services = Services(settings=settings, worker=worker)
    services.jobs = JobRunner(services, threads=settings.fwtrend_slack_threads, lease_s=settings.fwtrend_job_lease_s)
    return services


def stop_answering(services: Services) -> None:
    """Stop claiming answers, finish or hand back those in flight, then stop the render processes."""
    services.jobs.stop()
    services.worker.shutdown()


def keep_memory_down(worker: AnswerWorker) -> None:
    """Hand free memory back every so often, here and in each render process (see bot.slack.memory)."""

    def in_render_processes() -> None:
        # AnswerWorker has no public way to run a function in each render process yet: its private
        # `_call` runs one there (or here with no processes), once per process.
        for _ in range(max(1, worker.processes)):
            worker._call(release_free_memory)

    start_trimming(also=in_render_processes)


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
    keep_memory_down(services.worker)
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
        # Only here: digests draw charts, and matplotlib stays out of the web process otherwise (memory).
        from bot.slack.digest_delivery import start_in_process

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
    preload_shared_stores()  # before the warm-up thread starts (see its docstring)
    services = _services = build_services(settings)
    # Warming up (the render process: matplotlib, the store) starts first, so it overlaps Bolt's own start,
    # and goes on in the background: /healthz does not wait for it (an early answer queues behind it).
    threading.Thread(target=warm_up, args=(services,), name="fwtrend-warm-up", daemon=True).start()
    bolt = create_app(settings, services)
    handler = SlackRequestHandler(bolt)
    # What this process needs before it can take a question: the store, and the names of the bundled projects
    # (read here: a live look-up's "Looking up …" must follow the ack within a second).
    start_problem = open_here(settings)
    web = Flask("fwtrend")

    @web.post(EVENTS_PATH)
    def slack_events():
        return handler.handle(request)

    if bolt.oauth_flow is not None:
        add_oauth_routes(web, handler)

    @web.get("/healthz")
    def healthz():
        problem = services.worker.warm_up_error or start_problem or store_problem(settings)
        if problem is None:
            return make_response("ok\n", 200, {"Content-Type": "text/plain"})
        return make_response(f"{problem}\n", 503, {"Content-Type": "text/plain"})

    services.jobs.start()  # answers left by a crash or a restart, too
    return web


def warm_up(services: Services) -> None:
    """Start the render process and open the store (a failure turns `/healthz` 503), then keep memory down."""
    services.worker.warm_up_logged()
    if services.worker.warm_up_error is None:
        keep_memory_down(services.worker)
    # Live look-ups' libraries (httpx, the sources), kept off the way to /healthz 200: loaded now, once the
    # render process is warm, rather than by the first question naming an unknown project.
    import bot.ingest.live.lookup  # noqa: F401


def open_here(settings: Settings) -> str | None:
    """Open the store and load the bundled projects' names in this process; None, or why not (one line,
    for /healthz: the worker still starts, so the reason can be read there)."""
    try:
        open_seeded_store(settings.db_path)
        catalog().project_names()
    except sqlite3.Error as exc:
        problem = f"the store {settings.db_path} cannot be read: {exc}"
    except SystemExit as exc:  # StoreUnusable: its one-line reason
        problem = str(exc.code)
    except Exception as exc:
        problem = f"starting failed: {exc or type(exc).__name__}"
    else:
        return None
    log.error("cannot answer: %s", problem)
    return problem


def store_problem(settings: Settings) -> str | None:
    """`health_problem` of the store, also when merely opening it fails now (one line, never a 500)."""
    try:
        store = open_seeded_store(settings.db_path)
    except sqlite3.Error as exc:
        return f"the store {settings.db_path} cannot be read: {exc}"
    except SystemExit as exc:  # StoreUnusable: its one-line reason
        return str(exc.code)
    return health_problem(store)


def add_oauth_routes(web: Any, handler: Any) -> None:
    """The install page and Slack's redirect back with the code; Bolt's handler tells them apart by path."""
    from flask import request  # HTTP mode only (start-up cost, as in create_flask_app)

    web.add_url_rule(INSTALL_PATH, "slack_install", lambda: handler.handle(request), methods=["GET"])
    web.add_url_rule(REDIRECT_PATH, "slack_oauth_redirect", lambda: handler.handle(request), methods=["GET"])
