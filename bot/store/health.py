"""Whether the store can serve answers right now: readable, and its shared state writable.

`/healthz` asks this on every probe, so it is cheap: one read of `meta` and one committed one-row
write. A committed write is the only honest test of writability — a read-only file, a full disk or
an I/O error shows only when SQLite has to write pages.
"""

from __future__ import annotations

import sqlite3

from bot.store.connection import Store, now_iso


def health_problem(store: Store) -> str | None:
    """None when healthy, else one line saying what is wrong (SQLite's own words)."""
    try:
        store.db.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    except sqlite3.Error as exc:
        return f"the store {store.path} cannot be read: {exc}"
    try:
        with store.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('health_checked_at', ?)", [now_iso()])
    except sqlite3.Error as exc:
        return f"the store {store.path} cannot be written: {exc}"
    return None
