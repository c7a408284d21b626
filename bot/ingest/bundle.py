"""The bundled projects' figures (thousands of PyPI packages and ML projects, ~880k rows), built from
`data/seed/` into one read-only SQLite file per machine and attached to every store.

Building it from the CSVs takes seconds (pandas, then SQLite inserting ~880k rows), far more than filling
a store with the 11 frameworks, so it is built once per content of the bundled files (the file name
carries their hash) and shared by every store on the machine; a store reads it beside its own figures
(`Store.attach_bundle`). `fwtrend bundle --rebuild` rebuilds it from the CSVs.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
from pathlib import Path

from bot.catalog import Catalog, catalog
from bot.ingest.seed_projects import PROJECT_READERS, upsert_bundled_projects
from bot.paths import bundle_cache_dir, data_dir, seed_dir
from bot.project_index import BESTOF_FILE, REPOSTORY_FILE, TOP_PYPI_FILE
from bot.store.connection import Store
from bot.store.migrations import migrate
from bot.store.observations import insert_bundled_observations

BUNDLE_FORMAT = "1"
"""Bumped when the bundle's rows are built differently: a new file name, so it is rebuilt."""


def bundle_key(folder: Path | None = None) -> str:
    """A short hash of everything the bundle is built from (the files, the catalog, the format)."""
    folder = folder or seed_dir()
    digest = hashlib.sha256(BUNDLE_FORMAT.encode())
    for path in (
        folder / BESTOF_FILE,
        folder / TOP_PYPI_FILE,
        folder / REPOSTORY_FILE,
        folder / "pypi_snapshot_meta.csv",
        data_dir() / "frameworks.toml",
    ):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def bundle_path(folder: Path | None = None) -> Path:
    return bundle_cache_dir() / f"bundle-{bundle_key(folder)}.db"


def build_bundle(path: Path, folder: Path | None = None, cat: Catalog | None = None) -> dict[str, int]:
    """Build the bundle at `path` from the CSVs (replacing it atomically). Returns rows written per file."""
    folder = folder or seed_dir()
    cat = cat or catalog()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    store = Store(tmp)
    try:
        migrate(store)
        store.db.execute("PRAGMA cache_size=-200000")
        counts = {"projects": upsert_bundled_projects(store, cat)}
        # The (metric, date) index is built once at the end, not kept up to date row by row.
        store.db.execute("DROP INDEX IF EXISTS observations_metric_date")
        for name, reader in PROJECT_READERS:
            counts[name] = insert_bundled_observations(store, reader(folder, cat))
        store.db.execute("CREATE INDEX observations_metric_date ON observations (metric, date)")
        store.db.execute("PRAGMA journal_mode=DELETE")  # read-only from now on: no -wal/-shm beside it
    finally:
        store.close()
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)
    return counts


def ensure_bundle(folder: Path | None = None) -> Path:
    """The bundle for the current bundled files, built now if this machine has none yet."""
    path = bundle_path(folder)
    if not _usable(path):
        build_bundle(path, folder)
    return path


def _usable(path: Path) -> bool:
    if not path.is_file():
        return False
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            conn.execute("SELECT 1 FROM observations LIMIT 1").fetchall()
        return True
    except sqlite3.Error:
        return False
