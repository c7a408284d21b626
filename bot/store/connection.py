"""The SQLite metrics store: schema, migrations, and the few reads and writes the rest of fwtrend needs.

One file, WAL mode, so the bot keeps answering while a refresh writes. Every write goes through
`upsert_observations`, which never replaces a figure with one from a less trusted source.
"""

from __future__ import annotations

import importlib
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import platformdirs
import sqlite_utils

CACHE_SIZE = 512

# Where two sources give a figure for the same framework, metric and date, the higher rank wins:
# a count taken at the time beats one rebuilt later.
SOURCE_RANK: dict[str, int] = {
    "github": 50,
    "pypistats": 50,
    "clickhouse": 45,
    "npm": 50,
    "stackexchange": 50,
    "huggingface": 50,
    "arxiv": 50,
    "bestof": 40,
    "top_pypi": 40,
    "article": 40,
    "repostory": 30,
}

OBSERVATION_KEYS = ("framework", "metric", "date", "value", "source", "method", "note")


def default_db_path() -> Path:
    return Path(platformdirs.user_data_dir("fwtrend", appauthor=False)) / "fwtrend.db"


def _migration_1(db: sqlite_utils.Database) -> None:
    db.execute(
        """CREATE TABLE IF NOT EXISTS observations (
            framework TEXT NOT NULL,
            metric TEXT NOT NULL,
            date TEXT NOT NULL,
            value REAL NOT NULL,
            source TEXT NOT NULL,
            method TEXT,
            note TEXT,
            rank INTEGER NOT NULL DEFAULT 0,
            fetched_at TEXT,
            PRIMARY KEY (framework, metric, date)
        ) WITHOUT ROWID"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS observations_metric_date ON observations (metric, date)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS metrics (
            id TEXT PRIMARY KEY, label TEXT, unit TEXT, kind TEXT, note TEXT)"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS sources (
            id TEXT PRIMARY KEY, name TEXT, url TEXT, licence TEXT, credit TEXT, provenance TEXT)"""
    )
    db.execute(
        """CREATE TABLE IF NOT EXISTS refresh_runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            source TEXT NOT NULL,
            framework TEXT,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            rows INTEGER NOT NULL DEFAULT 0,
            error TEXT
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS refresh_runs_source ON refresh_runs (source, status, finished_at)")
    db.execute(
        """CREATE TABLE IF NOT EXISTS article_claims (
            as_of TEXT, framework TEXT, metric TEXT, value REAL, unit TEXT, population TEXT, source TEXT,
            PRIMARY KEY (as_of, framework, metric, population))"""
    )


def _migration_2(db: sqlite_utils.Database) -> None:
    # Bytes per language of each framework's repository (GitHub /languages), one make-up per day.
    db.execute(
        """CREATE TABLE IF NOT EXISTS github_languages (
            framework TEXT NOT NULL,
            date TEXT NOT NULL,
            language TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            source TEXT NOT NULL DEFAULT 'github',
            PRIMARY KEY (framework, date, language)
        ) WITHOUT ROWID"""
    )


# Each entry moves the core schema one version forward; never edit a released one, append a new one.
MIGRATIONS: list[Callable[[sqlite_utils.Database], None]] = [_migration_1, _migration_2]

# Feature modules own their tables (thread context, digests, languages). Their migrations are named,
# recorded once applied, and must be idempotent; migrate() imports these modules first so every
# process creates the same tables whatever it happened to import.
FEATURE_MODULES: tuple[str, ...] = ("bot.store.threads", "bot.store.digests")
FEATURE_MIGRATIONS: dict[str, Callable[[sqlite_utils.Database], None]] = {}


def register_migration(fn: Callable[[sqlite_utils.Database], None]) -> None:
    """Register a feature's table-creating migration under its qualified name."""
    FEATURE_MIGRATIONS[f"{fn.__module__}.{fn.__qualname__}"] = fn


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Store:
    """A handle on the store file. Each thread gets its own SQLite connection."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self._local = threading.local()
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._cache_version = -1
        self._cache_lock = threading.Lock()

    # -- connections ---------------------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            conn = sqlite3.connect(self.path, timeout=30, check_same_thread=False, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA busy_timeout=30000")
            conn.execute("PRAGMA synchronous=NORMAL")
            db = sqlite_utils.Database(conn)
            self._local.db = db
        return db

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None

    # -- schema --------------------------------------------------------------------------------
    def migrate(self) -> int:
        db = self.db
        db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
        db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        for module in FEATURE_MODULES:
            importlib.import_module(module)
        if self._up_to_date():
            return len(MIGRATIONS)
        # Web, worker and clock processes may open a new store at once: each step re-checks inside its
        # write transaction (BEGIN IMMEDIATE), so a step runs once.
        for version, migration in enumerate(MIGRATIONS, start=1):
            with self.transaction():
                if int(self.get_meta("schema_version") or 0) >= version:
                    continue
                migration(db)
                self.set_meta("schema_version", str(version))
        for name, migration in FEATURE_MIGRATIONS.items():
            with self.transaction():
                if db.execute("SELECT 1 FROM migrations WHERE name = ?", [name]).fetchone():
                    continue
                migration(db)
                db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [name, now_iso()])
        return len(MIGRATIONS)

    def _up_to_date(self) -> bool:
        """Whether every migration is applied (a read: opening an up-to-date store takes no write lock)."""
        if int(self.get_meta("schema_version") or 0) < len(MIGRATIONS):
            return False
        applied = {row[0] for row in self.db.execute("SELECT name FROM migrations").fetchall()}
        return set(FEATURE_MIGRATIONS) <= applied

    def transaction(self):
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

    def _bump_version(self) -> None:
        self.db.execute(
            "INSERT INTO meta (key, value) VALUES ('data_version', '1') "
            "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    # -- writes --------------------------------------------------------------------------------
    def upsert_observations(self, rows: Iterable[Mapping[str, Any]], *, in_transaction: bool = False) -> int:
        """Write figures, keeping any existing figure from a better-ranked source. Returns rows written.

        All rows land in one transaction, or none do.
        """
        fetched = now_iso()
        params = []
        for row in rows:
            value = row["value"]
            if value is None:
                continue
            params.append(
                (
                    row["framework"],
                    row["metric"],
                    str(row["date"])[:10],
                    float(value),
                    row["source"],
                    row.get("method"),
                    row.get("note"),
                    SOURCE_RANK.get(row["source"], 10),
                    fetched,
                )
            )
        if not params:
            return 0
        sql = """INSERT INTO observations
                   (framework, metric, date, value, source, method, note, rank, fetched_at)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                 ON CONFLICT (framework, metric, date) DO UPDATE SET
                   value = excluded.value, source = excluded.source, method = excluded.method,
                   note = excluded.note, rank = excluded.rank, fetched_at = excluded.fetched_at
                 WHERE excluded.rank >= observations.rank"""
        if in_transaction:
            before = self.db.conn.total_changes
            self.db.conn.executemany(sql, params)
            written = self.db.conn.total_changes - before
            self._bump_version()
            return written
        with self.transaction():
            before = self.db.conn.total_changes
            self.db.conn.executemany(sql, params)
            written = self.db.conn.total_changes - before
            self._bump_version()
        return written

    def replace_rows(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        """INSERT OR REPLACE rows into a table whose columns are the rows' keys.

        Plain SQL rather than sqlite-utils' insert_all, which commits on its own and so would end
        a surrounding transaction early.
        """
        rows = list(rows)
        if not rows:
            return
        columns = list(rows[0])
        sql = (
            f"INSERT OR REPLACE INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
        )
        self.db.conn.executemany(sql, [[row.get(c) for c in columns] for row in rows])

    def upsert_sources(self, sources: Iterable[Mapping[str, Any]]) -> None:
        self.replace_rows("sources", sources)

    def upsert_metrics(self, metrics: Iterable[Mapping[str, Any]]) -> None:
        self.replace_rows("metrics", metrics)

    # -- refresh runs --------------------------------------------------------------------------
    def start_run(self, source: str, framework: str | None = None) -> int:
        cur = self.db.execute(
            "INSERT INTO refresh_runs (source, framework, started_at, status) VALUES (?, ?, ?, 'running')",
            [source, framework, now_iso()],
        )
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, rows: int = 0, error: str | None = None) -> None:
        self.db.execute(
            "UPDATE refresh_runs SET finished_at = ?, status = ?, rows = ?, error = ? WHERE id = ?",
            [now_iso(), status, rows, error, run_id],
        )

    def last_good_refresh(self, source: str) -> str | None:
        row = self.db.execute(
            "SELECT MAX(finished_at) FROM refresh_runs WHERE source = ? AND status = 'ok'", [source]
        ).fetchone()
        return row[0] if row else None

    def last_run(self, source: str) -> dict[str, Any] | None:
        rows = list(self.db.query("SELECT * FROM refresh_runs WHERE source = ? ORDER BY id DESC LIMIT 1", [source]))
        return rows[0] if rows else None

    # -- reads ---------------------------------------------------------------------------------
    def observations(self, metric: str, frameworks: Iterable[str] | None = None) -> list[dict[str, Any]]:
        sql = "SELECT framework, date, value, source, method, note FROM observations WHERE metric = ?"
        args: list[Any] = [metric]
        if frameworks is not None:
            fws = list(frameworks)
            sql += f" AND framework IN ({', '.join('?' for _ in fws)})"
            args += fws
        sql += " ORDER BY framework, date"
        return list(self.db.query(sql, args))

    def latest_date(self, framework: str, metric: str, source: str | None = None) -> str | None:
        sql = "SELECT MAX(date) FROM observations WHERE framework = ? AND metric = ?"
        args = [framework, metric]
        if source:
            sql += " AND source = ?"
            args.append(source)
        row = self.db.execute(sql, args).fetchone()
        return row[0] if row else None

    def count(self, table: str = "observations") -> int:
        return self.db[table].count

    def counts_by_source(self) -> dict[str, int]:
        return {
            row["source"]: row["n"]
            for row in self.db.query("SELECT source, COUNT(*) AS n FROM observations GROUP BY source")
        }

    def sources(self) -> dict[str, dict[str, Any]]:
        return {row["id"]: row for row in self.db.query("SELECT * FROM sources")}

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


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, so a writer takes the lock up front and readers are never blocked."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.depth_owner = False

    def __enter__(self):
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
            self.depth_owner = True
        return self.conn

    def __exit__(self, exc_type, exc, tb):
        if not self.depth_owner:
            return False
        if exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
        return False


_STORES: dict[Path, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(path: Path | str | None = None, *, seed: bool = True) -> Store:
    """Open (creating and migrating as needed) the store; fill an empty one from the bundled seed."""
    from bot.settings import get_settings  # settings read the environment; keep the import lazy

    path = Path(path) if path else get_settings().db_path
    path = path.expanduser().resolve()
    with _STORES_LOCK:
        store = _STORES.get(path)
        if store is not None:
            return store
        path.parent.mkdir(parents=True, exist_ok=True)
        store = Store(path)
        store.migrate()
        if seed and store.get_meta("seeded_at") is None:
            from bot.ingest.seed import load_seed

            load_seed(store)
        _STORES[path] = store
        return store


def forget_stores() -> None:
    """Tests open many stores; this drops the process-wide handles."""
    with _STORES_LOCK:
        for store in _STORES.values():
            store.close()
        _STORES.clear()
