"""The durable answer queue: the work behind an acknowledged Slack request, recorded before the ack.

One `answer_jobs` row per request: its `kind` ("command", "message", "update", "share", "home", "ask") and a
JSON `payload` holding everything needed to answer later (workspace, channel, user, thread, text,
response_url, action body…). The store knows nothing of the payload's shape (`bot.slack.jobs` does).

Life of a row: pending → running (claimed with a lease: `lease_owner`, `lease_expires`) → done. A worker that
dies leaves its lease to expire; any process then claims the row again. `not_after` (seconds since the epoch)
is when the answer stops being useful (a slash command's response_url lasts 30 minutes): a row claimed later
is handed over as too old, so the runner tells the user instead of answering.

Claiming is atomic across processes: `SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, the write lock of
BEGIN IMMEDIATE on SQLite; completing checks the lease owner, so a job is completed once.

`answer_job_steps` holds, per job, each change it already made in Slack (step 0, 1, … in order: the Web API
method and Slack's response), written as soon as Slack accepted it. A job run again after its worker died
replays those steps instead of repeating them (`bot.slack.job_journal`); they are dropped when it completes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from sqlalchemy import Column, Float, Index, Integer, Table, Text, func, insert, or_, select, update

from bot.store.connection import Store
from bot.store.shared import metadata
from bot.store.slack_events import record_delivery

answer_jobs = Table(
    "answer_jobs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", Text, nullable=False),
    Column("payload", Text, nullable=False),
    Column("status", Text, nullable=False, server_default="pending"),
    Column("created_at", Float, nullable=False),
    Column("not_after", Float, nullable=False),
    Column("lease_owner", Text),
    Column("lease_expires", Float),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("finished_at", Float),
    Column("outcome", Text),
    Index("answer_jobs_status", "status", "id"),
)

answer_job_steps = Table(
    "answer_job_steps",
    metadata,
    Column("job_id", Integer, primary_key=True, autoincrement=False),
    Column("step", Integer, primary_key=True, autoincrement=False),
    Column("method", Text, nullable=False),
    Column("response", Text, nullable=False),
    Column("done_at", Float, nullable=False),
)

DONE_KEEP_S = 24 * 3600
"""Seconds a finished row is kept (for counting and inspection) before it is dropped."""


def migrate_answer_jobs(db: sqlite_utils.Database) -> None:
    """Create the `answer_jobs` table and its index (idempotent)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS answer_jobs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending',
            created_at REAL NOT NULL,
            not_after REAL NOT NULL,
            lease_owner TEXT,
            lease_expires REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            finished_at REAL,
            outcome TEXT
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS answer_jobs_status ON answer_jobs (status, id)")


def migrate_answer_job_steps(db: sqlite_utils.Database) -> None:
    """Create the `answer_job_steps` table (idempotent)."""
    db.execute(
        """CREATE TABLE IF NOT EXISTS answer_job_steps (
            job_id INTEGER NOT NULL,
            step INTEGER NOT NULL,
            method TEXT NOT NULL,
            response TEXT NOT NULL,
            done_at REAL NOT NULL,
            PRIMARY KEY (job_id, step)
        )"""
    )


@dataclass(frozen=True)
class Job:
    """A claimed job: `payload` decoded from JSON; `too_old` when claimed after its `not_after`."""

    id: int
    kind: str
    payload: dict[str, Any]
    created_at: float
    attempts: int
    too_old: bool


def enqueue(
    store: Store,
    kind: str,
    payload: dict[str, Any],
    *,
    useful_for_s: float,
    delivery_keys: Iterable[str] = (),
    now: float | None = None,
) -> int | None:
    """Record a job (and, in the same transaction, the Slack delivery's keys). Returns its id, or None when
    the delivery was already taken (a retry or the same message as another event): nothing is recorded."""
    now = time.time() if now is None else now
    keys = list(dict.fromkeys(delivery_keys))
    shared = store.shared
    values = {
        "kind": kind,
        "payload": json.dumps(payload),
        "status": "pending",
        "created_at": now,
        "not_after": now + useful_for_s,
    }
    try:
        with shared.write() as conn:
            if keys and not record_delivery(shared, conn, keys, now):
                raise _Taken
            return int(conn.execute(insert(answer_jobs).values(**values).returning(answer_jobs.c.id)).scalar_one())
    except _Taken:
        return None


class _Taken(Exception):
    """Rolls back an enqueue whose delivery another process (or an earlier delivery) already took."""


def claim(store: Store, owner: str, lease_s: float, *, now: float | None = None) -> Job | None:
    """Take the oldest pending job, or one whose lease ran out (its worker died). None: nothing to do.

    `owner` never takes back its own running jobs: its heartbeat keeps them, however late it runs on a
    busy machine; a restarted process has a new owner id."""
    now = time.time() if now is None else now
    c = answer_jobs.c
    expired = (c.status == "running") & (c.lease_expires < now) & (c.lease_owner != owner)
    claimable = or_(c.status == "pending", expired)
    query = select(c.id).where(claimable).order_by(c.id).limit(1).with_for_update(skip_locked=True)
    with store.shared.write() as conn:
        job_id = conn.execute(query).scalar()
        if job_id is None:
            return None
        row = conn.execute(
            update(answer_jobs)
            .where(c.id == job_id, claimable)
            .values(status="running", lease_owner=owner, lease_expires=now + lease_s, attempts=c.attempts + 1)
            .returning(c.id, c.kind, c.payload, c.created_at, c.attempts, c.not_after)
        ).first()
    if row is None:
        return None
    return Job(row[0], row[1], json.loads(row[2]), row[3], row[4], too_old=now > row[5])


