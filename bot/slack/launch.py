"""Starting the Slack app: the checks made before anything is served, and gunicorn's master (HTTP mode).

Light on purpose. In HTTP mode this module is all gunicorn's master process loads: Bolt's app, the
answer core and the store (sqlite_utils pulls in pandas and numpy) load in the worker it forks, so the
master stays ~40 MiB instead of holding a second copy of them (BENCHMARKS.md). The store is still
checked before anything is served: with plain sqlite3 when it is ready as it is (`bot.store_ready`), else
in a short-lived forked child while the master checks the token.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from collections.abc import Callable
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.settings import Settings, require
from bot.slack.clients import slack_client
from bot.slack.errors import error_code
from bot.slack.memory import limit_arenas
from bot.slack.oauth import INSTALL_PATH, installations_path, require_oauth, wants_oauth
from bot.slack.redaction import install_log_redaction
from bot.store_ready import serves_as_is

log = logging.getLogger("fwtrend.server")

DEFAULT_HOST = "127.0.0.1"
HTTP_THREADS = 32
EVENTS_PATH = "/slack/events"
APP_FACTORY = "bot.slack.server:create_flask_app"
"""What the gunicorn worker builds its WSGI app with (imported there, never in the master)."""


def setup_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # slack_sdk logs every retry at INFO; a retry that still fails surfaces as our own one-line error.
    logging.getLogger("slack_sdk.web.base_client").setLevel(logging.WARNING)
    install_log_redaction()


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


def check_http_settings(settings: Settings) -> bool:
    """Stop in one line on whatever HTTP mode lacks. True for many workspaces (OAuth), False for one."""
    if wants_oauth(settings):
        require_oauth(settings, "SLACK_SIGNING_SECRET")
        return True
    require(settings, "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET")
    return False


# -- the store, checked in a forked child ------------------------------------------------------------------
class StoreCheck:
    """Open (and seed, if new) the store in a forked child; `result()` waits and raises its one-line reason.

    Forked before the master starts any thread, so the child is a plain copy; it exits as soon as the store
    is open, taking sqlite_utils, SQLAlchemy and the catalog with it. A store that serves as it is (seeded,
    migrated, its bundle unpacked: every start but the first and an upgrade's) is told in milliseconds
    without the child (`bot.store_ready`), so gunicorn starts at once."""

    def __init__(self, settings: Settings):
        self.pid: int | None = None
        if serves_as_is(settings.db_path, settings.fwtrend_database_url):
            return
        self.read, write = os.pipe()
        self.pid = os.fork()
        if self.pid == 0:  # the child
            os.close(self.read)
            os._exit(_open_store_here(settings, write))
        os.close(write)

    def result(self) -> None:
        if self.pid is None:
            return
        with os.fdopen(self.read, "rb") as pipe:
            reason = pipe.read().decode(errors="replace").strip()
        _, status = os.waitpid(self.pid, 0)
        if status != 0:
            raise SystemExit(reason or "fwtrend: checking the store failed")

    def abandon(self) -> None:
        """Wait for the child without caring for its verdict (another check already failed)."""
        if self.pid is None:
            return
        os.close(self.read)
        os.waitpid(self.pid, 0)


def _open_store_here(settings: Settings, out: int) -> int:
    """In the child: 0 when the store opens, else 1 with its one-line reason written to `out`."""
    try:
        from bot.ingest.seeded import open_seeded_store  # the imports the master must not hold

        open_seeded_store(settings.db_path)
        return 0
    except SystemExit as exc:  # StoreUnusable: one line naming the file and the reason
        os.write(out, str(exc.code).encode())
    except BaseException as exc:  # never a traceback at start; the reason, in its own words
        os.write(out, f"fwtrend: cannot use the store {settings.db_path}: {exc}".encode())
    return 1


# -- gunicorn ----------------------------------------------------------------------------------------------
def _worker_exit(server: Any, worker: Any) -> None:
    """In the worker, as gunicorn stops it: the answers in flight finish and the render processes exit."""
    app_module = sys.modules.get(APP_FACTORY.split(":")[0])
    services = getattr(app_module, "_services", None)
    if services is not None:
        app_module.stop_answering(services)  # stop claiming, finish or hand back, stop the render processes


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


def app_factory(settings: Settings, where: str = APP_FACTORY) -> Callable[[], Any]:
    """A factory for the worker: imports `module:function` there, then calls it with the settings."""

    def build() -> Any:
        module, name = where.split(":")
        return getattr(importlib.import_module(module), name)(settings)

    return build


def run_http(settings: Settings, *, port: int | None, host: str = DEFAULT_HOST) -> int:
    many = check_http_settings(settings)
    setup_logging()
    limit_arenas()  # before gunicorn's threads: its worker inherits the setting (see bot.slack.memory)
    # The store is checked before anything is served: one that cannot be used stops here in one line
    # rather than leaving a worker that acknowledges requests and never answers.
    store = StoreCheck(settings)
    if not many:
        try:
            check_token(settings)  # with OAuth there is no token until a workspace installs the app
        except SystemExit:
            store.abandon()
            raise
    store.result()
    port = port or settings.port
    log.info("fwtrend listens on http://%s:%d%s", host, port, EVENTS_PATH)
    if many:
        log.info(
            "many workspaces (OAuth): install at %s, installations in %s", INSTALL_PATH, installations_path(settings)
        )
    return run_gunicorn(app_factory(settings), gunicorn_options(host, port))
