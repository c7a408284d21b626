"""The `watch_list` table: the projects a workspace asked fwtrend to keep fresh (`/fwtrend track NAME`).

One row per (team, project). The terminal's own list is the team id `TERMINAL_TEAM` (""). The daily
refresh covers the built-in frameworks plus every project on any workspace's list (`every_watched`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from bot.store.connection import Store, now_iso

TERMINAL_TEAM = ""
"""The team id `fwtrend track` in a terminal writes under (no Slack workspace)."""


def migrate_watch_list(db: sqlite_utils.Database) -> None:
    """Create the `watch_list` table (idempotent)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS watch_list (
            team_id TEXT NOT NULL,
            project TEXT NOT NULL,
            added_by TEXT NOT NULL DEFAULT '',
            added_at TEXT NOT NULL,
            PRIMARY KEY (team_id, project)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS watch_list_project ON watch_list (project)")


@dataclass(frozen=True)
class Watched:
    """One tracked project of one workspace: who added it (a Slack user id, "" in a terminal) and when
    (ISO 8601 UTC, to the second)."""

    team_id: str
    project: str
    added_by: str
    added_at: str


def add_watched(store: Store, team_id: str, project: str, added_by: str = "") -> bool:
    """Put `project` (a catalog id) on the team's list. True if added, False if it was already there."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT OR IGNORE INTO watch_list (team_id, project, added_by, added_at) VALUES (?, ?, ?, ?)",
            [team_id, project, added_by, now_iso()],
        )
        return cur.rowcount > 0


def remove_watched(store: Store, team_id: str, project: str) -> bool:
    """Take `project` off the team's list. True if it was there."""
    with store.transaction() as conn:
        cur = conn.execute("DELETE FROM watch_list WHERE team_id = ? AND project = ?", [team_id, project])
        return cur.rowcount > 0


def watched(store: Store, team_id: str) -> list[Watched]:
    """The team's list, oldest first (then by id)."""
    rows = store.db.execute(
        "SELECT team_id, project, added_by, added_at FROM watch_list WHERE team_id = ? ORDER BY added_at, project",
        [team_id],
    ).fetchall()
    return [Watched(*row) for row in rows]


def every_watched(store: Store) -> list[str]:
    """Every project on any workspace's list, each once, sorted (what the daily refresh adds)."""
    return [row[0] for row in store.db.execute("SELECT DISTINCT project FROM watch_list ORDER BY project").fetchall()]
