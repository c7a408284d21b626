"""A handle on the SQLite store file: one connection per thread, WAL, write transactions and the answer cache.

WAL mode, so the bot keeps answering while a refresh writes. The tables and their reads and writes live in
one module per family (observations.py, refresh_runs.py, threads.py, digests.py); migrations.py creates them.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from bot.store.shared import SharedState, shared_state, sqlite_url

CACHE_SIZE = 512


def now_iso() -> str:
    """The current UTC time to the second, ISO 8601 (e.g. "2026-09-20T04:00:00+00:00")."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """A handle on the store file. Each thread gets its own SQLite connection."""

    def __init__(self, path: Path | str, *, database_url: str | None = None):
        self.path = Path(path)
        self.database_url = database_url
        """Where the shared state lives (`bot.store.shared`); None: in this file."""
        self._local = threading.local()
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_version = -1
        self._cache_lock = threading.Lock()
        self._bundle: Path | None = None

    # -- connections ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA busy_timeout=30000")
            _use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            db = sqlite_utils.Database(conn)
            self._local.db = db
            if self._bundle is not None:
                _attach(conn, self._bundle)
        return db

    def attach_bundle(self, path: Path) -> None:
        """Read the bundled projects' figures (a read-only file built once per machine, see
        `bot.ingest.bundle`) beside this store's own: `observations` and `projects` then read both, while
        every write goes to this store (`main.`). The two never share a key: bundled projects are never
        frameworks."""
        if self._bundle == Path(path):
            return  # the store is opened again (stores are shared per path): already attached
        if self._bundle is not None:
            raise ValueError(f"{self.path} already reads the bundle {self._bundle}")
        self._bundle = Path(path)
        db = getattr(self._local, "db", None)
        if db is not None:
            _attach(db.conn, self._bundle)

    @property
    def shared(self) -> SharedState:
        """The shared state (threads, digests, queue, de-duplication, watch list): FWTREND_DATABASE_URL's
        database, or this very file."""
        return shared_state(self.database_url or sqlite_url(self.path))

    @property
    def bundle(self) -> Path | None:
        return self._bundle

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    def transaction(self) -> _Transaction:
        """`with store.transaction() as conn:` — BEGIN IMMEDIATE … COMMIT (ROLLBACK on error); nests."""
        return _Transaction(self.db.conn)

    # -- meta ----------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def data_version(self) -> int:
        """Goes up with every write of figures; answers are cached per version."""
        return int(self.get_meta("data_version") or 0)

    def bump_data_version(self) -> None:
        """Called by every write of figures (inside its transaction): empties the answer cache."""
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES ('data_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def count(self, table: str = "observations") -> int:
        """Rows in `table`."""
        return self.db[table].count

    # -- the answer cache ----------------------------------------------------------------------
    def cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        """Memoise `compute()` for the current data version (LRU, bounded); emptied when figures change.

        The version only moves forward: a computation that began before a refresh landed is returned
        to its caller but not kept, so it can neither serve stale figures nor empty the fresh cache.
        """
        version = self.data_version
        with self._cache_lock:
            if version > self._cache_version:
                self._cache.clear()
                self._cache_version = version
            if version == self._cache_version and key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        with self._cache_lock:
            if version == self._cache_version:
                self._cache[key] = value
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return value


def _attach(conn: sqlite3.Connection, path: Path) -> None:
    conn.execute("ATTACH DATABASE ? AS bundle", [str(path)])
    # TEMP views shadow the tables of the same name for reads; writes name `main.` explicitly.
    for table in ("observations", "projects"):
        union = f"SELECT * FROM main.{table} UNION ALL SELECT * FROM bundle.{table}"
        conn.execute(f"CREATE TEMP VIEW IF NOT EXISTS {table} AS {union}")


def _use_wal(conn: sqlite3.Connection, attempts: int = 50) -> None:
    """Switch the file to WAL mode (a no-op once it is). SQLite does not wait on the busy timeout for this
    switch, so processes opening a brand-new store together retry it briefly instead of failing."""
    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
        time.sleep(0.02 * (attempt + 1))


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, so a writer takes the lock up front and readers are never blocked."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.depth_owner = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.depth_owner = True
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> bool:
        if not self.depth_owner:
            return False
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False
