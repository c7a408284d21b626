"""The bundled history of ~3,800 projects (issue 12): first run, answers about any bundled project, size.

    python benchmarks/bench_bundle.py            # everything, the package sizes included (builds a wheel)
    python benchmarks/bench_bundle.py --no-size  # without building and installing the wheel

Targets: building the store from the whole bundle under 1 s (a first run unpacks the shipped prebuilt
bundle); a warm answer about any bundled project under 20 ms; the installed package under 30 MB. Prints
figures only: nothing here fails on timing (BENCHMARKS.md keeps them).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Builds, answers and the package sizes of one process each: a figure never includes another's imports.
FIRST_RUN = """
import os, resource, sys, time
start = time.perf_counter()
from bot.ingest.seeded import open_seeded_store
from bot.answering.engine import answer_text
store = open_seeded_store()
opened = time.perf_counter()
answer_text(store, "django vs flask downloads")
done = time.perf_counter()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{opened - start:.3f} {done - start:.3f} {peak:.1f}")
"""
REBUILD = """
import resource, sys, time
from pathlib import Path
from bot.ingest.bundle import build_bundle
start = time.perf_counter()
build_bundle(Path(sys.argv[1]))
print(f"{time.perf_counter() - start:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
"""
UNPACK = """
import resource, sys, time
from pathlib import Path
from bot.ingest.bundle import unpack_shipped
start = time.perf_counter()
unpack_shipped(Path(sys.argv[1]))
print(f"{time.perf_counter() - start:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.1f}")
"""


def run(code: str, *args: str, env: dict[str, str] | None = None) -> list[float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True, env=env, cwd=ROOT
    )
    return [float(x) for x in out.stdout.split()]


def line(label: str, figure: str, verdict: str = "") -> None:
    print(f"{label:<64} {figure}{verdict}")


def first_run(folder: Path) -> None:
    from bot.ingest.bundle import shipped_path

    for n in range(3):
        seconds, peak = run(UNPACK, str(folder / f"unpacked-{n}.db"))
        line(
            "unpack the shipped bundle (what a first run builds)",
            f"{seconds * 1000:8.0f} ms   peak {peak:6.1f} MB",
            "  ok" if seconds < 1 else "  OVER target 1 s",
        )
    unpacked = (folder / "unpacked-0.db").stat().st_size
    line("  shipped (gzipped) / unpacked", f"{shipped_path().stat().st_size / 1e6:8.1f} MB / {unpacked / 1e6:.1f} MB")
    for n in range(2):
        env = {**os.environ, "FWTREND_BUNDLE_DIR": str(folder / f"cache-{n}"), "FWTREND_DB": str(folder / f"s{n}.db")}
        opened, answered, peak = run(FIRST_RUN, env=env)
        line(
            "first run, new process: open a new store + first answer",
            f"{opened:6.2f} s + {answered - opened:.2f} s   peak {peak:6.1f} MB",
        )
    seconds, peak = run(REBUILD, str(folder / "rebuilt.db"))
    line(
        "rebuild from the CSVs (fwtrend bundle --rebuild, before: each first run)",
        f"{seconds * 1000:8.0f} ms   peak {peak:6.1f} MB",
    )


def answers(folder: Path) -> None:
    from bot.answering.engine import answer_text
    from bot.catalog import catalog
    from bot.ingest.seeded import open_seeded_store
    from bot.slack.blocks.answer import render_blocks

    os.environ["FWTREND_BUNDLE_DIR"] = str(folder / "cache-0")
    store = open_seeded_store(folder / "s0.db")
    ids = sorted(catalog().projects())
    sample = ids[:: max(1, len(ids) // 150)]  # ~150 projects spread over the whole list
    questions = [*sample, *(f"{a} vs {b}" for a, b in zip(sample[::2], sample[1::2], strict=False))]
    questions += ["django vs flask downloads", "xgboost vs lightgbm stars", "pola-rs/polars", "langchain since 2024"]
    cold, warm = [], []
    for q in questions:
        store._cache.clear()
        start = time.perf_counter()
        render_blocks(answer_text(store, q))
        cold.append((time.perf_counter() - start) * 1000)
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            render_blocks(answer_text(store, q))
            samples.append((time.perf_counter() - start) * 1000)
        warm.append(statistics.median(samples))
    for label, figures, target in (("warm", warm, 20.0), ("cold answer cache", cold, None)):
        p50, p99 = statistics.median(figures), sorted(figures)[int(len(figures) * 0.99) - 1]
        verdict = "" if target is None else ("  ok" if max(figures) < target else f"  OVER target {target:g} ms")
        line(
            f"answer about a bundled project, {label} ({len(figures)} questions)",
            f"p50 {p50:6.2f} ms  p99 {p99:6.2f} ms  max {max(figures):6.2f} ms",
            verdict,
        )


def sizes(folder: Path) -> None:
    wheels = folder / "wheel"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(wheels.glob("*.whl"))
    env_dir = folder / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", "--no-deps", str(wheel)], check=True, capture_output=True)
    site = next((env_dir / "lib").glob("python*/site-packages"))
    installed = sum(p.stat().st_size for d in ("bot", "handlers") for p in (site / d).rglob("*") if p.is_file())
    line("wheel", f"{wheel.stat().st_size / 1e6:8.1f} MB")
    line(
        "installed (site-packages/bot + handlers)",
        f"{installed / 1e6:8.1f} MB",
        "  ok" if installed < 30e6 else "  OVER target 30 MB",
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        first_run(folder)
        answers(folder)
        if "--no-size" not in sys.argv:
            sizes(folder)
    print(f"{'peak memory of this process':<64} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:8.1f} MB")


if __name__ == "__main__":
    main()
