"""The `watch_list` table: the projects a workspace asked fwtrend to keep fresh (`/fwtrend track NAME`).

One row per (team, project). The terminal's own list is the team id `TERMINAL_TEAM` (""). The daily
refresh covers the built-in frameworks plus every project on any workspace's list (`every_watched`).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils
from sqlalchemy import Column, Index, Table, Text, delete, select

from bot.store.connection import Store, now_iso
from bot.store.shared import metadata

TERMINAL_TEAM = ""
"""The team id `fwtrend track` in a terminal writes under (no Slack workspace)."""

watch_list = Table(
    "watch_list",
    metadata,
    Column("team_id", Text, primary_key=True),
    Column("project", Text, primary_key=True),
    Column("added_by", Text, nullable=False, server_default=""),
    Column("added_at", Text, nullable=False),
    Index("watch_list_project", "project"),
)


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
    shared = store.shared
    with shared.write() as conn:
        stmt = shared.insert(watch_list).values(team_id=team_id, project=project, added_by=added_by, added_at=now_iso())
        # RETURNING, not rowcount: psycopg reports no rowcount for a single-row INSERT through SQLAlchemy.
        return conn.execute(stmt.on_conflict_do_nothing().returning(watch_list.c.project)).first() is not None


def remove_watched(store: Store, team_id: str, project: str) -> bool:
    """Take `project` off the team's list. True if it was there."""
    c = watch_list.c
    with store.shared.write() as conn:
        return conn.execute(delete(watch_list).where(c.team_id == team_id, c.project == project)).rowcount > 0


def watched(store: Store, team_id: str) -> list[Watched]:
    """The team's list, oldest first (then by id)."""
    c = watch_list.c
    query = select(c.team_id, c.project, c.added_by, c.added_at).where(c.team_id == team_id)
    with store.shared.read() as conn:
        return [Watched(*row) for row in conn.execute(query.order_by(c.added_at, c.project))]


def every_watched(store: Store) -> list[str]:
    """Every project on any workspace's list, each once, sorted (what the daily refresh adds)."""
    c = watch_list.c
    with store.shared.read() as conn:
        return list(conn.execute(select(c.project).distinct().order_by(c.project)).scalars())