def renew(store: Store, owner: str, lease_s: float, *, now: float | None = None) -> int:
    """Push back the lease of every job `owner` is running (the worker's heartbeat). Returns how many."""
    now = time.time() if now is None else now
    c = answer_jobs.c
    with store.shared.write() as conn:
        held = update(answer_jobs).where(c.lease_owner == owner, c.status == "running")
        return conn.execute(held.values(lease_expires=now + lease_s)).rowcount


PURGE_EVERY_S = 60.0
"""How often a process drops old rows (in `complete`): a scan of the queue, so not on every answer, whose
write lock the acks wait for."""
_purged_at: dict[str, float] = {}


def complete(store: Store, job_id: int, owner: str, outcome: str = "answered", *, now: float | None = None) -> bool:
    """Mark the job done, once: only while `owner` holds it, and drop its steps. False when the lease was lost
    to another worker (which goes on from the steps). About once a minute also drops rows finished more than
    DONE_KEEP_S ago, and steps whose job is done or gone (a clean-up that failed)."""
    now = time.time() if now is None else now
    c = answer_jobs.c
    with store.shared.write() as conn:
        done = conn.execute(
            update(answer_jobs)
            .where(c.id == job_id, c.lease_owner == owner, c.status == "running")
            .values(status="done", finished_at=now, outcome=outcome)
        )
        if done.rowcount == 1:
            conn.execute(answer_job_steps.delete().where(answer_job_steps.c.job_id == job_id))
    if now - _purged_at.get(str(store.path), 0.0) >= PURGE_EVERY_S:
        _purged_at[str(store.path)] = now
        purge(store, now=now)
    return done.rowcount == 1


def purge(store: Store, *, now: float | None = None) -> None:
    """Drop rows finished more than DONE_KEEP_S ago, and steps whose job is done or gone."""
    now = time.time() if now is None else now
    c = answer_jobs.c
    with store.shared.write() as conn:
        live = select(c.id).where(c.status.in_(("pending", "running")))
        conn.execute(answer_job_steps.delete().where(answer_job_steps.c.job_id.not_in(live)))
        conn.execute(answer_jobs.delete().where(c.status == "done", c.finished_at < now - DONE_KEEP_S))


def record_step(
    store: Store,
    job_id: int,
    owner: str,
    step: int,
    method: str,
    what: dict[str, Any],
    *,
    now: float | None = None,
) -> bool:
    """Record that step `step` of the job (a Web API `method`, e.g. "chat_postMessage", or "respond") was
    accepted by Slack; `what` (JSON-able) says where it went and what Slack answered. Only while `owner`
    holds the job: False, and nothing recorded, when another worker took it over or it is done."""
    now = time.time() if now is None else now
    shared = store.shared
    c = answer_jobs.c
    held = select(c.id).where(c.id == job_id, c.lease_owner == owner, c.status == "running").with_for_update()
    row = {"job_id": job_id, "step": step, "method": method, "response": json.dumps(what), "done_at": now}
    with shared.write() as conn:
        if conn.execute(held).first() is None:
            return False
        conn.execute(shared.insert(answer_job_steps).values(**row).on_conflict_do_nothing())
    return True


def forget_steps(store: Store, job_id: int, from_step: int) -> None:
    """Drop the job's steps from `from_step` on (a rerun took another path from there)."""
    c = answer_job_steps.c
    with store.shared.write() as conn:
        conn.execute(answer_job_steps.delete().where(c.job_id == job_id, c.step >= from_step))


def done_steps(store: Store, job_id: int) -> dict[int, tuple[str, dict[str, Any]]]:
    """Step number → (method, what was recorded) of each step the job already made in Slack."""
    c = answer_job_steps.c
    with store.shared.read() as conn:
        rows = conn.execute(select(c.step, c.method, c.response).where(c.job_id == job_id))
        return {step: (method, json.loads(response)) for step, method, response in rows}


def release(store: Store, owner: str, job_ids: Iterable[int] | None = None) -> int:
    """Hand jobs back (a worker shutting down): pending again, for any process to claim at once."""
    c = answer_jobs.c
    where = [c.lease_owner == owner, c.status == "running"]
    ids = list(job_ids) if job_ids is not None else None
    if ids is not None:
        if not ids:
            return 0
        where.append(c.id.in_(ids))
    with store.shared.write() as conn:
        return conn.execute(update(answer_jobs).where(*where).values(status="pending", lease_expires=None)).rowcount


def counts(store: Store) -> dict[str, int]:
    """Rows per status, e.g. {"pending": 2, "running": 1, "done": 40}."""
    c = answer_jobs.c
    with store.shared.read() as conn:
        return {row[0]: int(row[1]) for row in conn.execute(select(c.status, func.count()).group_by(c.status))}


def outcomes(store: Store) -> list[tuple[int, str, str | None, int]]:
    """(id, status, outcome, attempts) of every row, oldest first."""
    c = answer_jobs.c
    with store.shared.read() as conn:
        return [tuple(row) for row in conn.execute(select(c.id, c.status, c.outcome, c.attempts).order_by(c.id))]
