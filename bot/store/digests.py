"""The digest tables (subscriptions, digest_posts, scheduler_lock, asked_frameworks), created by the
"digests" step of bot.store.migrations, and the workspace's most-asked frameworks."""

from __future__ import annotations

from collections.abc import Iterable

import sqlite_utils

from bot.store.connection import Store

NO_ENTERPRISE = ""
"""Stored instead of NULL: SQLite treats NULLs as distinct in keys, which would break uniqueness."""


def migrate_digest_tables(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS subscriptions (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            cadence TEXT NOT NULL CHECK (cadence IN ('weekly', 'daily')),
            weekday INTEGER NOT NULL DEFAULT 0,
            time TEXT NOT NULL,
            tz TEXT NOT NULL,
            frameworks TEXT NOT NULL,
            created_by TEXT NOT NULL,
            paused INTEGER NOT NULL DEFAULT 0,
            paused_reason TEXT,
            created_at TEXT NOT NULL,
            active_from TEXT NOT NULL,
            PRIMARY KEY (enterprise_id, team_id, channel_id)
        )"""
    )
    # status: claimed (composing, nothing sent) → sending (Slack call under way) → posted;
    # or failed (retryable within the late window), skipped (too late), paused (Slack refused the channel).
    db.execute(
        """CREATE TABLE IF NOT EXISTS digest_posts (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            period_key TEXT NOT NULL,
            status TEXT NOT NULL,
            claimed_by TEXT,
            claimed_at TEXT,
            message_ts TEXT,
            posted_at TEXT,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            UNIQUE (enterprise_id, team_id, channel_id, period_key)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS scheduler_lock (
            name TEXT PRIMARY KEY,
            owner TEXT NOT NULL,
            expires_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS asked_frameworks (
            team_id TEXT NOT NULL,
            framework TEXT NOT NULL,
            n INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (team_id, framework)
        )"""
    )


def record_asked(store: Store, team_id: str, frameworks: Iterable[str]) -> None:
    """Count the frameworks a workspace asks about, so a subscription without names can default to them."""
    names = list(dict.fromkeys(frameworks))
    if not names:
        return
    with store.transaction() as conn:
        conn.executemany(
            "INSERT INTO asked_frameworks (team_id, framework, n) VALUES (?, ?, 1) "
            "ON CONFLICT (team_id, framework) DO UPDATE SET n = n + 1",
            [(team_id, f) for f in names],
        )


def most_asked(store: Store, team_id: str, limit: int = 3) -> list[str]:
    rows = store.db.execute(
        "SELECT framework FROM asked_frameworks WHERE team_id = ? ORDER BY n DESC, framework LIMIT ?",
        [team_id, limit],
    ).fetchall()
    return [r[0] for r in rows]
