"""How fast the answer engine is: seed build, warm answers, chart rendering, peak memory.

    python benchmarks/bench_engine.py

Targets (issue 2): seed build under 1 s; warm answer without chart under 20 ms; chart under 100 ms.
Issue 12: building the store from the whole bundle (unpacking the shipped bundled projects' file) under 1 s,
and a warm answer about any bundled project under 20 ms (benchmarks/bench_bundle.py measures ~230 of them,
the first run in a new process and the package's size).
"""

from __future__ import annotations

import resource
import statistics
import tempfile
import time
from pathlib import Path

from bot.answering.engine import answer_query, answer_text
from bot.ingest.bundle import build_bundle, unpack_shipped
from bot.ingest.seed import load_seed
from bot.render.chart import render_chart
from bot.slack.blocks.answer import render_blocks
from bot.store.connection import Store
from bot.store.migrations import migrate
from bot.understanding.grammar import parse

QUESTION = "pytorch vs tensorflow"


def timed(fn, repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def show(label: str, samples: list[float], target: float | None = None) -> None:
    p50 = statistics.median(samples)
    p99 = sorted(samples)[max(0, int(len(samples) * 0.99) - 1)]
    verdict = "" if target is None else ("  ok" if p50 < target else f"  OVER target {target:g} ms")
    print(f"{label:<52} p50 {p50:8.2f} ms   p99 {p99:8.2f} ms   (n={len(samples)}){verdict}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:

        def build() -> Store:
            path = Path(folder) / f"seed-{time.perf_counter_ns()}.db"
            store = Store(path)
            migrate(store)
            load_seed(store)
            return store

        show("build the store from the seed (11 frameworks)", timed(build, 5), 1000)
        bundle = Path(folder) / "bundle.db"
        show("build the bundled projects' file: unpack the shipped one", timed(lambda: unpack_shipped(bundle), 5), 1000)
        rebuilt = Path(folder) / "rebuilt.db"
        show("  … or rebuild it from the CSVs (fwtrend bundle --rebuild)", timed(lambda: build_bundle(rebuilt), 1))
        store = build()
        store.attach_bundle(bundle)

        def cold() -> None:
            store._cache.clear()
            render_blocks(answer_text(store, QUESTION))

        show(f"answer {QUESTION!r}, cold (query + answer + blocks)", timed(cold, 30))
        answer_text(store, QUESTION)
        show(
            f"answer {QUESTION!r}, warm (query + answer + blocks)",
            timed(lambda: render_blocks(answer_text(store, QUESTION)), 200),
            20,
        )
        for question in ("django vs flask downloads", "xgboost vs lightgbm stars", "langchain", "pola-rs/polars"):
            answer_text(store, question)
            show(
                f"answer {question!r}, warm (query + answer + blocks)",
                timed(lambda q=question: render_blocks(answer_text(store, q)), 100),
                20,
            )

        def project_cold() -> None:
            store._cache.clear()
            render_blocks(answer_text(store, "django vs flask downloads"))

        show("answer 'django vs flask downloads', cold", timed(project_cold, 20))
        mixed = [parse(t) for t in ("jax vs flax stars", "top downloads", "keras", "pytorch vs jax new stars")]

        def mixed_cold() -> None:
            store._cache.clear()
            for q in mixed:
                answer_query(store, q)

        show("4 mixed questions, cold", timed(mixed_cold, 20))
        answer = answer_text(store, QUESTION)
        render_chart(answer)  # the first call pays for matplotlib's imports and font cache
        show("chart render (PNG)", timed(lambda: render_chart(answer), 20), 100)
    # Measured as the process's peak resident size, not with tracemalloc, which slows every timing above.
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{'peak memory (max resident set size)':<52} {peak_kb / 1024:8.1f} MB")


if __name__ == "__main__":
    main()
