"""Each source implements one interface: given what is stored (read-only) it returns rows; it never
touches the store. The refresh job is the only writer."""

from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import httpx
import respx

import bot.ingest.sources as sources_pkg
from bot.catalog import catalog
from bot.ingest.refresh import source_infos
from bot.ingest.sources import SOURCES
from bot.ingest.sources.base import Batch, Context, Fetcher, VirtualClock
from bot.store.refresh_runs import UPSTREAM
from tests.conftest import BASE_URLS, DAY1, make_settings
from tests.http_replay import Replay


class NothingStored:
    """A `Stored` with nothing in it, and no store behind it at all."""

    def __init__(self) -> None:
        self.asked: list[tuple] = []

    def latest_date(self, framework: str, metric: str, source: str) -> str | None:
        self.asked.append(("latest_date", framework, metric, source))
        return None

    def stored_dates(self, framework: str, metric: str, source: str) -> set[str]:
        self.asked.append(("stored_dates", framework, metric, source))
        return set()

    def meta(self, key: str) -> str | None:
        self.asked.append(("meta", key))
        return None


def _fetch(source_id: str, framework: str, stored: NothingStored) -> Batch:
    router = respx.MockRouter(assert_all_called=False)
    router.route().mock(side_effect=Replay.from_days(BASE_URLS, "day1").httpx_handler)
    settings = make_settings()
    source = SOURCES[source_id](settings)
    fw = catalog()[framework]

    async def run() -> Batch:
        async with httpx.AsyncClient(transport=httpx.MockTransport(router.handler), timeout=5) as client:
            fetcher = Fetcher(client, clock=VirtualClock(), policies={source.host(): source.policy()})
            ctx = Context(fetcher=fetcher, settings=settings, stored=stored, today=DAY1)
            await source.prepare(ctx, [fw])
            batch = await source.fetch(ctx, fw)
            await source.finish(ctx)
            return batch

    return asyncio.run(run())


def test_github_returns_figures_and_language_rows_from_its_answers_without_a_store():
    stored = NothingStored()
    batch = _fetch("github", "pytorch", stored)
    stars = [r for r in batch.rows if r["metric"] == "github_stars"]
    assert [(r["framework"], r["date"], r["source"]) for r in stars] == [("pytorch", DAY1.isoformat(), "github")]
    assert batch.languages and {r["framework"] for r in batch.languages} == {"pytorch"}
    assert all(r["bytes"] > 0 and r["date"] == DAY1.isoformat() for r in batch.languages)
    assert ("latest_date", "pytorch", "github_stars", "github") in stored.asked  # what it knew came from `stored`


def test_every_source_returns_rows_for_a_framework_it_covers_without_a_store():
    for source_id in ("pypistats", "npm", "stackexchange", "huggingface", "arxiv"):
        fw = next(f.id for f in catalog() if SOURCES[source_id](make_settings()).applies_to(f))
        batch = _fetch(source_id, fw, NothingStored())
        assert batch.rows, source_id
        assert {r["source"] for r in batch.rows} == {source_id}
        assert all(r["framework"] == fw for r in batch.rows), source_id


def test_the_stack_exchange_quota_spent_is_returned_for_the_refresh_to_write():
    settings = make_settings()
    source = SOURCES["stackexchange"](settings)

    async def run() -> dict[str, str]:
        async with httpx.AsyncClient(transport=httpx.MockTransport(lambda r: httpx.Response(404))) as client:
            ctx = Context(fetcher=Fetcher(client), settings=settings, stored=NothingStored(), today=DAY1)
            await source.prepare(ctx, [])
            ctx.fetcher.requests["stackexchange"] += 3
            return await source.finish(ctx)

    assert asyncio.run(run()) == {f"quota:stackexchange:{DAY1.isoformat()}": "3"}


def test_no_source_module_holds_sql_or_imports_the_store_or_the_answer_core():
    folder = Path(sources_pkg.__file__).parent
    for path in folder.glob("*.py"):
        tree = ast.parse(path.read_text())
        imported = [node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module] + [
            alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
        ]
        assert not [m for m in imported if m.startswith(("bot.store", "bot.answering", "sqlite"))], path.name
        # (ClickHouse's query is sent to its HTTP API, so SQL words alone prove nothing: look for store access.)
        text = path.read_text()
        assert not any(word in text for word in (".execute(", ".executemany(", ".db.", "sqlite3")), path.name


def test_the_store_lists_the_same_sources_as_the_refresh_so_answers_need_no_ingest_import():
    assert list(UPSTREAM) == source_infos()
