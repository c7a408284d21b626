"""The digest tables (subscriptions, digest_posts, scheduler_lock, asked_frameworks), created by the
"digests" step of bot.store.migrations; the workspace's most-asked frameworks; the digest scheduler's lease
(`scheduler_lock`) and its ledger of posts (`digest_posts`: claim, mark, record_skip)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlite_utils
from sqlalchemy import (
    Column,
    Connection,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    delete,
    func,
    literal_column,
    select,
    update,
)

from bot.store.connection import Store
from bot.store.shared import metadata

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


subscriptions = Table(
    "subscriptions",
    metadata,
    Column("enterprise_id", Text, primary_key=True, server_default=""),
    Column("team_id", Text, primary_key=True),
    Column("channel_id", Text, primary_key=True),
    Column("cadence", Text, nullable=False),
    Column("weekday", Integer, nullable=False, server_default="0"),
    Column("time", Text, nullable=False),
    Column("tz", Text, nullable=False),
    Column("frameworks", Text, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("paused", Integer, nullable=False, server_default="0"),
    Column("paused_reason", Text),
    Column("created_at", Text, nullable=False),
    Column("active_from", Text, nullable=False),
)
digest_posts = Table(
    "digest_posts",
    metadata,
    Column("enterprise_id", Text, nullable=False, server_default=""),
    Column("team_id", Text, nullable=False),
    Column("channel_id", Text, nullable=False),
    Column("period_key", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("claimed_by", Text),
    Column("claimed_at", Text),
    Column("message_ts", Text),
    Column("posted_at", Text),
    Column("error", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    UniqueConstraint("enterprise_id", "team_id", "channel_id", "period_key"),
)
scheduler_lock = Table(
    "scheduler_lock",
    metadata,
    Column("name", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
)
asked_frameworks = Table(
    "asked_frameworks",
    metadata,
    Column("team_id", Text, primary_key=True),
    Column("framework", Text, primary_key=True),
    Column("n", Integer, nullable=False, server_default="0"),
)
POST_KEY = ["enterprise_id", "team_id", "channel_id", "period_key"]


def _inserted(conn: Connection, stmt: Any) -> bool:
    """Run an INSERT … ON CONFLICT DO NOTHING; True when it inserted. RETURNING, not rowcount: psycopg
    reports no rowcount for a single-row INSERT through SQLAlchemy."""
    return conn.execute(stmt.on_conflict_do_nothing().returning(literal_column("1"))).first() is not None


def record_asked(store: Store, team_id: str, frameworks: Iterable[str]) -> None:
    """Count the frameworks a workspace asks about, so a subscription without names can default to them."""
    names = list(dict.fromkeys(frameworks))
    if not names:
        return
    shared = store.shared
    with store.helping_write() as conn:
        for name in sorted(names):  # sorted: concurrent upserts on PostgreSQL lock rows in one order
            stmt = shared.insert(asked_frameworks).values(team_id=team_id, framework=name, n=1)
            conn.execute(
                stmt.on_conflict_do_update(
                    index_elements=["team_id", "framework"], set_={"n": asked_frameworks.c.n + 1}
                )
            )


def most_asked(store: Store, team_id: str, limit: int = 3) -> list[str]:
    c = asked_frameworks.c
    query = select(c.framework).where(c.team_id == team_id).order_by(c.n.desc(), c.framework).limit(limit)
    with store.shared.read() as conn:
        return list(conn.execute(query).scalars())


# -- the scheduler's lease ----------------------------------------------------------------------------
LOCK_NAME = "digest"
LEASE = timedelta(minutes=10)
"""How long a scheduler's lease (and a `claimed` digest_posts row) holds without renewal."""

Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


