"""The `world` fixture: see tests/alerts/world.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.ingest.seeded import open_seeded_store
from bot.settings import get_settings
from bot.store.opening import forget_stores
from tests.alerts.world import World, copy_store, repo_exchanges
from tests.digest.test_digest_post import bolt_app
from tests.http_replay import Replay, ReplayServer
from tests.support.fake_slack import FakeSlack


@pytest.fixture(scope="session")
def seeded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled snapshot loaded once; each test gets its own copy of the file."""
    path = tmp_path_factory.mktemp("alerts-seed") / "seeded.db"
    open_seeded_store(path)
    forget_stores()
    return path


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_slack: FakeSlack, seeded_file: Path) -> Iterator[World]:
    db = tmp_path / "fwtrend.db"
    copy_store(seeded_file, db)
    forget_stores()

    def replay(urls: dict[str, str]) -> Replay:
        r = Replay.from_days(urls, "day1", "day2")
        r.add(repo_exchanges("jax-ml/jax"))
        return r

    with ReplayServer(replay) as server:
        for name, value in server.env().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("FWTREND_DB", str(db))
        monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("SLACK_API_URL", fake_slack.base_url)
        get_settings.cache_clear()
        store = open_seeded_store(db)
        yield World(store, bolt_app(fake_slack, store), fake_slack, server)
    get_settings.cache_clear()
    forget_stores()
