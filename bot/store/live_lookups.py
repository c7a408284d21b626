"""The `live_lookups` table: one row per live look-up of a name, so every process sharing the store counts
the same hourly limits (overall and per workspace).

`take_lookups` checks and records in one write transaction (BEGIN IMMEDIATE), so two processes can never
both take the last look-up of the hour.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from bot.store.connection import Store

WINDOW_S = 3600.0


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
    with store.transaction() as conn:
        conn.execute("DELETE FROM live_lookups WHERE at < ?", [since - WINDOW_S])  # keep the table small
        for scope, limit, where, params in (
            ("workspace", per_team, "AND team_id = ?", [team_id]),
            ("overall", per_hour, "", []),
        ):
            times = [
                r[0]
                for r in conn.execute(
                    f"SELECT at FROM live_lookups WHERE at >= ? {where} ORDER BY at", [since, *params]
                ).fetchall()
            ]
            if len(times) + len(names) > limit:
                # The look-up that frees enough room is the one `len(names)` places past the limit's start.
                index = min(len(times) - 1, max(0, len(times) + len(names) - limit - 1))
                retry_at = times[index] + WINDOW_S if times else now + WINDOW_S
                return Refused(scope, limit, retry_at)
        conn.executemany(
            "INSERT INTO live_lookups (team_id, name, at) VALUES (?, ?, ?)", [(team_id, n, now) for n in names]
        )
    return None