class SchedulerLock:
    """A lease in the shared database: whoever holds an unexpired row is the only scheduler that posts.

    A crashed holder's lease simply runs out after `lease`."""

    def __init__(self, store: Store, owner: str, *, lease: timedelta = LEASE, clock: Clock = _utcnow):
        self.store, self.owner, self.lease, self.clock = store, owner, lease, clock

    def acquire(self) -> bool:
        """Take or renew the lease; False while someone else holds an unexpired one.

        One statement, atomic on SQLite and PostgreSQL alike: insert the lease, or take over the row only
        when it is ours or has expired (expiry times are compared as datetimes, read under the row lock)."""
        now = self.clock()
        shared = self.store.shared
        c = scheduler_lock.c
        with shared.write() as conn:
            row = conn.execute(select(c.owner, c.expires_at).where(c.name == LOCK_NAME).with_for_update()).first()
            if row is None:
                stmt = shared.insert(scheduler_lock).values(
                    name=LOCK_NAME, owner=self.owner, expires_at=(now + self.lease).isoformat()
                )
                return _inserted(conn, stmt)
            if row[0] != self.owner and datetime.fromisoformat(row[1]) > now:
                return False
            taken = conn.execute(
                update(scheduler_lock)
                .where(c.name == LOCK_NAME, c.owner == row[0], c.expires_at == row[1])
                .values(owner=self.owner, expires_at=(now + self.lease).isoformat())
            )
            return taken.rowcount == 1

    renew = acquire

    def release(self) -> None:
        c = scheduler_lock.c
        with self.store.shared.write() as conn:
            conn.execute(delete(scheduler_lock).where(c.name == LOCK_NAME, c.owner == self.owner))

    def holder(self) -> tuple[str, str] | None:
        """(owner, expires_at ISO) of the current lease, or None."""
        c = scheduler_lock.c
        with self.store.shared.read() as conn:
            row = conn.execute(select(c.owner, c.expires_at).where(c.name == LOCK_NAME)).first()
        return (row[0], row[1]) if row else None


# -- the ledger: one digest_posts row per (channel, period) ---------------------------------------------
ChannelKey = tuple[str, str, str]
"""(enterprise id or NO_ENTERPRISE, team id, channel id)."""


def _post_where(key: ChannelKey, period_key: str) -> list:
    c = digest_posts.c
    return [c.enterprise_id == key[0], c.team_id == key[1], c.channel_id == key[2], c.period_key == period_key]


def post_row(store: Store, key: ChannelKey, period_key: str) -> dict[str, Any] | None:
    """The digest_posts row of this channel and period, or None."""
    with store.shared.read() as conn:
        row = conn.execute(select(digest_posts).where(*_post_where(key, period_key))).mappings().first()
    return dict(row) if row else None


def claim(store: Store, key: ChannelKey, period_key: str, owner: str, now: datetime) -> bool:
    """Own this (channel, period) or learn that someone else does / did. Atomic on both databases: an
    INSERT … ON CONFLICT DO NOTHING, else a conditional UPDATE (re-checked under the row lock).

    A `failed` row, or a `claimed` one whose claim is older than LEASE, is taken over."""
    stale_before = (now - LEASE).isoformat()
    shared = store.shared
    c = digest_posts.c
    with shared.write() as conn:
        stmt = shared.insert(digest_posts).values(
            enterprise_id=key[0],
            team_id=key[1],
            channel_id=key[2],
            period_key=period_key,
            status="claimed",
            claimed_by=owner,
            claimed_at=now.isoformat(),
            attempts=1,
        )
        if _inserted(conn, stmt):
            return True
        taken = conn.execute(
            update(digest_posts)
            .where(
                *_post_where(key, period_key),
                (c.status == "failed") | ((c.status == "claimed") & (c.claimed_at < stale_before)),
            )
            .values(status="claimed", claimed_by=owner, claimed_at=now.isoformat(), attempts=c.attempts + 1)
        )
        return taken.rowcount == 1


def mark(store: Store, key: ChannelKey, period_key: str, owner: str | None, **values: Any) -> None:
    """Set columns (status=…, error=…, message_ts=…) of a row; only while `owner` holds it, unless None."""
    where = _post_where(key, period_key)
    if owner is not None:
        where.append(digest_posts.c.claimed_by == owner)
    with store.shared.write() as conn:
        conn.execute(update(digest_posts).where(*where).values(**values))


def record_skip(store: Store, key: ChannelKey, period_key: str, reason: str, now: datetime) -> bool:
    """Record a slot given up on (too late); False when the slot already has a row."""
    shared = store.shared
    stmt = shared.insert(digest_posts).values(
        enterprise_id=key[0],
        team_id=key[1],
        channel_id=key[2],
        period_key=period_key,
        status="skipped",
        claimed_at=now.isoformat(),
        error=reason,
    )
    with shared.write() as conn:
        return _inserted(conn, stmt)


def count_posts(store: Store) -> int:
    """Rows in the digest ledger (tests and the soak check read it)."""
    with store.shared.read() as conn:
        return int(conn.execute(select(func.count()).select_from(digest_posts)).scalar() or 0)
