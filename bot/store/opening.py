"""`open_store(path)`: one process-wide, migrated handle per store file.

Seeding is not the store's job: the program's entry points open stores through
`bot.ingest.seed.open_seeded_store`, which fills an empty one from the bundled history.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import sqlalchemy.exc

from bot.store.connection import Store, cannot_write
from bot.store.migrations import migrate, newer_than_this_version
from bot.store.shared import NewerSchema, database_url, error_line, forget_shared_states, prepare

_STORES: dict[Path, Store] = {}


class StoreUnusable(SystemExit):
    """The store file cannot be used: one line naming the file and the reason, exit status 1, no traceback."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"fwtrend: cannot use the store {path}: {reason}")


_STORES_LOCK = threading.Lock()


def open_store(path: Path | str) -> Store:
    """The handle on the store file at `path` (created, and migrated to the latest schema, as needed), its
    shared state in FWTREND_DATABASE_URL's database when that is set (tables created there as needed)."""
    path = Path(path).expanduser().resolve()
    url = database_url()
    with _STORES_LOCK:
        store = _STORES.get(path)
        if store is not None and store.database_url == url:
            return store
        store = _open_checked(path, url)
        _STORES[path] = store
        return store


def read_only_reason(path: Path) -> str | None:
    """Why the existing store file at `path` must be opened read-only, or None (writable, or not there yet).

    A file or folder without any write permission bit counts as read-only even for root, who may write
    anywhere: chmod 0444 is how an operator says "read, never write" (e.g. a shared or archived store)."""
    if not path.is_file():
        return None
    if not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222:
        return "the file is read-only"
    folder = path.parent
    if not os.access(folder, os.W_OK) or not folder.stat().st_mode & 0o222:
        return "its folder is read-only"
    return None


def _open_checked(path: Path, url: str | None = None) -> Store:
    """Open and migrate, or raise StoreUnusable: a corrupt or foreign file, one written by a newer version,
    or one SQLite cannot open or write (its own words, e.g. "disk I/O error", are the reason); a shared
    database (FWTREND_DATABASE_URL) that cannot be reached or is newer than this version.

    A read-only store (`read_only_reason`) that needs no migration opens for reading: answers come from it,
    and the log says once that what it would write is not kept."""
    try:
        read_only = read_only_reason(path)
    except OSError as exc:
        raise StoreUnusable(path, exc.strerror or str(exc)) from None
    store = Store(path, read_only=read_only, database_url=url)
    if url is not None:
        try:
            prepare(store.shared)
        except NewerSchema as exc:
            raise StoreUnusable(path, f"FWTREND_DATABASE_URL's database was {exc}; upgrade fwtrend") from None
        except sqlalchemy.exc.SQLAlchemyError as exc:
            reason = error_line(exc, url)  # never the URL's password
            raise StoreUnusable(path, f"cannot use FWTREND_DATABASE_URL's database ({reason})") from None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        newer = newer_than_this_version(store)
        if newer:
            raise StoreUnusable(path, f"{newer}; upgrade fwtrend, or point FWTREND_DB at another file")
        migrate(store)
    except sqlite3.DatabaseError as exc:
        store.close()
        reason = str(exc)
        if "not a database" in reason:
            reason = "it is not a SQLite database (corrupt, or another kind of file)"
        elif read_only and cannot_write(exc):
            reason = f"{read_only} and was written by an older fwtrend: it needs upgrading, which writes to it"
        raise StoreUnusable(path, reason) from None
    except OSError as exc:
        raise StoreUnusable(path, exc.strerror or str(exc)) from None
    except StoreUnusable:
        store.close()
        raise
    if read_only:
        store.note_cannot_write()  # said once, now: the writes that only help will be skipped quietly
    return store


def forget_stores() -> None:
    """Tests open many stores; this drops the process-wide handles."""
    with _STORES_LOCK:
        for store in _STORES.values():
            store.close()
        _STORES.clear()
    forget_shared_states()
