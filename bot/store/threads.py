"""Thread memory: the last question asked in each Slack thread, kept in the store so it survives a restart.

One row per (team, channel, thread ts) in the `thread_context` table, holding the question as JSON
text (the store knows nothing of its shape: `bot.answering.conversation` writes and reads Queries).
A row lives for `TTL` seconds; at most `MAX_THREADS` rows are kept, the oldest dropped first.
"""

from __future__ import annotations

import time

import sqlite_utils

from bot.store.connection import Store

ThreadKey = tuple[str, str, str]
"""(team id, channel id, thread ts): the ts of the thread's first message."""

TTL = 24 * 3600
"""Seconds a thread's question is remembered after it was last asked."""
MAX_THREADS = 5000


def migrate_threads(db: sqlite_utils.Database) -> None:
    """Create the `thread_context` table and its index (idempotent)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS thread_context (
            team TEXT NOT NULL,
            channel TEXT NOT NULL,
            thread_ts TEXT NOT NULL,
            query TEXT NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (team, channel, thread_ts)
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS thread_context_updated ON thread_context (updated_at)")


def remember(store: Store, key: ThreadKey, payload: str, *, now: float | None = None) -> None:
    """Keep `payload` (the question as JSON text) for the thread; drop expired threads and the oldest
    beyond `MAX_THREADS`. `now` is seconds since the epoch (default: the clock)."""
    now = time.time() if now is None else now
    team, channel, thread_ts = (str(k) for k in key)
    with store.transaction() as conn:
        conn.execute(
            """INSERT INTO thread_context (team, channel, thread_ts, query, updated_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT (team, channel, thread_ts) DO UPDATE SET query = excluded.query,
               updated_at = excluded.updated_at""",
            [team, channel, thread_ts, payload, now],
        )
        conn.execute("DELETE FROM thread_context WHERE updated_at < ?", [now - TTL])
        conn.execute(
            """DELETE FROM thread_context WHERE rowid IN (
                 SELECT rowid FROM thread_context ORDER BY updated_at DESC LIMIT -1 OFFSET ?)""",
            [MAX_THREADS],
        )


def recall(store: Store, key: ThreadKey, *, now: float | None = None) -> str | None:
    """The thread's question as JSON text, or None when there is none or it expired."""
    now = time.time() if now is None else now
    team, channel, thread_ts = (str(k) for k in key)
    row = store.db.execute(
        "SELECT query, updated_at FROM thread_context WHERE team = ? AND channel = ? AND thread_ts = ?",
        [team, channel, thread_ts],
    ).fetchone()
    if row is None or row[1] < now - TTL:
        return None
    return row[0]


def forget(store: Store, key: ThreadKey) -> None:
    """Drop the thread's question."""
    team, channel, thread_ts = (str(k) for k in key)
    store.db.execute(
        "DELETE FROM thread_context WHERE team = ? AND channel = ? AND thread_ts = ?", [team, channel, thread_ts]
    )
