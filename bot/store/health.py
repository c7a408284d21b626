"""Whether the store can serve answers right now: readable; the shared state writable; and, when the store
file can't take writes, why (logged once).

`/healthz` asks this on every probe, so it is cheap: one read of `meta` and one committed one-row write.
A committed write is the only honest test of writability — a read-only file, a full disk or an I/O error
shows only when SQLite has to write pages. Answers need only reads: a store that can be read but not
written (read-only, full) still answers, without the writes that only help (`connection.BEST_EFFORT_TABLES`),
so it is healthy; the log says once what is not kept. A read that fails, or an I/O error, is a problem.

With FWTREND_DATABASE_URL the shared state (installations, ledgers, answer queue, …) is a PostgreSQL
database: without it no question can be taken, so a server that is stopped, unreachable or refusing writes
is a problem. Its check (one committed write to `shared_health`, under a short statement timeout) is cached
for `SHARED_CHECK_TTL_S` so that frequent probes stay fast and do not load the server.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import sqlalchemy.exc
from sqlalchemy import text

from bot.store.connection import Store, cannot_write, now_iso
from bot.store.shared import error_line, shared_health, shown_url

ANSWERS_WITHOUT_WRITES = ("SQLITE_READONLY", "SQLITE_FULL")
"""Write failures that leave answering intact: the disk is fine, it just takes no more writes."""

SHARED_CHECK_TTL_S = 1.5
"""How long (seconds) a shared-state check's verdict is reused before the database is asked again."""

_checked: dict[str, tuple[float, str | None]] = {}
"""database URL → (monotonic time the verdict expires, problem or None)."""
_checked_lock = threading.Lock()


def health_problem(store: Store) -> str | None:
    """None when the store can serve answers, else one line saying what is wrong (the database's own words,
    never a password)."""
    try:
        store.db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    except sqlite3.Error as exc:
        return f"the store {store.path} cannot be read: {exc}"
    if store.database_url is not None:
        problem = shared_state_problem(store)
        if problem is not None:
            return problem
    if store.read_only is not None:
        return None  # opened read-only on purpose (and said so when opened): answers come from reads
    try:
        with store.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('health_checked_at', ?)", [now_iso()])
    except sqlite3.Error as exc:
        name = getattr(exc, "sqlite_errorname", "") or ""
        if cannot_write(exc) and name.startswith(ANSWERS_WITHOUT_WRITES):
            store.note_cannot_write(exc)
            return None
        return f"the store {store.path} cannot be written: {exc}"
    return None


def shared_state_problem(store: Store) -> str | None:
    """None when FWTREND_DATABASE_URL's database (the shared state) takes a write now, else one line: which
    database (password hidden) and the driver's reason. Cached for SHARED_CHECK_TTL_S per database."""
    url = store.database_url
    if url is None:
        return None
    now = time.monotonic()
    with _checked_lock:
        cached = _checked.get(url)
    if cached is not None and cached[0] > now:
        return cached[1]
    problem = _check_shared_write(store, url)
    with _checked_lock:
        _checked[url] = (time.monotonic() + SHARED_CHECK_TTL_S, problem)
    return problem


def forget_health_checks() -> None:
    """Drop the cached verdicts (tests that change a database's state between probes)."""
    with _checked_lock:
        _checked.clear()


def _check_shared_write(store: Store, url: str) -> str | None:
    shared = store.shared
    try:
        with shared.write() as conn:
            if shared.is_sqlite:  # a SQLite URL: taking the write lock (BEGIN IMMEDIATE) is the check
                return None
            # A server that hangs (a full disk, a lock) fails the probe in seconds.
            conn.execute(text("SET LOCAL statement_timeout = 2000"))
            stmt = shared.insert(shared_health).values(name="healthz", checked_at=now_iso())
            conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"checked_at": now_iso()}))
    except sqlalchemy.exc.SQLAlchemyError as exc:
        return f"the shared state {shown_url(url)} cannot be written: {error_line(exc, url)}"
    return None
