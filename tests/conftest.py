"""Shared fixtures: a fresh seeded store per test session, an empty store per test, and the fake Slack server."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.store import Store, forget_stores, open_store

pytest_plugins = ["tests.support.fake_slack"]

TODAY = date(2026, 11, 25)


@pytest.fixture(scope="session")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    """The bundled snapshot, loaded once: tests that only read share it."""
    return open_store(tmp_path_factory.mktemp("seeded") / "fwtrend.db")


@pytest.fixture
def empty_store(tmp_path: Path) -> Store:
    store = Store(tmp_path / "empty.db")
    store.migrate()
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
