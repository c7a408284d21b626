"""The alert tables, created by the "alerts" step of bot.store.migrations on a SQLite store and by
`bot.store.shared.prepare` on PostgreSQL: `alerts` (what each channel asked to be told) and `alert_posts`,
the ledger that lets each crossing be posted exactly once (claim, mark), in the style of `bot.store.digests`.
Both live in the shared state (`store.shared`), so every process of a deployment posts a crossing once.

One ledger row per (channel, subject, crossing): `subject` is "alert:<id>" or "milestone:<project>:<metric>";
`crossing` says which crossing ("met" for a one-shot alert, the first figure's date of a relative alert's
run, the mark of a milestone). Status: claimed (nothing sent) → sending (Slack call under way) → posted;
or failed (retried on the next run), skipped (met when set: never posted), in_doubt (a run stopped mid-post:
never sent again).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlite_utils
from sqlalchemy import (
    Column,
    Float,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    delete,
    exists,
    literal_column,
    or_,
    select,
    update,
)

from bot.store.connection import Store
from bot.store.digests import subscriptions
from bot.store.shared import metadata

LEASE = timedelta(minutes=10)
"""How long a `claimed` ledger row holds before another run may take it over."""

ChannelKey = tuple[str, str, str]
"""(enterprise id or "", team id, channel id)."""


def migrate_alert_tables(db: sqlite_utils.Database) -> None:
    """Create `alerts` and `alert_posts` (idempotent)."""
    # 0 and '' instead of NULL for the parts of a rule a kind does not use: NULLs never collide in UNIQUE.
    db.execute(
        """CREATE TABLE IF NOT EXISTS alerts (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('threshold', 'passes', 'change')),
            framework TEXT NOT NULL,
            other TEXT NOT NULL DEFAULT '',
            metric TEXT NOT NULL,
            threshold REAL NOT NULL DEFAULT 0,
            change_pct REAL NOT NULL DEFAULT 0,
            window TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL DEFAULT '',
            created_by TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            UNIQUE (enterprise_id, team_id, channel_id, kind, framework, other, metric, threshold, change_pct, window)
        )"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS alert_posts (
            enterprise_id TEXT NOT NULL DEFAULT '',
            team_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            subject TEXT NOT NULL,
            crossing TEXT NOT NULL,
            status TEXT NOT NULL,
            claimed_by TEXT,
            claimed_at TEXT,
            message_ts TEXT,
            posted_at TEXT,
            error TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            UNIQUE (enterprise_id, team_id, channel_id, subject, crossing)
        )"""
    )


RULE_COLUMNS = ("kind", "framework", "other", "metric", "threshold", "change_pct", "window")
"""What makes two alerts of a channel the same alert (with the channel: the UNIQUE key)."""

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("enterprise_id", Text, nullable=False, server_default=""),
    Column("team_id", Text, nullable=False),
    Column("channel_id", Text, nullable=False),
    Column("kind", Text, nullable=False),
    Column("framework", Text, nullable=False),
    Column("other", Text, nullable=False, server_default=""),
    Column("metric", Text, nullable=False),
    Column("threshold", Float, nullable=False, server_default="0"),
    Column("change_pct", Float, nullable=False, server_default="0"),
    Column("window", Text, nullable=False, server_default=""),
    Column("text", Text, nullable=False, server_default=""),
    Column("created_by", Text, nullable=False, server_default=""),
    Column("created_at", Text, nullable=False),
    UniqueConstraint("enterprise_id", "team_id", "channel_id", *RULE_COLUMNS),
    sqlite_autoincrement=True,
)
alert_posts = Table(
    "alert_posts",
    metadata,
    Column("enterprise_id", Text, nullable=False, server_default=""),
    Column("team_id", Text, nullable=False),
    Column("channel_id", Text, nullable=False),
    Column("subject", Text, nullable=False),
    Column("crossing", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("claimed_by", Text),
    Column("claimed_at", Text),
    Column("message_ts", Text),
    Column("posted_at", Text),
    Column("error", Text),
    Column("attempts", Integer, nullable=False, server_default="0"),
    UniqueConstraint("enterprise_id", "team_id", "channel_id", "subject", "crossing"),
)


@dataclass(frozen=True)
class Alert:
    """One alert of one channel. `other` is the project to pass ("passes"), `threshold` the figure to reach
    ("threshold", in the metric's unit), `change_pct` and `window` the change ("change": +50, "month");
    `text` the rule as typed; `created_at` ISO 8601 UTC."""

    id: int
    enterprise_id: str
    team_id: str
    channel_id: str
    kind: str
    framework: str
    other: str
    metric: str
    threshold: float
    change_pct: float
    window: str
    text: str
    created_by: str
    created_at: str

    @property
    def channel(self) -> ChannelKey:
        return (self.enterprise_id, self.team_id, self.channel_id)

    @property
    def subject(self) -> str:
        return f"alert:{self.id}"


def _alert(row: Any) -> Alert:
    return Alert(**{k: row[k] for k in Alert.__dataclass_fields__})


def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule's key columns, with the defaults a kind leaves out ('' and 0.0, never NULL)."""
    values = {"other": "", "threshold": 0.0, "change_pct": 0.0, "window": "", **rule}
    return {k: float(values[k]) if k in ("threshold", "change_pct") else values[k] for k in RULE_COLUMNS}


def _channel_where(channel: ChannelKey) -> list:
    c = alerts.c
    return [c.enterprise_id == channel[0], c.team_id == channel[1], c.channel_id == channel[2]]


def add_alert(store: Store, channel: ChannelKey, rule: dict[str, Any], *, created_by: str, now: datetime) -> int | None:
    """Store an alert (`rule`: kind, framework, other, metric, threshold, change_pct, window, text). Returns
    its id, or None when the channel already has the same alert."""
    shared = store.shared
    stmt = shared.insert(alerts).values(
        enterprise_id=channel[0],
        team_id=channel[1],
        channel_id=channel[2],
        **_rule(rule),
        text=rule.get("text", ""),
        created_by=created_by,
        created_at=now.isoformat(),
    )
    with shared.write() as conn:
        row = conn.execute(stmt.on_conflict_do_nothing().returning(alerts.c.id)).first()
    return int(row[0]) if row is not None else None


def same_alert(store: Store, channel: ChannelKey, rule: dict[str, Any]) -> Alert | None:
    """The channel's alert with exactly this rule, or None."""
    where = _channel_where(channel) + [alerts.c[k] == v for k, v in _rule(rule).items()]
    with store.shared.read() as conn:
        row = conn.execute(select(alerts).where(*where)).mappings().first()
    return _alert(row) if row else None


def channel_alerts(store: Store, channel: ChannelKey) -> list[Alert]:
    """The channel's alerts in the order they were set: their numbers in `/fwtrend alerts` are 1, 2, …"""
    with store.shared.read() as conn:
        rows = conn.execute(select(alerts).where(*_channel_where(channel)).order_by(alerts.c.id)).mappings()
        return [_alert(row) for row in rows]


def every_alert(store: Store) -> list[Alert]:
    """Every channel's alerts, oldest first."""
    with store.shared.read() as conn:
        return [_alert(row) for row in conn.execute(select(alerts).order_by(alerts.c.id)).mappings()]


def remove_alert(store: Store, alert_id: int) -> bool:
    """Delete an alert (its ledger rows stay: they record what was posted). True if it was there."""
    with store.shared.write() as conn:
        return conn.execute(delete(alerts).where(alerts.c.id == alert_id)).rowcount == 1


def has_alerts_or_subscriptions(store: Store) -> bool:
    """Whether any channel could be posted an alert or a milestone (a cheap check before loading Slack)."""
    query = select(
        or_(exists(select(alerts.c.id)), exists(select(subscriptions.c.team_id).where(subscriptions.c.paused == 0)))
    )
    with store.shared.read() as conn:
        return bool(conn.execute(query).scalar())


# -- the ledger ----------------------------------------------------------------------------------------
def _post_where(channel: ChannelKey, subject: str, crossing: str) -> list:
    c = alert_posts.c
    return [
        c.enterprise_id == channel[0],
        c.team_id == channel[1],
        c.channel_id == channel[2],
        c.subject == subject,
        c.crossing == crossing,
    ]


def post_row(store: Store, channel: ChannelKey, subject: str, crossing: str) -> dict[str, Any] | None:
    """The ledger row of this crossing, or None."""
    with store.shared.read() as conn:
        row = conn.execute(select(alert_posts).where(*_post_where(channel, subject, crossing))).mappings().first()
    return dict(row) if row else None


def posted_rows(store: Store, subject: str) -> list[dict[str, Any]]:
    """Every ledger row of a subject (an alert's crossings: posted, skipped, …), oldest claim first."""
    c = alert_posts.c
    with store.shared.read() as conn:
        rows = conn.execute(select(alert_posts).where(c.subject == subject).order_by(c.claimed_at)).mappings()
        return [dict(row) for row in rows]


def claim(store: Store, channel: ChannelKey, subject: str, crossing: str, owner: str, now: datetime) -> bool:
    """Own this crossing or learn that another run does / did. Atomic on both databases: an INSERT … ON
    CONFLICT DO NOTHING (of two runs racing, one inserts the row and the other sees it), else a conditional
    UPDATE (re-checked under the row lock). A `failed` row, or a `claimed` one older than LEASE, is taken over."""
    shared = store.shared
    c = alert_posts.c
    stmt = _new_post(store, channel, subject, crossing, now, status="claimed", claimed_by=owner, attempts=1)
    with shared.write() as conn:
        if conn.execute(stmt.on_conflict_do_nothing().returning(literal_column("1"))).first() is not None:
            return True
        stale_before = (now - LEASE).isoformat()
        taken = conn.execute(
            update(alert_posts)
            .where(
                *_post_where(channel, subject, crossing),
                (c.status == "failed") | ((c.status == "claimed") & (c.claimed_at < stale_before)),
            )
            .values(status="claimed", claimed_by=owner, claimed_at=now.isoformat(), attempts=c.attempts + 1)
        )
        return taken.rowcount == 1


def mark(store: Store, channel: ChannelKey, subject: str, crossing: str, owner: str | None, **values: Any) -> None:
    """Set columns (status=…, error=…, message_ts=…) of a ledger row; only while `owner` holds it, unless None."""
    where = _post_where(channel, subject, crossing)
    if owner is not None:
        where.append(alert_posts.c.claimed_by == owner)
    with store.shared.write() as conn:
        conn.execute(update(alert_posts).where(*where).values(**values))


def mark_in_doubt(store: Store, channel: ChannelKey, subject: str, crossing: str, now: datetime) -> bool:
    """A `sending` row claimed more than LEASE ago: its run stopped mid-post, so the post may or may not be in
    Slack and is never sent again (`in_doubt`). A row claimed since is another run still sending: left alone,
    so its `posted` is not overwritten. True when marked."""
    c = alert_posts.c
    stale = update(alert_posts).where(
        *_post_where(channel, subject, crossing), c.status == "sending", c.claimed_at < (now - LEASE).isoformat()
    )
    with store.shared.write() as conn:
        return conn.execute(stale.values(status="in_doubt")).rowcount == 1


def record_skip(store: Store, channel: ChannelKey, subject: str, crossing: str, reason: str, now: datetime) -> None:
    """Record a crossing that must never be posted (a relative alert already met when it was set)."""
    stmt = _new_post(store, channel, subject, crossing, now, status="skipped", error=reason)
    with store.shared.write() as conn:
        conn.execute(stmt.on_conflict_do_nothing())


def _new_post(store: Store, channel: ChannelKey, subject: str, crossing: str, now: datetime, **values: Any) -> Any:
    """The dialect's INSERT of a ledger row for this crossing, stamped `now`, with `values` (status, …)."""
    key = {"enterprise_id": channel[0], "team_id": channel[1], "channel_id": channel[2]}
    row = key | {"subject": subject, "crossing": crossing, "claimed_at": now.isoformat()} | values
    return store.shared.insert(alert_posts).values(**row)
