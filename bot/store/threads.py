"""Thread memory: the last question asked in each Slack thread, kept in the store so it survives a restart.

One row per (team, channel, thread ts) in the `thread_context` table, holding the question as JSON
text (the store knows nothing of its shape: `bot.answering.conversation` writes and reads Queries).
A row lives for `TTL` seconds; at most `MAX_THREADS` rows are kept, the oldest dropped first.
"""

from __future__ import annotations

import time

import sqlite_utils
from sqlalchemy import Column, Float, Index, Table, Text, delete, select

from bot.store.connection import Store
from bot.store.shared import metadata

ThreadKey = tuple[str, str, str]
"""(team id, channel id, thread ts): the ts of the thread's first message."""

TTL = 24 * 3600
"""Seconds a thread's question is remembered after it was last asked."""
MAX_THREADS = 5000

thread_context = Table(
    "thread_context",
    metadata,
    Column("team", Text, primary_key=True),
    Column("channel", Text, primary_key=True),
    Column("thread_ts", Text, primary_key=True),
    Column("query", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
    Index("thread_context_updated", "updated_at"),
)


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


def _where(key: ThreadKey) -> list:
    team, channel, thread_ts = (str(k) for k in key)
    c = thread_context.c
    return [c.team == team, c.channel == channel, c.thread_ts == thread_ts]


def remember(store: Store, key: ThreadKey, payload: str, *, now: float | None = None) -> None:
    """Keep `payload` (the question as JSON text) for the thread; drop expired threads and the oldest
    beyond `MAX_THREADS`. `now` is seconds since the epoch (default: the clock)."""
    now = time.time() if now is None else now
    team, channel, thread_ts = (str(k) for k in key)
    shared = store.shared
    c = thread_context.c
    with store.helping_write() as conn:
        stmt = shared.insert(thread_context).values(
            team=team, channel=channel, thread_ts=thread_ts, query=payload, updated_at=now
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["team", "channel", "thread_ts"],
                set_={"query": stmt.excluded.query, "updated_at": stmt.excluded.updated_at},
            )
        )
        conn.execute(delete(thread_context).where(c.updated_at < now - TTL))
        # The MAX_THREADS-th newest row's time: anything older goes (ties at that time are kept).
        oldest_kept = conn.execute(
            select(c.updated_at).order_by(c.updated_at.desc()).limit(1).offset(MAX_THREADS - 1)
        ).scalar()
        if oldest_kept is not None:
            conn.execute(delete(thread_context).where(c.updated_at < oldest_kept))


def recall(store: Store, key: ThreadKey, *, now: float | None = None) -> str | None:
    """The thread's question as JSON text, or None when there is none or it expired."""
    now = time.time() if now is None else now
    with store.shared.read() as conn:
        row = conn.execute(select(thread_context.c.query, thread_context.c.updated_at).where(*_where(key))).first()
    if row is None or row[1] < now - TTL:
        return None
    return row[0]


def forget(store: Store, key: ThreadKey) -> None:
    """Drop the thread's question."""
    with store.shared.write() as conn:
        conn.execute(delete(thread_context).where(*_where(key)))
