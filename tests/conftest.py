"""Shared test set-up: no test reaches the network (sockets connect only to this machine), no test reads a
developer's .env or tokens, and every store lives in a temporary folder."""

from __future__ import annotations

import os
import socket
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import respx

from bot.ingest.seeded import open_seeded_store
from bot.ingest.sources.base import VirtualClock
from bot.settings import Settings
from bot.store.connection import Store
from bot.store.migrations import migrate
from bot.store.opening import forget_stores
from tests.http_replay import Replay, settings_for

pytest_plugins = ["tests.support.fake_slack", "tests.support.postgres"]

# The bundled projects' figures are unpacked once per shipped file (the cached name carries its hash), so
# every test session shares one copy in the temp folder, never the user's cache.
os.environ.setdefault("FWTREND_BUNDLE_DIR", str(Path(tempfile.gettempdir()) / "fwtrend-test-bundle"))

# Live look-ups are off unless a test turns them on (tests/live/): an unknown name elsewhere must answer as
# it always has, without asking any registry. Set at import, before any module-scoped app reads settings.
os.environ["FWTREND_LOOKUPS_PER_HOUR"] = "0"

TODAY = date(2026, 11, 25)

_real_connect = socket.socket.connect


def _local_only(self: socket.socket, address: object) -> object:
    host = address[0] if isinstance(address, tuple) else None
    if host is not None and host not in ("127.0.0.1", "::1", "localhost"):
        raise RuntimeError(f"tests must not use the network (tried {address!r})")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _local_only)


# `.invalid` can never resolve, so even a mistake could not send a request anywhere.
BASE_URLS = {
    "github": "https://github.invalid",
    "pypistats": "https://pypistats.invalid/api",
    "clickhouse": "https://clickhouse.invalid",
    "npm": "https://npm.invalid",
    "stackexchange": "https://stackexchange.invalid/2.3",
    "huggingface": "https://huggingface.invalid",
    "arxiv": "https://arxiv.invalid/api",
}

DAY1 = date(2026, 9, 20)
DAY2 = date(2026, 10, 6)
FRAMEWORKS = ["pytorch", "tensorflow", "flax"]


def make_settings(**overrides: object) -> Settings:
    return settings_for(BASE_URLS, **overrides)


@pytest.fixture
def settings() -> Settings:
    return make_settings()


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "fwtrend.db")
    migrate(s)
    yield s
    s.close()


@pytest.fixture
def replay() -> Replay:
    return Replay.from_days(BASE_URLS, "day1")


class Harness:
    """Runs refreshes against the replay with a virtual clock, the way every refresh test does."""

    def __init__(self, store: Store, replay: Replay, settings: Settings):
        self.store = store
        self.replay = replay
        self.settings = settings
        self.clock = VirtualClock()
        self.router = respx.MockRouter(assert_all_called=False)
        self.router.route().mock(side_effect=replay.httpx_handler)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.router.handler), timeout=5)

    def run(self, sources=None, frameworks=FRAMEWORKS, today: date = DAY1, **kw):
        from bot.ingest.refresh import run_refresh

        return run_refresh(
            self.store,
            sources,
            frameworks,
            client_factory=self.client,
            settings=self.settings,
            clock=self.clock,
            today=today,
            **kw,
        )

    def rows(self) -> dict[tuple[str, str, str], tuple]:
        return {
            (r[0], r[1], r[2]): tuple(r[3:])
            for r in self.store.db.execute(
                "SELECT framework, metric, date, value, source, method FROM observations"
            ).fetchall()
        }


@pytest.fixture
def harness(store: Store, replay: Replay, settings: Settings) -> Harness:
    return Harness(store, replay, settings)


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The bundled snapshot, loaded once: tests that only read share it."""
    return open_seeded_store(tmp_path_factory.mktemp("seeded") / "fwtrend.db")


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "empty.db")
    migrate(store)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """No test reads a developer's .env or real tokens, and every default store lives in tmp."""
    monkeypatch.chdir(tmp_path)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "GITHUB_TOKEN", "STACKEXCHANGE_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FWTREND_DB", str(tmp_path / "default.db"))
    from bot.settings import get_settings

    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _forget_stores():
    yield
    forget_stores()


@pytest.fixture(autouse=True)
def _stop_answer_queue_runners() -> Iterator[None]:
    """Answer-queue workers a test body started stop with it (those of module-wide servers, made while
    setting a test up, keep running for the module)."""
    import sys

    yield
    jobs = sys.modules.get("bot.slack.jobs")
    if jobs:
        for runner in jobs.runners():
            if runner.created_during.endswith("(call)"):
                runner.stop(timeout=2)


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """Runs a test once with the shared state in the SQLite store file and once in a fresh PostgreSQL
    database (FWTREND_DATABASE_URL); returns that URL, or None for SQLite."""
    if request.param == "sqlite":
        monkeypatch.delenv("FWTREND_DATABASE_URL", raising=False)
        return None
    url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv("FWTREND_DATABASE_URL", url)
    return url


@pytest.fixture
def shared_store(shared_backend: str | None, tmp_path: Path) -> Iterator[Store]:
    """A migrated store (no seeded figures) whose shared state is on `shared_backend`."""
    from bot.store.opening import open_store

    store = open_store(tmp_path / "shared.db")
    yield store
    forget_stores()
