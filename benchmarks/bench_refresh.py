"""Benchmark: the first full refresh of all 11 frameworks, every source INCLUDING arXiv at its 3 s pace,
from a local replay server adding 50 ms to every response. Goal: under 3 minutes.

    PYTHONPATH=$PWD python benchmarks/bench_refresh.py [--latency 0.05] [--virtual-pace]

By default everything runs in real time: arXiv's pages really are sent 3 s apart over one connection, so
the wall time printed is what a first refresh costs. `--virtual-pace` runs the same refresh on a virtual
clock (waits cost nothing; only the network time is real) and adds the seconds the clock was moved: a quick
upper bound, since the real waits overlap the other sources' requests. The recordings are the fixture
builder's made-up figures at full scale (arXiv: 24,107 pytorch papers, 12,744 tensorflow, ~3,100 for most
others), in each API's documented shape.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.catalog import catalog  # noqa: E402
from bot.ingest.refresh import duration, run_refresh  # noqa: E402
from bot.ingest.sources.arxiv import PACING_SECONDS  # noqa: E402
from bot.ingest.sources.base import Clock, VirtualClock  # noqa: E402
from bot.store.connection import Store  # noqa: E402
from bot.store.migrations import migrate  # noqa: E402
from tests.fixture_builder import DAY1, exchanges  # noqa: E402
from tests.http_replay import Replay, ReplayServer, settings_for  # noqa: E402

TARGET_SECONDS = 180.0
MONTH_BY_MONTH = 140  # requests per framework before: one per month, 2015-01 → 2026-08


def table(report, seconds: float) -> list[str]:
    lines = [f"{'source':<14} {'requests':>8} {'rows':>7}  status"]
    for source in report.sources:
        status = "FAILED" if source in report.failed_sources() else "ok"
        lines.append(f"{source:<14} {report.requests.get(source, 0):>8} {report.rows(source):>7}  {status}")
    lines.append(f"{'total':<14} {sum(report.requests.values()):>8} {report.rows():>7}  {duration(seconds)}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every response")
    parser.add_argument("--virtual-pace", action="store_true", help="virtual clock for waits (a quick estimate)")
    args = parser.parse_args()
    fws = list(catalog())
    replay = Replay({}, exchanges(fws, DAY1))
    with ReplayServer(replay, latency=args.latency) as server, tempfile.TemporaryDirectory() as tmp:
        settings = settings_for(server.base_urls)
        store = Store(Path(tmp) / "bench.db")
        migrate(store)
        clock = VirtualClock() if args.virtual_pace else Clock()
        moved = clock.time()
        started = time.monotonic()
        report = run_refresh(store, None, None, settings=settings, today=DAY1, clock=clock)
        wall = time.monotonic() - started
        waited = clock.time() - moved if args.virtual_pace else 0.0
        store.close()
    total = wall + waited
    arxiv = report.requests.get("arxiv", 0)
    before = MONTH_BY_MONTH * sum(1 for fw in fws if fw.arxiv)
    how = f"{duration(wall)} real + {duration(waited)} of virtual waits" if args.virtual_pace else "real time"
    print(f"First refresh of {len(fws)} frameworks, {args.latency * 1000:.0f} ms added per response ({how})\n")
    print("\n".join(table(report, total)))
    print(
        f"\narXiv: {arxiv} requests at {PACING_SECONDS:.0f} s apart (>= {duration(PACING_SECONDS * max(0, arxiv - 1))}"
        f" of pacing); month by month the same backfill took {before:,} requests ({duration(before * PACING_SECONDS)})"
    )
    verdict = "within" if total < TARGET_SECONDS else "OVER"
    print(f"whole first refresh: {duration(total)} ({verdict} the {duration(TARGET_SECONDS)} goal)")
    if not args.virtual_pace:  # its time is the real wall time, which a virtual clock leaves out
        print(report.summary())
    for line in report.reasons():
        print("  " + line)
    return 0 if report.ok and total < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
