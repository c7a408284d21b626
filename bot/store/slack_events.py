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

from bot.store.connection import Store

KEEP_S = 24 * 3600
"""Seconds a key is remembered: far beyond Slack's retries (three, within about an hour)."""


def migrate_slack_events(db: sqlite_utils.Database) -> None:
    """Create the `slack_events_seen` table and its index (idempotent)."""
    db.execute("CREATE TABLE IF NOT EXISTS slack_events_seen (key TEXT PRIMARY KEY, seen_at REAL NOT NULL)")
    db.execute("CREATE INDEX IF NOT EXISTS slack_events_seen_at ON slack_events_seen (seen_at)")


def first_delivery(store: Store, keys: Iterable[str], *, now: float | None = None) -> bool:
    """Record `keys` and say whether none of them had been seen (True: take the work; False: a duplicate).

    Atomic across processes: the check and the insert share one BEGIN IMMEDIATE transaction.
    """
    keys = list(dict.fromkeys(keys))
    if not keys:
        return True
    now = time.time() if now is None else now
    with store.transaction() as conn:
        conn.execute("DELETE FROM slack_events_seen WHERE seen_at < ?", [now - KEEP_S])
        marks = ",".join("?" * len(keys))
        if conn.execute(f"SELECT 1 FROM slack_events_seen WHERE key IN ({marks}) LIMIT 1", keys).fetchone():
            return False
        conn.executemany("INSERT INTO slack_events_seen (key, seen_at) VALUES (?, ?)", [(k, now) for k in keys])
    return True
