"""Where the Slack app does its slow work, away from Bolt's listener threads.

Bolt runs listeners on a small thread pool and answers Slack as soon as a listener calls `ack()`.
Computing an answer and drawing its chart (matplotlib, ~70-90 ms of CPU) inside that pool starves
it, and drawing on threads of the same process slows every ack through the GIL. So:

- The Slack side of an answer (posting, uploading, updating) runs on the answer queue's worker threads
  (`bot.slack.jobs`), which mostly wait on the network. `AnswerWorker.submit()` is the in-memory fallback
  (a bounded thread pool) for work the queue could not record: it does not survive the process.
- `AnswerWorker.render()` computes the answer, its Block Kit payload and its chart PNG in a small
  pool of *processes* started at a lower CPU priority (`os.nice`), each with its own SQLite
  connection. The web process keeps the CPU for acks.
- Rendered answers are cached per (query, store data version, day, private), so a repeated
  question costs a dictionary lookup.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bot.answering.engine import answer_query
from bot.catalog import catalog
from bot.ingest.seeded import open_seeded_store
from bot.slack import home
from bot.slack.blocks.answer import render_blocks
from bot.slack.blocks.home import home_view
from bot.understanding.grammar import Query

log = logging.getLogger("fwtrend.worker")

RENDER_NICE = 10
CACHE_SIZE = 256
RENDER_TIMEOUT_S = 60


@dataclass(frozen=True)
class Rendered:
    """An answer ready for Slack: the message payload and, when there is one, the chart PNG."""

    kind: str
    payload: dict[str, Any]
    png: bytes | None
    chart_title: str
    title: str
    classic: dict[str, Any] | None = None
    """The same message without the newer blocks (table, data_visualization), for workspaces that refuse
    them (`bot.slack.block_fallback`); None when `payload` has none of them."""


# -- what runs in the render processes ----------------------------------------------------------------
_db_path: Path | None = None


def _init_render_process(db_path: str, nice: int) -> None:
    global _db_path
    _db_path = Path(db_path)
    if nice:
        with contextlib.suppress(OSError):  # not permitted on some platforms; rendering still works
            os.nice(nice)


def render_answer(db_path: str | Path, query: Query, private: bool, today: date) -> Rendered:
    """Answer `query` from the store and render it (blocks + chart). Runs in a render process."""
    # Imported here, in the render process, for start-up cost: matplotlib stays out of the web process.
    from bot.render.chart import render_chart

    store = open_seeded_store(db_path)
    answer = answer_query(store, query, today=today)
    payload = render_blocks(answer, private=private, today=today)
    png = render_chart(answer)
    chart = answer.chart
    chart_title = f"{chart.label}: {answer.title}" if chart else answer.title
    classic = render_blocks(answer, private=private, today=today, native=False)
    return Rendered(answer.kind, payload, png, chart_title[:250], answer.title, classic if classic != payload else None)


def build_home(db_path: str | Path, today: date) -> dict[str, Any]:
    """The App Home view (runs in a render process): figures from the engine, freshness from the store."""
    store = open_seeded_store(db_path)
    return home_view(home.headlines(store, today), home.freshness(store), today=today)


def _warm(db_path: str) -> int:
    """Import matplotlib and open the store before the first real request."""
    from bot.render.chart import render_chart  # noqa: F401  (the import is the warm-up: start-up cost, on purpose)

    open_seeded_store(db_path)
    return os.getpid()


# -- the worker -------------------------------------------------------------------------------------
class AnswerWorker:
    def __init__(self, db_path: Path, *, processes: int, threads: int):
        self.db_path = Path(db_path)
        self.processes = processes
        self._io = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fwtrend-slack")
        self._pool: Executor | None = None
        if processes > 0:
            self._pool = ProcessPoolExecutor(
                max_workers=processes,
                # spawn, not fork: the web process has threads (gunicorn, Bolt, our pools).
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_render_process,
                initargs=(str(self.db_path), RENDER_NICE),
            )
        self._cache: OrderedDict[tuple, Rendered] = OrderedDict()
        self._inflight: dict[tuple, Future] = {}
        self._lock = threading.Lock()
        self.ready = threading.Event()

    # -- lifecycle
    def warm_up(self) -> None:
        """Start the render processes and open the store; sets `ready` when done."""
        open_seeded_store(self.db_path)
        if self._pool is not None:
            futures = [self._pool.submit(_warm, str(self.db_path)) for _ in range(self.processes)]
            for future in futures:
                future.result(timeout=RENDER_TIMEOUT_S)
        else:
            _warm(str(self.db_path))
        # Names are read in this process (and a live look-up's "Looking up …" must follow the ack within a
        # second): load the bundled projects' names now, not on the first question.
        catalog().project_names()
        self.ready.set()

    warm_up_error: str | None = None
    """Why warming up failed (one line), for /healthz; None while it hasn't."""

    def warm_up_logged(self) -> None:
        """`warm_up` on a background thread: a failure is kept for /healthz and logged, never lost."""
        try:
            self.warm_up()
        except BaseException as exc:  # SystemExit too: StoreUnusable carries its one-line reason
            self.warm_up_error = str(exc.code if isinstance(exc, SystemExit) else exc) or type(exc).__name__
            log.error("warming up failed: %s", self.warm_up_error)

    def shutdown(self) -> None:
        self._io.shutdown(wait=True, cancel_futures=True)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    # -- work
    def submit(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Future:
        """Run the Slack side of an answer on the worker's threads; errors are logged, never raised."""

        def run() -> Any:
            try:
                return fn(*args, **kwargs)
            except Exception:
                log.exception("answer delivery failed in %s", getattr(fn, "__name__", "task"))
                return None

        return self._io.submit(run)

    def _call(self, fn: Callable[..., Any], *args: Any) -> Any:
        if self._pool is None:
            return fn(*args)
        return self._pool.submit(fn, *args).result(timeout=RENDER_TIMEOUT_S)

    def render(self, query: Query, *, private: bool = False, today: date | None = None) -> Rendered:
        """The rendered answer, from the cache, from a render already under way, or rendered now."""
        today = today or date.today()
        # The rendered message carries reading notes (typos, follow-ups), so its key includes them.
        key = (query.render_key(), open_seeded_store(self.db_path).data_version, today, private)
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None:
                self._cache.move_to_end(key)
                return hit
            pending = self._inflight.get(key)
            owner = pending is None
            if owner:
                pending = self._inflight[key] = Future()
        if not owner:  # the same question is being rendered for another request: share it
            return pending.result(timeout=RENDER_TIMEOUT_S)
        try:
            rendered: Rendered = self._call(render_answer, str(self.db_path), query, private, today)
        except BaseException as exc:
            with self._lock:
                self._inflight.pop(key, None)
            pending.set_exception(exc)
            raise
        with self._lock:
            self._inflight.pop(key, None)
            self._cache[key] = rendered
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        pending.set_result(rendered)
        return rendered

    def compute(self, fn: Callable[..., Any], *args: Any) -> Any:
        """`fn(*args)` in a render process (a module-level function and picklable arguments), for work that
        reads the store or draws (unfurls, CSV exports); its exception is raised here."""
        return self._call(fn, *args)

    def home(self, today: date | None = None) -> dict[str, Any]:
        return self._call(build_home, str(self.db_path), today or date.today())


def default_processes(setting: int | None) -> int:
    if setting is not None:
        return setting
    return max(1, min(2, os.cpu_count() or 1))
