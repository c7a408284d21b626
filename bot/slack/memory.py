"""Keeping the Slack app's processes small: fewer malloc arenas, free memory handed back to the system.

Measured with `benchmarks/bench_soak.py` (BENCHMARKS.md): CPython frees most of what a request allocates,
but glibc keeps freed memory in the process, spread over one arena per thread that ever allocated (up to
8 per core), so the resident size of a threaded web process creeps up with traffic; building the project
index (CSV parsing) also leaves ~25 MiB free-but-resident behind. Two glibc calls fix both; elsewhere
(macOS, musl) they are skipped and nothing else changes.
"""

from __future__ import annotations

import ctypes
import functools
import gc
import logging
import os
import threading
from collections.abc import Callable

log = logging.getLogger("fwtrend.memory")

ARENAS = 2
"""malloc arenas per process: the threads mostly wait on the network, so they rarely contend for one."""
M_ARENA_MAX = -8  # glibc's mallopt parameter number
TRIM_EVERY_S = 30.0


@functools.cache
def _libc() -> ctypes.CDLL | None:
    # dlopen(NULL): the symbols already loaded, glibc's among them. ctypes.util.find_library would run
    # `ldconfig -p` in a subprocess, on the way to /healthz 200 in every web worker.
    try:
        libc = ctypes.CDLL(None)
    except OSError:
        return None
    return libc if hasattr(libc, "malloc_trim") else None


def limit_arenas(arenas: int = ARENAS) -> None:
    """Cap malloc arenas in this process and, through the environment, in the processes it starts (glibc
    reads MALLOC_ARENA_MAX when a process starts). Call before starting threads."""
    os.environ.setdefault("MALLOC_ARENA_MAX", str(arenas))
    libc = _libc()
    if libc is not None:
        libc.mallopt(M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))


def release_free_memory() -> int:
    """Collect garbage and hand free heap pages back to the system. Returns this process's id (so a
    process pool can be asked to run it and say who did)."""
    gc.collect()
    libc = _libc()
    if libc is not None:
        libc.malloc_trim(0)
    return os.getpid()


def start_trimming(
    also: Callable[[], object] | None = None, every_s: float = TRIM_EVERY_S
) -> tuple[threading.Thread, threading.Event]:
    """Every `every_s` seconds, `release_free_memory()` here and `also()` (e.g. the same in the render
    processes), on a daemon thread. Set the returned event to stop it; it also stops once `also` raises
    RuntimeError (a process pool that was shut down)."""
    stop = threading.Event()

    def run() -> None:
        while not stop.wait(every_s):
            try:
                release_free_memory()
                if also is not None:
                    also()
            except RuntimeError:  # the pool was shut down: the app is stopping
                return
            except Exception:  # a failed trim costs memory, never an answer
                log.debug("releasing free memory failed", exc_info=True)

    thread = threading.Thread(target=run, name="fwtrend-memory", daemon=True)
    thread.start()
    return thread, stop
