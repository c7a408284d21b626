"""Whether the store can serve answers right now: readable; and, when it can't take writes, why (logged once).

`/healthz` asks this on every probe, so it is cheap: one read of `meta` and one committed one-row write.
A committed write is the only honest test of writability — a read-only file, a full disk or an I/O error
shows only when SQLite has to write pages. Answers need only reads: a store that can be read but not
written (read-only, full) still answers, without the writes that only help (`connection.BEST_EFFORT_TABLES`),
so it is healthy; the log says once what is not kept. A read that fails, or an I/O error, is a problem.
"""

from __future__ import annotations

import sqlite3

from bot.store.connection import Store, cannot_write, now_iso

ANSWERS_WITHOUT_WRITES = ("SQLITE_READONLY", "SQLITE_FULL")
"""Write failures that leave answering intact: the disk is fine, it just takes no more writes."""


def health_problem(store: Store) -> str | None:
    """None when the store can serve answers, else one line saying what is wrong (SQLite's own words)."""
    try:
        store.db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    except sqlite3.Error as exc:
        return f"the store {store.path} cannot be read: {exc}"
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
