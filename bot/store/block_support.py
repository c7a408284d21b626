"""The `classic_blocks` table: workspaces that refused Slack's newer blocks (table, data_visualization).

A workspace whose Slack answered `invalid_blocks` to a message carrying them gets the classic message
(monospace table, PNG chart) from then on, without trying the new blocks again and paying a refusal
each time. One row per team id, in the shared state (`store.shared`), so every process of a deployment
knows it: created by the "classic_blocks" migration on a SQLite store, by `shared.prepare` on PostgreSQL.
"""

from __future__ import annotations

import sqlite_utils
from sqlalchemy import Column, Table, Text, select

from bot.store.connection import Store, now_iso
from bot.store.shared import metadata

classic_blocks = Table(
    "classic_blocks",
    metadata,
    Column("team_id", Text, primary_key=True),
    Column("refused_at", Text, nullable=False),
    Column("error", Text, nullable=False, server_default=""),
)


def migrate_block_support(db: sqlite_utils.Database) -> None:
    """Create the `classic_blocks` table (idempotent)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS classic_blocks (
            team_id TEXT PRIMARY KEY,
            refused_at TEXT NOT NULL,
            error TEXT NOT NULL DEFAULT ''
        ) WITHOUT ROWID"""
    )


def remember_refusal(store: Store, team_id: str, error: str = "invalid_blocks") -> None:
    """Record that `team_id`'s Slack refused the new blocks (`error`: what Slack said), at now (UTC)."""
    shared = store.shared
    values = {"refused_at": now_iso(), "error": error[:500]}
    stmt = shared.insert(classic_blocks).values(team_id=team_id, **values)
    with shared.write() as conn:
        conn.execute(stmt.on_conflict_do_update(index_elements=["team_id"], set_=values))


def refuses_new_blocks(store: Store, team_id: str) -> bool:
    """Whether `team_id` refused the new blocks before (then it gets the classic message at once)."""
    with store.shared.read() as conn:
        return (
            conn.execute(select(classic_blocks.c.team_id).where(classic_blocks.c.team_id == team_id)).first()
            is not None
        )
