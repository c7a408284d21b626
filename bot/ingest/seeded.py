"""Opening the store the program answers from: filled from the bundled seed the first time.

What the program's entry points (CLI, Slack app, clock) and the tests' fixtures open. The seed loader
(`bot.ingest.seed`, which needs pandas) is imported only when a store is still empty: a web or render
process opening a filled store never loads pandas (start-up time and memory).
"""

from __future__ import annotations

from pathlib import Path

from bot.catalog import catalog
from bot.settings import get_settings
from bot.store.connection import Store
from bot.store.opening import open_store
from bot.store.projects import live_projects


def open_seeded_store(path: Path | str | None = None) -> Store:
    """The store at `path` (default: FWTREND_DB or the user data dir), filled from the bundled seed if empty."""
    store = open_store(path or get_settings().db_path)
    if store.get_meta("seeded_at") is None:
        from bot.ingest.seed import load_seed  # pandas: only for an empty store (see the module docstring)

        with store.transaction():
            # re-checked under the write lock, so two processes opening a new store seed it once
            if store.get_meta("seeded_at") is None:
                load_seed(store)
    if store.bundle is None:
        # Once per store and process: finding the bundle hashes every bundled file (~9 MB read). Done per
        # request, that was most of the web process's CPU per ack and its memory growth (allocator churn).
        from bot.ingest.bundle import ensure_bundle  # pandas only when this machine has no bundle yet

        store.attach_bundle(ensure_bundle())
    # Projects live look-ups stored (by any process) are names too: in answers, the watch list, the refresh.
    catalog().know_projects(live_projects(store), exactly=True)
    return store
