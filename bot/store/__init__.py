"""The SQLite store: connection, named migrations and one module per family of tables."""

import sys


def _import_sqlite_utils_without_pandas() -> None:
    """Import sqlite_utils without letting it import pandas and numpy (~0.35 s of CPU per process).

    sqlite_utils imports them only to map their types to column types when it creates tables from values
    (`insert`, `upsert`), which this program never does: tables are created by SQL (`migrations`), rows
    written by SQL. So the web worker, the render process and the start-up check of `fwtrend serve` stay
    free of pandas. Done before any thread starts (the store's modules are imported first thing); a process
    that has already loaded pandas or numpy (seeding, the tests) imports sqlite_utils as usual, and either
    can still be imported normally afterwards."""
    if "sqlite_utils" in sys.modules or "pandas" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["pandas"] = sys.modules["numpy"] = None  # type: ignore[assignment]  # import fails: ImportError
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["pandas"], sys.modules["numpy"]


_import_sqlite_utils_without_pandas()
