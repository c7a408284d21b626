"""The `slack_events_seen` table: which Slack deliveries were already taken, shared by every process.

Slack redelivers an event it thinks was not acknowledged (Events API retries, Socket Mode redelivery),
possibly to another web process or after a restart, and one message can arrive as two events (different
event ids, the same channel and ts). Each delivery is recorded under its keys — `event:<event id>` and,
for a message, `message:<team>:<channel>:<ts>` — in one write transaction, so exactly one process takes it.
Rows older than `KEEP_S` are dropped as new ones come: Slack retries within minutes.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

import sqlite_utils
from sqlalchemy import Column, Connection, Float, Index, Table, Text, delete, select

from bot.store.connection import Store
from bot.store.shared import SharedState, metadata

KEEP_S = 24 * 3600
"""Seconds a key is remembered: far beyond Slack's retries (three, within about an hour)."""

slack_events_seen = Table(
    "slack_events_seen",
    metadata,
    Column("key", Text, primary_key=True),
    Column("seen_at", Float, nullable=False),
    Index("slack_events_seen_at", "seen_at"),
)


def migrate_slack_events(db: sqlite_utils.Database) -> None:
    """Create the `slack_events_seen` table and its index (idempotent)."""
    db.execute("CREATE TABLE IF NOT EXISTS slack_events_seen (key TEXT PRIMARY KEY, seen_at REAL NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS slack_events_seen_at ON slack_events_seen (seen_at)")


class _Duplicate(Exception):
    """Raised inside the transaction to roll back the keys recorded so far."""


def record_delivery(shared: SharedState, conn: Connection, keys: list[str], now: float) -> bool:
    """Inside the caller's write transaction: record `keys`; False (and nothing usable recorded: the caller
    must roll back) when any of them was seen before. Keys go in sorted order, so two processes inserting
    overlapping keys on PostgreSQL wait on each other instead of deadlocking."""
    conn.execute(delete(slack_events_seen).where(slack_events_seen.c.seen_at < now - KEEP_S))
    for key in sorted(keys):
        stmt = shared.insert(slack_events_seen).values(key=key, seen_at=now).on_conflict_do_nothing()
        # RETURNING, not rowcount: psycopg reports no rowcount for a single-row INSERT through SQLAlchemy.
        if conn.execute(stmt.returning(slack_events_seen.c.key)).first() is None:
            return False
    return True


def first_delivery(store: Store, keys: Iterable[str], *, now: float | None = None) -> bool:
    """Record `keys` and say whether none of them had been seen (True: take the work; False: a duplicate).

    Atomic across processes: every key is inserted in one write transaction, rolled back when one was there.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return True
    now = time.time() if now is None else now
    shared = store.shared
    try:
        with store.helping_write() as conn:  # can't record it: the work is taken anyway
            if not record_delivery(shared, conn, keys, now):
                raise _Duplicate
    except _Duplicate:
        return False
    return True


def seen_before(store: Store, keys: Iterable[str]) -> bool:
    """Whether any of `keys` was recorded (a read: a quick answer for a redelivery before any work)."""
    keys = list(keys)
    if not keys:
        return False
    with store.shared.read() as conn:
        c = slack_events_seen.c
        return conn.execute(select(c.key).where(c.key.in_(keys))).first() is not None
