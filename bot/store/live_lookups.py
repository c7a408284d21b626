"""The `live_lookups` table: one row per live look-up of a name, in the shared state (`store.shared`), so
every process of a deployment, on every machine, counts the same hourly limits (overall and per workspace).

`take_lookups` checks and records in one write transaction that no other taker can interleave with: BEGIN
IMMEDIATE on SQLite, a transaction-scoped advisory lock on PostgreSQL. So two processes can never both take
the last look-up of the hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils
from sqlalchemy import Column, Float, Index, Integer, Table, Text, delete, insert, select, text

from bot.store.connection import Store
from bot.store.shared import metadata

WINDOW_S = 3600.0
ADVISORY_LOCK = 73572
"""PostgreSQL advisory lock key serialising `take_lookups` (73571 is `shared.prepare`'s)."""

live_lookups = Table(
    "live_lookups",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("team_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("at", Float, nullable=False),
    Index("live_lookups_at", "at"),
)


def migrate_live_lookups(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS live_lookups (
            id INTEGER PRIMARY KEY,
            team_id TEXT NOT NULL,
            name TEXT NOT NULL,
            at REAL NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS live_lookups_at ON live_lookups (at)")


@dataclass(frozen=True)
class Refused:
    """Over a limit: which one ("workspace" or "overall"), its size, and when (epoch seconds) a look-up frees up."""

    scope: str
    limit: int
    retry_at: float


def take_lookups(
    store: Store, team_id: str, names: list[str], *, per_hour: int, per_team: int, now: float
) -> Refused | None:
    """Record a look-up of each of `names` for `team_id` ("" in a terminal), or refuse all of them when that
    would pass either limit in the last hour. Returns None when taken."""
    since = now - WINDOW_S
    c = live_lookups.c
    shared = store.shared
    with shared.write() as conn:
        if not shared.is_sqlite:  # SQLite's BEGIN IMMEDIATE already serialises writers
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK})
        conn.execute(delete(live_lookups).where(c.at < since - WINDOW_S))  # keep the table small
        for scope, limit, where in (
            ("workspace", per_team, [c.team_id == team_id]),
            ("overall", per_hour, []),
        ):
            times = list(conn.execute(select(c.at).where(c.at >= since, *where).order_by(c.at)).scalars())
            if len(times) + len(names) > limit:
                # The look-up that frees enough room is the one `len(names)` places past the limit's start.
                index = min(len(times) - 1, max(0, len(times) + len(names) - limit - 1))
                retry_at = times[index] + WINDOW_S if times else now + WINDOW_S
                return Refused(scope, limit, retry_at)
        if names:
            conn.execute(insert(live_lookups), [{"team_id": team_id, "name": n, "at": now} for n in names])
    return None
