"""`open_store(path)`: one process-wide, migrated handle per store file.

Seeding is not the store's job: the program's entry points open stores through
`bot.ingest.seed.open_seeded_store`, which fills an empty one from the bundled history.
"""

from __future__ import annotations

import threading
from pathlib import Path

from bot.store.connection import Store
from bot.store.migrations import migrate

_STORES: dict[Path, Store] = {}
_STORES_LOCK = threading.Lock()


def open_store(path: Path | str) -> Store:
    """The handle on the store file at `path` (created, and migrated to the latest schema, as needed)."""
    path = Path(path).expanduser().resolve()
    with _STORES_LOCK:
        store = _STORES.get(path)
        if store is not None:
            return store
        path.parent.mkdir(parents=True, exist_ok=True)
        store = Store(path)
        migrate(store)
        _STORES[path] = store
        return store


def forget_stores() -> None:
    """Tests open many stores; this drops the process-wide handles."""
    with _STORES_LOCK:
        for store in _STORES.values():
            store.close()
        _STORES.clear()
