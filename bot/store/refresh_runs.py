"""The `refresh_runs` table: one row per source × framework unit of a refresh, and the freshness read from it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any, NamedTuple

from bot.store.connection import Store, now_iso


class SourceInfo(NamedTuple):
    """What `sources_status` needs to know of a source: its id, display name and how old is stale."""

    id: str
    name: str
    stale_after_days: int = 2


UPSTREAM: tuple[SourceInfo, ...] = (
    SourceInfo("github", "GitHub REST API"),
    SourceInfo("pypistats", "pypistats.org"),
    SourceInfo("clickhouse", "ClickHouse public PyPI dataset"),
    SourceInfo("npm", "npm download counts"),
    SourceInfo("stackexchange", "Stack Exchange API (Stack Overflow)"),
    SourceInfo("huggingface", "Hugging Face Hub"),
    SourceInfo("arxiv", "arXiv API"),
)
"""The sources a refresh fetches from, in the order it reports them, so that answers can read their status
without importing ingest. tests/ingest/test_sources.py keeps it equal to `bot.ingest.sources.SOURCES`."""


def start_run(store: Store, source: str, framework: str | None = None) -> int:
    """Record a unit as running; returns its run id."""
    cur = store.db.execute(
        "INSERT INTO refresh_runs (source, framework, started_at, status) VALUES (?, ?, ?, 'running')",
        [source, framework, now_iso()],
    )
    return int(cur.lastrowid)


def finish_run(store: Store, run_id: int, status: str, rows: int = 0, error: str | None = None) -> None:
    """Close a run as "ok" or "failed" with the rows it wrote and its one-line reason."""
    store.db.execute(
        "UPDATE refresh_runs SET finished_at = ?, status = ?, rows = ?, error = ? WHERE id = ?",
        [now_iso(), status, rows, error, run_id],
    )


def last_good_refresh(store: Store, source: str) -> str | None:
    """When a unit of `source` last finished ok (ISO 8601 UTC), any framework."""
    row = store.db.execute(
        "SELECT MAX(finished_at) FROM refresh_runs WHERE source = ? AND status = 'ok'", [source]
    ).fetchone()
    return row[0] if row else None


def last_run(store: Store, source: str) -> dict[str, Any] | None:
    """The newest run row of `source`, whatever its status."""
    rows = list(store.db.query("SELECT * FROM refresh_runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source]))
    return rows[0] if rows else None


def sources_status(
    store: Store, sources: Iterable[SourceInfo] = UPSTREAM, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Per source: last good refresh (any framework), last complete one (every framework it covers), staleness.

    Each item: source, name, last_good_refresh, last_complete_refresh (ISO 8601 or None), stale (bool),
    last_status and last_error (None unless the newest run failed).
    """
    now = now or datetime.now(UTC)
    out = []
    for info in sources:
        per_fw = store.db.execute(
            "SELECT framework, MAX(CASE WHEN status = 'ok' THEN finished_at END), "
            "MAX(id) FROM refresh_runs WHERE source = ? GROUP BY framework",
            [info.id],
        ).fetchall()
        goods = [r[1] for r in per_fw]
        complete = min(goods) if goods and all(goods) else None
        last = last_run(store, info.id)
        stale = True
        if complete:
            age = now - datetime.fromisoformat(complete)
            stale = age.total_seconds() > info.stale_after_days * 86_400
        out.append(
            {
                "source": info.id,
                "name": info.name,
                "last_good_refresh": last_good_refresh(store, info.id),
                "last_complete_refresh": complete,
                "stale": stale,
                "last_status": last["status"] if last else None,
                "last_error": last["error"] if last and last["status"] != "ok" else None,
            }
        )
    return out
