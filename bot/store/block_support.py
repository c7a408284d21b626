"""The `classic_blocks` table: workspaces that refused Slack's newer blocks (table, data_visualization).

A workspace whose Slack answered `invalid_blocks` to a message carrying them gets the classic message
(monospace table, PNG chart) from then on, without trying the new blocks again and paying a refusal
each time. One row per team id; kept small on purpose (easy to port to another store layer).
"""

from __future__ import annotations

import sqlite_utils

from bot.store.connection import Store, now_iso


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
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR REPLACE INTO classic_blocks (team_id, refused_at, error) VALUES (?, ?, ?)",
            (team_id, now_iso(), error[:500]),
        )


def refuses_new_blocks(store: Store, team_id: str) -> bool:
    """Whether `team_id` refused the new blocks before (then it gets the classic message at once)."""
    row = store.db.execute("SELECT 1 FROM classic_blocks WHERE team_id = ?", [team_id]).fetchone()
    return row is not None
