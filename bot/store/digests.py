"""The digest tables (subscriptions, digest_posts, scheduler_lock, asked_frameworks), created by the
"digests" step of bot.store.migrations; the workspace's most-asked frameworks; the digest scheduler's lease
(`scheduler_lock`) and its ledger of posts (`digest_posts`: claim, mark, record_skip)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

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


# -- the scheduler's lease ----------------------------------------------------------------------------
LOCK_NAME = "digest"
LEASE = timedelta(minutes=10)
"""How long a scheduler's lease (and a `claimed` digest_posts row) holds without renewal."""

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SchedulerLock:
    """A lease in the store: whoever holds an unexpired row is the only scheduler that posts.

    A crashed holder's lease simply runs out after `lease`."""

    def __init__(self, store: Store, owner: str, *, lease: timedelta = LEASE, clock: Clock = _utcnow):
        self.store, self.owner, self.lease, self.clock = store, owner, lease, clock

    def acquire(self) -> bool:
        """Take or renew the lease; False while someone else holds an unexpired one."""
        now = self.clock()
        with self.store.transaction() as conn:
            row = conn.execute("SELECT owner, expires_at FROM scheduler_lock WHERE name = ?", [LOCK_NAME]).fetchone()
            if row and row[0] != self.owner and datetime.fromisoformat(row[1]) > now:
                return False
            conn.execute(
                "INSERT INTO scheduler_lock (name, owner, expires_at) VALUES (?, ?, ?) "
                "ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at",
                [LOCK_NAME, self.owner, (now + self.lease).isoformat()],
            )
        return True

    renew = acquire

    def release(self) -> None:
        with self.store.transaction() as conn:
            conn.execute("DELETE FROM scheduler_lock WHERE name = ? AND owner = ?", [LOCK_NAME, self.owner])

    def holder(self) -> tuple[str, str] | None:
        """(owner, expires_at ISO) of the current lease, or None."""
        sql = "SELECT owner, expires_at FROM scheduler_lock WHERE name = ?"
        row = self.store.db.execute(sql, [LOCK_NAME]).fetchone()
        return (row[0], row[1]) if row else None


# -- the ledger: one digest_posts row per (channel, period) ---------------------------------------------
ChannelKey = tuple[str, str, str]
"""(enterprise id or NO_ENTERPRISE, team id, channel id)."""


def post_row(store: Store, key: ChannelKey, period_key: str) -> dict[str, Any] | None:
    """The digest_posts row of this channel and period, or None."""
    rows = list(
        store.db.query(
            "SELECT * FROM digest_posts WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND period_key = ?",
            [*key, period_key],
        )
    )
    return rows[0] if rows else None


def claim(store: Store, key: ChannelKey, period_key: str, owner: str, now: datetime) -> bool:
    """Own this (channel, period) or learn that someone else does / did. Atomic under BEGIN IMMEDIATE.

    A `failed` row, or a `claimed` one whose claim is older than LEASE, is taken over."""
    stale_before = (now - LEASE).isoformat()
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO digest_posts (enterprise_id, team_id, channel_id, period_key, status, claimed_by, claimed_at, "
            "attempts) VALUES (?, ?, ?, ?, 'claimed', ?, ?, 1) ON CONFLICT DO NOTHING",
            [*key, period_key, owner, now.isoformat()],
        )
        if cur.rowcount == 1:
            return True
        cur = conn.execute(
            "UPDATE digest_posts SET status = 'claimed', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND period_key = ? "
            "AND (status = 'failed' OR (status = 'claimed' AND claimed_at < ?))",
            [owner, now.isoformat(), *key, period_key, stale_before],
        )
        return cur.rowcount == 1


def mark(store: Store, key: ChannelKey, period_key: str, owner: str | None, **values: Any) -> None:
    """Set columns (status=…, error=…, message_ts=…) of a row; only while `owner` holds it, unless None."""
    sets = ", ".join(f"{k} = ?" for k in values)
    sql = (
        f"UPDATE digest_posts SET {sets} WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND period_key = ?"
    )
    args = [*values.values(), *key, period_key]
    if owner is not None:
        sql += " AND claimed_by = ?"
        args.append(owner)
    with store.transaction() as conn:
        conn.execute(sql, args)


def record_skip(store: Store, key: ChannelKey, period_key: str, reason: str, now: datetime) -> bool:
    """Record a slot given up on (too late); False when the slot already has a row."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO digest_posts (enterprise_id, team_id, channel_id, period_key, status, claimed_at, error) "
            "VALUES (?, ?, ?, ?, 'skipped', ?, ?) ON CONFLICT DO NOTHING",
            [*key, period_key, now.isoformat(), reason],
        )
    return cur.rowcount == 1
