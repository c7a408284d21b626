"""Time the understanding step (text → Query) on the public question set and on worst-case inputs.

    PYTHONPATH=. python benchmarks/bench_understand.py

Prints p50 / p99 / max per group. The budget is 50 ms per call for any input up to MAX_TEXT
characters; tests never fail on timing, this script is where it is watched.
"""

from __future__ import annotations

import random
import statistics
import string
import time
from datetime import date
from pathlib import Path

import yaml

from bot.understanding.reader import understand
from bot.understanding.text import MAX_TEXT

TODAY = date(2026, 11, 25)
QUESTIONS = [q["text"] for q in yaml.safe_load(Path("tests/questions.yaml").read_text())["questions"]]
WORDS = ["pytorch", "tf", "jax", "keras", "sklearn", "hugging face", "vs", "or", "and", "since 2020",
         "growing faster", "overtake", "top", "stars", "downloads"]  # fmt: skip


def worst_cases(rng: random.Random, n: int) -> list[str]:
    letters = string.ascii_lowercase + " "
    out = []
    for _ in range(n):
        out.append("".join(rng.choice(letters) for _ in range(MAX_TEXT + 100)))  # 500 chars of unknown words
        out.append(" ".join(rng.choice(WORDS) for _ in range(120))[: MAX_TEXT + 50])  # many names and cues
        out.append(" ".join(rng.choice(["pytroch", "tensorflwo", "kears", "lightnig", "xgboost"]) for _ in range(80)))
    return out


def measure(texts: list[str], *, context=None, repeat: int = 1) -> list[float]:
    times = []
    for _ in range(repeat):
        for text in texts:
            start = time.perf_counter()
            understand(text, today=TODAY, context=context)
            times.append((time.perf_counter() - start) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    times = sorted(times)
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    print(f"{name:<28} n={len(times):>5}  p50={p50:6.2f} ms  p99={p99:6.2f} ms  max={times[-1]:6.2f} ms")


def main() -> None:
    # The first call loads the catalog and the vocabulary (data/vocabulary.toml): one-off costs.
    understand("warm up", today=TODAY, context=understand("jax", today=TODAY))
    rng = random.Random(5)
    report("question set (first pass)", measure(QUESTIONS))
    report("question set (warm)", measure(QUESTIONS, repeat=5))
    report("500-char worst cases", measure(worst_cases(rng, 50)))
    context = understand("pytorch vs tensorflow", today=TODAY)
    report("follow-ups with context", measure(QUESTIONS, context=context))


if __name__ == "__main__":
    main()
