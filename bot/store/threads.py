"""The `thread_context` table: the last question asked in each Slack thread (read by follow-ups)."""

from __future__ import annotations

import sqlite_utils

_TABLE = """CREATE TABLE IF NOT EXISTS thread_context (
    team TEXT NOT NULL,
    channel TEXT NOT NULL,
    thread_ts TEXT NOT NULL,
    query TEXT NOT NULL,
    updated_at REAL NOT NULL,
    PRIMARY KEY (team, channel, thread_ts)
)"""
_INDEX = "CREATE INDEX IF NOT EXISTS thread_context_updated ON thread_context (updated_at)"


def migrate_threads(db: sqlite_utils.Database) -> None:
    db.execute(_TABLE)
    db.execute(_INDEX)
