"""The alert tables, created by the "alerts" step of bot.store.migrations: `alerts` (what each channel asked
to be told) and `alert_posts`, the ledger that lets each crossing be posted exactly once (claim, mark), in
the style of `bot.store.digests`.

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

from bot.store.connection import Store

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


_COLUMNS = (
    "id, enterprise_id, team_id, channel_id, kind, framework, other, metric, threshold, change_pct, window, text, "
    "created_by, created_at"
)


def add_alert(store: Store, channel: ChannelKey, rule: dict[str, Any], *, created_by: str, now: datetime) -> int | None:
    """Store an alert (`rule`: kind, framework, other, metric, threshold, change_pct, window, text). Returns
    its id, or None when the channel already has the same alert."""
    values = {"other": "", "threshold": 0.0, "change_pct": 0.0, "window": "", "text": "", **rule}
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO alerts (enterprise_id, team_id, channel_id, kind, framework, other, metric, threshold, "
            "change_pct, window, text, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            [
                *channel,
                values["kind"],
                values["framework"],
                values["other"],
                values["metric"],
                float(values["threshold"]),
                float(values["change_pct"]),
                values["window"],
                values["text"],
                created_by,
                now.isoformat(),
            ],
        )
        return int(cur.lastrowid) if cur.rowcount == 1 and cur.lastrowid is not None else None


def same_alert(store: Store, channel: ChannelKey, rule: dict[str, Any]) -> Alert | None:
    """The channel's alert with exactly this rule, or None."""
    values = {"other": "", "threshold": 0.0, "change_pct": 0.0, "window": "", **rule}
    row = store.db.execute(
        f"SELECT {_COLUMNS} FROM alerts WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND kind = ? "
        "AND framework = ? AND other = ? AND metric = ? AND threshold = ? AND change_pct = ? AND window = ?",
        [
            *channel,
            values["kind"],
            values["framework"],
            values["other"],
            values["metric"],
            float(values["threshold"]),
            float(values["change_pct"]),
            values["window"],
        ],
    ).fetchone()
    return Alert(*row) if row else None


def channel_alerts(store: Store, channel: ChannelKey) -> list[Alert]:
    """The channel's alerts in the order they were set: their numbers in `/fwtrend alerts` are 1, 2, …"""
    rows = store.db.execute(
        f"SELECT {_COLUMNS} FROM alerts WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? ORDER BY id",
        list(channel),
    ).fetchall()
    return [Alert(*row) for row in rows]


def every_alert(store: Store) -> list[Alert]:
    """Every channel's alerts, oldest first."""
    return [Alert(*row) for row in store.db.execute(f"SELECT {_COLUMNS} FROM alerts ORDER BY id").fetchall()]


def remove_alert(store: Store, alert_id: int) -> bool:
    """Delete an alert (its ledger rows stay: they record what was posted). True if it was there."""
    with store.transaction() as conn:
        return conn.execute("DELETE FROM alerts WHERE id = ?", [alert_id]).rowcount == 1


def has_alerts_or_subscriptions(store: Store) -> bool:
    """Whether any channel could be posted an alert or a milestone (a cheap check before loading Slack)."""
    sql = "SELECT EXISTS (SELECT 1 FROM alerts) OR EXISTS (SELECT 1 FROM subscriptions WHERE paused = 0)"
    return bool(store.db.execute(sql).fetchone()[0])


# -- the ledger ----------------------------------------------------------------------------------------
def post_row(store: Store, channel: ChannelKey, subject: str, crossing: str) -> dict[str, Any] | None:
    """The ledger row of this crossing, or None."""
    rows = list(
        store.db.query(
            "SELECT * FROM alert_posts WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND subject = ? "
            "AND crossing = ?",
            [*channel, subject, crossing],
        )
    )
    return rows[0] if rows else None


def posted_rows(store: Store, subject: str) -> list[dict[str, Any]]:
    """Every ledger row of a subject (an alert's crossings: posted, skipped, …), oldest claim first."""
    return list(store.db.query("SELECT * FROM alert_posts WHERE subject = ? ORDER BY claimed_at", [subject]))


def claim(store: Store, channel: ChannelKey, subject: str, crossing: str, owner: str, now: datetime) -> bool:
    """Own this crossing or learn that another run does / did. Atomic under BEGIN IMMEDIATE: of two runs
    racing, one inserts the row and the other sees it. A `failed` row, or a `claimed` one older than LEASE,
    is taken over."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO alert_posts (enterprise_id, team_id, channel_id, subject, crossing, status, claimed_by, "
            "claimed_at, attempts) VALUES (?, ?, ?, ?, ?, 'claimed', ?, ?, 1) ON CONFLICT DO NOTHING",
            [*channel, subject, crossing, owner, now.isoformat()],
        )
        if cur.rowcount == 1:
            return True
        cur = conn.execute(
            "UPDATE alert_posts SET status = 'claimed', claimed_by = ?, claimed_at = ?, attempts = attempts + 1 "
            "WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND subject = ? AND crossing = ? "
            "AND (status = 'failed' OR (status = 'claimed' AND claimed_at < ?))",
            [owner, now.isoformat(), *channel, subject, crossing, (now - LEASE).isoformat()],
        )
        return cur.rowcount == 1


def mark(store: Store, channel: ChannelKey, subject: str, crossing: str, owner: str | None, **values: Any) -> None:
    """Set columns (status=…, error=…, message_ts=…) of a ledger row; only while `owner` holds it, unless None."""
    sets = ", ".join(f"{k} = ?" for k in values)
    sql = (
        f"UPDATE alert_posts SET {sets} WHERE enterprise_id = ? AND team_id = ? AND channel_id = ? AND subject = ? "
        "AND crossing = ?"
    )
    args = [*values.values(), *channel, subject, crossing]
    if owner is not None:
        sql += " AND claimed_by = ?"
        args.append(owner)
    with store.transaction() as conn:
        conn.execute(sql, args)


def record_skip(store: Store, channel: ChannelKey, subject: str, crossing: str, reason: str, now: datetime) -> None:
    """Record a crossing that must never be posted (a relative alert already met when it was set)."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO alert_posts (enterprise_id, team_id, channel_id, subject, crossing, status, claimed_at, "
            "error) VALUES (?, ?, ?, ?, ?, 'skipped', ?, ?) ON CONFLICT DO NOTHING",
            [*channel, subject, crossing, now.isoformat(), reason],
        )
