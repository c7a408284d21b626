"""Live look-ups against local servers shaped like PyPI, npm, ClickHouse and GitHub
(tests/support/fake_registries.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bot.ingest.seeded import open_seeded_store
from bot.store.connection import Store
from tests.support.fake_registries import FakeRegistries

TODAY = date(2026, 11, 25)


def months(first: str, count: int, start: int = 1000, step: int = 500) -> list[tuple[str, int]]:
    """`count` calendar months from `first` (YYYY-MM), ClickHouse's `toString(month)` form, with downloads."""
    year, month = int(first[:4]), int(first[5:7])
    out = []
    for i in range(count):
        out.append((f"{year:04d}-{month:02d}-01", start + i * step))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def populate(fake: FakeRegistries) -> None:
    """A PyPI package linked to its repository by project_urls, an npm-only package, a moved repository."""
    fake.add_pypi(
        "llama-index",
        summary="Interface between LLMs and your data",
        urls={"Documentation": "https://docs.llamaindex.ai/", "Repository": "https://github.com/run-llama/llama_index"},
    )
    fake.add_months("llama-index", months("2023-02", 30))
    fake.add_repo("run-llama/llama_index", 300, [3, 2, 5] * 20)
    fake.add_npm(
        "left-pad-live",
        repository={"type": "git", "url": "git+https://github.com/padder/left-pad-live.git"},
        since=date(2025, 6, 1),
        per_day=40,
    )
    fake.add_repo("padder/left-pad-live", 25, [1] * 25)
    fake.add_pypi("oldname-pkg", urls={"Source": "https://github.com/old-owner/oldname"})
    fake.add_months("oldname-pkg", months("2024-01", 6))
    fake.add_repo("new-owner/oldname", 50, [2] * 25)
    fake.moved["old-owner/oldname"] = "new-owner/oldname"


@pytest.fixture
def registries() -> Iterator[FakeRegistries]:
    with FakeRegistries(today=TODAY) as fake:
        populate(fake)
        yield fake


@pytest.fixture
def live_store(tmp_path: Path) -> Store:
    return open_seeded_store(tmp_path / "live.db")


@pytest.fixture
def lookups_on(registries: FakeRegistries, monkeypatch: pytest.MonkeyPatch) -> FakeRegistries:
    """The environment pointing every source at the local servers, look-ups allowed (for the CLI)."""
    for key, value in registries.env().items():
        monkeypatch.setenv(key, value)
    from bot.settings import get_settings

    get_settings.cache_clear()
    return registries


@pytest.fixture(autouse=True)
def _forget_live_projects() -> Iterator[None]:
    """Live projects belong to the store that holds them: the process-wide catalog forgets them after each test,
    as it would when the next answer syncs it with another store."""
    yield
    from bot.catalog import catalog

    catalog().know_projects([], exactly=True)
