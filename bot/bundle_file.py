"""Where this release's bundle of projects' figures is (a read-only SQLite file in the user cache), without
building or unpacking it: light on purpose (the standard library, `bot.paths`, `bot.project_index`'s file
names), so the catalog can read the bundle's `projects` table at start without loading the store's
libraries or the ingest layer. `bot.ingest.bundle` builds and unpacks the file; `bot.store.bundled` knows
its layout.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
from pathlib import Path

from bot.paths import bundle_cache_dir, data_dir, seed_dir
from bot.project_index import BESTOF_FILE, REPOSTORY_FILE, TOP_PYPI_FILE

FORMAT = "2"
"""Bumped when the compact layout (`bot.store.bundled`) changes: the cached file's name carries it, so an
old one is not read."""

SHIPPED_FILE = "bundled_projects.db.gz"
"""The prebuilt bundle inside the package's data folder (`data/` in a checkout, `bot/_data` installed)."""

SOURCE_FILES = (BESTOF_FILE, TOP_PYPI_FILE, REPOSTORY_FILE, "pypi_snapshot_meta.csv")
"""The files in `data/seed/` the bundle's rows are read from (with `data/frameworks.toml`)."""


def shipped_path() -> Path:
    return data_dir() / SHIPPED_FILE


def bundle_key(folder: Path | None = None) -> str:
    """A short hash naming the cached bundle: of the shipped file, or when there is none (a checkout that
    removed it), of everything the bundle is built from (the CSVs, the catalog)."""
    shipped = shipped_path()
    if folder is None and shipped.is_file():
        stat = shipped.stat()
        return _shipped_key(shipped, stat.st_size, stat.st_mtime_ns)
    digest = hashlib.sha256(FORMAT.encode())
    folder = folder or seed_dir()
    for path in (*(folder / name for name in SOURCE_FILES), data_dir() / "frameworks.toml"):
        digest.update(path.read_bytes())
    return "csv-" + digest.hexdigest()[:16]


@functools.lru_cache(maxsize=4)
def _shipped_key(path: Path, size: int, mtime_ns: int) -> str:
    """The shipped file's hash, once per process and version of the file (every store opening asks)."""
    return hashlib.sha256(FORMAT.encode() + path.read_bytes()).hexdigest()[:16]


def bundle_path(folder: Path | None = None) -> Path:
    return bundle_cache_dir() / f"bundle-{bundle_key(folder)}.db"


def usable(path: Path) -> bool:
    """Whether `path` is a complete bundle SQLite can read (it is replaced atomically, never half written)."""
    if not path.is_file():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        conn.execute("SELECT 1 FROM observations LIMIT 1").fetchall()
        return True
    except sqlite3.Error:
        return False
    finally:
        conn.close()
