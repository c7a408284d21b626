"""How fast an answer's chart is drawn as PNG, warm (matplotlib already imported, fonts cached).

    python benchmarks/bench_chart.py [N]

Prints, for a few answers whose charts differ (gaps, a change of counting method, five lines of a
leaderboard, a per-month rate), the median and the worst of N warm renders in milliseconds (wall
clock), the median CPU time of the process (what a render costs when other processes share the
cores) and the PNG's size. Target (issue 14): a warm PNG render under 50 ms.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from bot.answering.engine import answer_text
from bot.ingest.seed import load_seed
from bot.render.chart import render_chart
from bot.store.connection import Store
from bot.store.migrations import migrate

TARGET_MS = 50.0
QUESTIONS = (
    "pytorch vs tensorflow",  # PyPI downloads: gaps left open and a change of counting method (dotted)
    "jax, flax and pytorch stars since 2020",
    "top downloads",
    "pytorch vs tensorflow new stars",
)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    medians = []
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.db")
        migrate(store)
        load_seed(store)
        for question in QUESTIONS:
            answer = answer_text(store, question)
            png = render_chart(answer)  # the first call pays for imports and the font cache
            assert png is not None, question
            samples, cpu = [], []
            for _ in range(repeat):
                start, start_cpu = time.perf_counter(), time.process_time()
                render_chart(answer)
                samples.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
            p50 = statistics.median(samples)
            medians.append(p50)
            print(
                f"{question!r:<44} p50 {p50:6.1f} ms   max {max(samples):6.1f} ms   "
                f"CPU p50 {statistics.median(cpu):6.1f} ms   {len(png) / 1024:5.1f} KB"
            )
    worst = max(medians)
    verdict = "ok" if worst < TARGET_MS else f"OVER target {TARGET_MS:g} ms"
    print(f"warm PNG render, median of {repeat} (worst question): {worst:.1f} ms  {verdict}")


if __name__ == "__main__":
    main()
