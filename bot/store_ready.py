"""Whether a store file can be served as it is: told with plain sqlite3, in milliseconds.

`fwtrend serve --http` checks the store before anything is served (`bot.slack.launch`). Opening it for
real (`bot.ingest.seeded`) loads SQLAlchemy, sqlite_utils and the catalog, ~0.3 s of CPU before gunicorn
may start. On every start but a machine's first and an upgrade's, the store is already seeded and migrated
and the bundle unpacked; this module says so without those libraries. It only ever answers "yes, as it
is" or "ask the full check": a new, older, newer, corrupt, unreadable or foreign file, a missing bundle or
a shared database (FWTREND_DATABASE_URL) all go to the full check, which gives the reason in one line.

Outside `bot.store` on purpose: importing that package loads sqlite_utils, which gunicorn's master (where
this runs) must not hold (memory, BENCHMARKS.md).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.bundle_file import bundle_path, usable

MIGRATION_NAMES = (
    "0001_observations",
    "0002_github_languages",
    "threads",
    "digests",
    "slack_events_seen",
    "projects",
    "watch_list",
    "alerts",
    "classic_blocks",
    "live_lookups",
    "answer_jobs",
    "answer_job_steps",
)
"""The names of `bot.store.migrations.MIGRATIONS`, in order (a test keeps the two the same)."""
SCHEMA_VERSION = "2"
"""`meta.schema_version` of a store migrated by this version (the highest step numbered that way)."""


def serves_as_is(path: Path, database_url: str | None = None) -> bool:
    """True when the store file at `path` is seeded, has exactly this version's migrations and schema
    version, this release's bundle is unpacked and the shared state is in the file itself (no
    `database_url`). Never writes, never creates the file; False on any doubt, any SQLite error included."""
    try:
        return not database_url and path.is_file() and _migrated_and_seeded(path) and usable(bundle_path())
    except (OSError, ValueError, sqlite3.Error):  # e.g. a folder on the way that cannot be searched
        return False


def _migrated_and_seeded(path: Path) -> bool:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        applied = {row[0] for row in conn.execute("SELECT name FROM migrations")}
        meta = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('seeded_at', 'schema_version')"))
    finally:
        conn.close()
    return applied == set(MIGRATION_NAMES) and meta.get("schema_version") == SCHEMA_VERSION and "seeded_at" in meta
