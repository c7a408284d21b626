"""The bundled projects' figures (thousands of PyPI packages and ML projects, ~880k rows): one read-only
SQLite file per machine in the user cache, attached to every store (`Store.attach_bundle`).

Building it from the CSVs in `data/seed/` takes seconds (pandas, then ~880k rows into SQLite), so the
package ships it prebuilt and gzipped (`data/bundled_projects.db.gz`, the compact layout of
`bot.store.bundled`): a machine's first run only unpacks it, in a fraction of a second. The CSVs stay the
provenance: `tools/build_bundle.py` makes the shipped file from them, a test checks it holds exactly their
rows, and `fwtrend bundle --rebuild` rebuilds the cached copy from them. The cached file's name carries a
hash of the shipped one, so a new release's figures are unpacked again.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

# Where the bundle is lives in `bot.bundle_file` (light: the catalog reads the bundle's projects from it);
# its names are re-exported here, beside building and unpacking.
from bot.bundle_file import FORMAT, SHIPPED_FILE, SOURCE_FILES, bundle_key, bundle_path, shipped_path, usable
from bot.paths import seed_dir
from bot.store.bundled import create_schema, write_points
from bot.store.connection import Store, now_iso
from bot.store.observations import SOURCE_RANK

if TYPE_CHECKING:
    from bot.catalog import Catalog

__all__ = [
    "FORMAT",
    "SHIPPED_FILE",
    "SOURCE_FILES",
    "build_bundle",
    "bundle_key",
    "bundle_path",
    "ensure_bundle",
    "shipped_path",
    "unpack_shipped",
    "usable",
    "write_shipped",
]


def build_bundle(path: Path, folder: Path | None = None, cat: Catalog | None = None) -> dict[str, int]:
    """Build the bundle at `path` from the CSVs (replacing it atomically). Returns rows written per file."""
    # pandas and the project index: only when building, never when a machine unpacks the shipped file.
    from bot.catalog import catalog
    from bot.ingest.seed_projects import PROJECT_READERS, upsert_bundled_projects

    folder = folder or seed_dir()
    cat = cat or catalog()
    with _replacing(path) as tmp:
        store = Store(tmp)
        try:
            create_schema(store.db)
            with store.transaction():
                counts = {"projects": upsert_bundled_projects(store, cat)}
                fetched = now_iso()
                for name, reader in PROJECT_READERS:
                    counts[name] = write_points(store.db, reader(folder, cat), SOURCE_RANK, fetched)
                store.db.execute("INSERT INTO meta VALUES ('format', ?), ('built_at', ?)", [FORMAT, fetched])
            store.db.execute("PRAGMA journal_mode=DELETE")  # read-only from now on: no -wal/-shm beside it
            store.db.execute("VACUUM")  # pages in key order, none free: smaller to ship, faster to read
        finally:
            store.close()
    return counts


def write_shipped(dest: Path | None = None, folder: Path | None = None) -> dict[str, int]:
    """Build the bundle from the CSVs and write it gzipped to `dest` (default: the shipped file), byte for
    byte the same for the same rows and build time. Returns rows written per file and `bytes` shipped."""
    dest = dest or shipped_path()
    with tempfile.TemporaryDirectory() as scratch:
        built = Path(scratch) / "bundle.db"
        counts = build_bundle(built, folder)
        # No name and no time in the gzip header: the same file gives the same bytes.
        with (
            _replacing(dest) as tmp,
            built.open("rb") as src,
            open(tmp, "wb") as raw,
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as out,
        ):
            shutil.copyfileobj(src, out, 1 << 20)
    return {**counts, "bytes": dest.stat().st_size}


def unpack_shipped(path: Path, shipped: Path | None = None) -> None:
    """Unpack the shipped bundle to `path` (replacing it atomically): a machine's first run."""
    with _replacing(path) as tmp, gzip.open(shipped or shipped_path(), "rb") as src, open(tmp, "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)


def ensure_bundle() -> Path:
    """The bundle for this release, unpacked (or, with no shipped file, built from the CSVs) if missing."""
    path = bundle_path()
    if not usable(path):
        if shipped_path().is_file():
            unpack_shipped(path)
        else:
            build_bundle(path)
    return path


@contextmanager
def _replacing(path: Path) -> Iterator[str]:
    """A temporary file beside `path` that becomes `path` (readable by all) when the block ends without
    error, so a reader never sees half a file; removed otherwise."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
