"""A looked-up project's history, from the refresh job's own sources: ClickHouse's
`pypi_downloads_per_month` (every month of a PyPI package in one query), GitHub (today's counts and the
stargazers history) and npm's `downloads/range`. Sources return rows; `lookup` writes them.

GitHub's weekly commit statistics are left to the daily refresh: GitHub computes them on demand and
answers 202 "come back later" for seconds, longer than anyone should wait for an answer.
"""

from __future__ import annotations

import asyncio
import logging

from bot.catalog import Framework
from bot.ingest.sources.base import Batch, Context, Source, SourceError
from bot.ingest.sources.github import GitHub
from bot.ingest.sources.npm import Npm
from bot.ingest.sources.pypi import ClickHouse

log = logging.getLogger("fwtrend.lookup")


class LiveGitHub(GitHub):
    """GitHub without the weekly commit statistics (see the module docstring)."""

    async def _commit_activity(self, ctx: Context, fw: Framework, repo_path: str, batch: Batch) -> None:
        return None


HISTORY_DEADLINE_S = 20.0
"""A source's whole history for one project, at most: someone is waiting (the daily refresh has no such limit)."""

SOURCE_LABELS = {
    "clickhouse": "ClickHouse (PyPI downloads)",
    "github": "GitHub (stars)",
    "npm": "npm (downloads)",
}


def history_sources(ctx: Context) -> list[Source]:
    return [ClickHouse(ctx.settings), LiveGitHub(ctx.settings), Npm(ctx.settings)]


async def fetch_history(ctx: Context, fw: Framework) -> tuple[list[Batch], dict[str, str]]:
    """Every batch the sources that apply to `fw` returned, and {source label: one-line reason} for each that
    failed (nothing of a failed source is kept, not even part of it)."""
    sources = [s for s in history_sources(ctx) if s.applies_to(fw)]

    async def one(source: Source) -> Batch | str:
        try:
            return await asyncio.wait_for(source.fetch(ctx, fw), HISTORY_DEADLINE_S)
        except TimeoutError:
            return f"no full answer within {HISTORY_DEADLINE_S:g} s"
        except SourceError as exc:
            return str(exc)
        except Exception as exc:  # an unforeseen answer must not sink the other sources
            log.exception("live history from %s for %s crashed", source.id, fw.id)
            return f"{type(exc).__name__}"

    results = await asyncio.gather(*(one(s) for s in sources))
    batches = [r for r in results if isinstance(r, Batch)]
    failed = {SOURCE_LABELS.get(s.id, s.name): r for s, r in zip(sources, results, strict=True) if isinstance(r, str)}
    return batches, failed
