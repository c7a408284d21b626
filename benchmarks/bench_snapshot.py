"""Carrying figures between machines (issue 13): publishing a snapshot and applying it to another store.

    python benchmarks/bench_snapshot.py [--rows 200000]

Store A is a seeded store whose own `observations` also hold `--rows` real figures of bundled projects
(copied from the bundle, as if its refresh had fetched them); store B is a freshly seeded store. Times:
publishing A's snapshot; applying it to B (every row new there); applying the same file again (skipped);
applying a snapshot published again with nothing changed (every row compared, none written). Prints
figures only; it never fails on timing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(label: str, fn):
    start = time.perf_counter()
    result = fn()
    print(f"{label:<44} {1000 * (time.perf_counter() - start):8.1f} ms")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=200_000, help="bundled figures copied into store A")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fwtrend-snapshot-") as tmp:
        os.environ["FWTREND_DB"] = str(Path(tmp) / "default.db")
        from bot.ingest.seeded import open_seeded_store
        from bot.store import snapshot

        a = open_seeded_store(Path(tmp) / "a.db")
        b = open_seeded_store(Path(tmp) / "b.db")
        with a.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO main.observations (framework, metric, date, value, source, method, note, "
                "rank, fetched_at) SELECT framework, metric, date, value, source, method, note, 30, "
                "'2026-11-30T04:00:00+00:00' FROM bundle.observations LIMIT ?",
                [args.rows],
            )
        rows = a.db.execute("SELECT COUNT(*) FROM main.observations").fetchone()[0]
        print(f"store A: {rows:,} figures of its own (the seed and {args.rows:,} copied from the bundle)")
        shared = Path(tmp) / "shared" / "figures.db"
        published = timed("publish A's snapshot", lambda: snapshot.publish(a, shared))
        print(f"{'':<44} {shared.stat().st_size / 2**20:8.1f} MiB, {published.rows['observations']:,} figures")
        applied = timed("apply it to B (all new there)", lambda: snapshot.apply(b, shared))
        print(f"{'':<44} {applied.changed['observations']:,} figures written")
        timed("apply the same snapshot again (skipped)", lambda: snapshot.apply(b, shared))
        timed("publish again, nothing changed", lambda: snapshot.publish(a, shared))
        again = timed("apply it (every figure compared)", lambda: snapshot.apply(b, shared))
        print(f"{'':<44} {sum(again.changed.values()):,} rows written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
