"""Every table of the store, created by ONE explicit list of named migrations applied in order.

Nothing registers itself at import: `MIGRATIONS` below is the whole schema history. Each applied step is
recorded by name in the `migrations` table. Never edit a released step; append a new one.

Web, worker and clock processes may open a new store at once: each step re-checks inside its write
transaction (BEGIN IMMEDIATE), so each runs once. Opening an up-to-date store is a read and takes no lock.

Stores written by earlier versions recorded the same steps differently (`schema_version` 1-2 in `meta` for
the two numbered steps, the migrating function's dotted path for the others); `was` maps those records to
the step, so an old store upgrades without running a step twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlite_utils

from bot.store.alerts import migrate_alert_tables
from bot.store.answer_jobs import migrate_answer_job_steps, migrate_answer_jobs
from bot.store.block_support import migrate_block_support
from bot.store.connection import Store, now_iso
from bot.store.digests import migrate_digest_tables
from bot.store.live_lookups import migrate_live_lookups
from bot.store.projects import migrate_projects
from bot.store.slack_events import migrate_slack_events
from bot.store.threads import migrate_threads
from bot.store.watch_list import migrate_watch_list


def _0001_observations(db: sqlite_utils.Database) -> None:
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


def _0002_github_languages(db: sqlite_utils.Database) -> None:
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


@dataclass(frozen=True)
class Migration:
    name: str
    """Recorded in the `migrations` table once applied."""
    apply: Callable[[sqlite_utils.Database], None]
    schema_version: int | None = None
    """For the two steps earlier versions numbered: `meta.schema_version` at or above it means applied."""
    was: tuple[str, ...] = ()
    """Names earlier versions recorded for this step in the `migrations` table."""


MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_observations", _0001_observations, schema_version=1),
    Migration("0002_github_languages", _0002_github_languages, schema_version=2),
    Migration(
        "threads",
        migrate_threads,
        was=("bot.followup._migration_threads", "bot.understanding.followup._migration_threads"),
    ),
    Migration(
        "digests",
        migrate_digest_tables,
        was=("bot.digest.tables.migrate_digest_tables", "bot.store.digests.migrate_digest_tables"),
    ),
    Migration("slack_events_seen", migrate_slack_events),
    Migration("projects", migrate_projects),
    Migration("watch_list", migrate_watch_list),
    Migration("alerts", migrate_alert_tables),
    Migration("classic_blocks", migrate_block_support),
    Migration("live_lookups", migrate_live_lookups),
    Migration("answer_jobs", migrate_answer_jobs),
    Migration("answer_job_steps", migrate_answer_job_steps),
)


def _applied_names(store: Store) -> set[str]:
    return {row[0] for row in store.db.execute("SELECT name FROM migrations").fetchall()}


def _already_applied(store: Store, step: Migration, applied: set[str]) -> bool:
    """Whether `step` ran, here or under the record an earlier version kept of it."""
    if step.name in applied or applied.intersection(step.was):
        return True
    if step.schema_version is not None:
        return int(store.get_meta("schema_version") or 0) >= step.schema_version
    return False


def newer_than_this_version(store: Store) -> str | None:
    """Why the store was written by a newer fwtrend, or None: a schema version above the highest this
    version numbers, or a migration recorded that this version does not know (neither by name nor as
    an earlier version's record of one of its steps). Reads only; never changes the store."""
    known = {step.name for step in MIGRATIONS} | {old for step in MIGRATIONS for old in step.was}
    newest = max(step.schema_version or 0 for step in MIGRATIONS)
    if store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone():
        version = store.get_meta("schema_version")
        if version is not None and version.isdigit() and int(version) > newest:
            return f"written by a newer version of fwtrend (schema {version}; this version knows up to {newest})"
    if store.db.execute("SELECT 1 FROM sqlite_master WHERE name = 'migrations'").fetchone():
        unknown = sorted(_applied_names(store) - known)
        if unknown:
            return f"written by a newer version of fwtrend (it has migration {unknown[0]!r}, unknown to this one)"
    return None


def migrate(store: Store) -> list[str]:
    """Apply every step not yet recorded, in order, each in its own write transaction. Returns the names run.

    A step an earlier version applied under another record is recorded under its name without running.
    """
    db = store.db
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    if {step.name for step in MIGRATIONS} <= _applied_names(store):
        return []
    ran = []
    for step in MIGRATIONS:
        with store.transaction():
            applied = _applied_names(store)  # re-read under the write lock: another process may have run it
            if step.name in applied:
                continue
            if not _already_applied(store, step, applied):
                step.apply(db)
                ran.append(step.name)
                if step.schema_version is not None:  # kept for an older version opening this store
                    store.set_meta("schema_version", str(step.schema_version))
            db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", [step.name, now_iso()])
    return ran
