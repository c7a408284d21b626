"""Reads of the `refresh_runs` table: how fresh each live source is (for the `sources` answer and refresh).

The live sources are listed here as data (id, the name people see, how old a refresh may get before the
source counts as stale) so that answering can read their status through the store without importing
ingest; each ingest `Source` class carries the same id, name and staleness (a test keeps them in step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.store.connection import Store


@dataclass(frozen=True)
class LiveSource:
    id: str
    name: str
    stale_after_days: int = 2


# In the order a refresh reports them.
LIVE_SOURCES: tuple[LiveSource, ...] = (
    LiveSource("github", "GitHub REST API"),
    LiveSource("pypistats", "pypistats.org"),
    LiveSource("clickhouse", "ClickHouse public PyPI dataset"),
    LiveSource("npm", "npm download counts"),
    LiveSource("stackexchange", "Stack Exchange API (Stack Overflow)"),
    LiveSource("huggingface", "Hugging Face Hub"),
    LiveSource("arxiv", "arXiv API"),
)


def sources_status(
    store: Store, now: datetime | None = None, *, sources: tuple[LiveSource, ...] = LIVE_SOURCES
) -> list[dict[str, Any]]:
    """Per live source: last good refresh (any framework), last complete one (every framework it covers),
    staleness, and the last run's status and error.

    Rows: {"source", "name", "last_good_refresh", "last_complete_refresh" (ISO times or None), "stale",
    "last_status", "last_error"}, in `sources` order. A source never refreshed is stale.
    """
    now = now or datetime.now(UTC)
    out = []
    for source in sources:
        per_fw = store.db.execute(
            "SELECT framework, MAX(CASE WHEN status = 'ok' THEN finished_at END), "
            "MAX(id) FROM refresh_runs WHERE source = ? GROUP BY framework",
            [source.id],
        ).fetchall()
        last_good = store.last_good_refresh(source.id)
        goods = [r[1] for r in per_fw]
        complete = min(goods) if goods and all(goods) else None
        last = store.last_run(source.id)
        stale = True
        if complete:
            age = now - datetime.fromisoformat(complete)
            stale = age.total_seconds() > source.stale_after_days * 86_400
        out.append(
            {
                "source": source.id,
                "name": source.name,
                "last_good_refresh": last_good,
                "last_complete_refresh": complete,
                "stale": stale,
                "last_status": last["status"] if last else None,
                "last_error": last["error"] if last and last["status"] != "ok" else None,
            }
        )
    return out
