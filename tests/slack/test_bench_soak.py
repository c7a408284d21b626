"""`benchmarks/bench_soak.py`, run small: it starts the real `fwtrend serve --http`, measures start -> /healthz
200, reads the memory of every process under the server, and acks beside a bare Bolt app."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_soak_benchmark_measures_start_to_healthz_memory_of_every_process_and_acks(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_")) and k != "PORT"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_soak.py"), "--requests", "40", "--bare-requests", "20",
         "--concurrency", "4", "--final-wait", "0"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    out = result.stdout
    started = re.search(r"start -> /healthz 200: (\d+\.\d+) s", out)
    assert started and 0 < float(started.group(1)) < 120
    kinds = set(re.findall(r"^\s+\d+ (gunicorn master|web worker|render process|resource tracker)\s", out, re.M))
    assert {"gunicorn master", "web worker", "render process"} <= kinds, out
    total = re.search(r"total RSS at the end (\d+\.\d) MiB", out)
    assert total and float(total.group(1)) > 50
    assert re.search(r"bare Bolt app\s+\d+\.\d ms", out) and re.search(r"fwtrend\s+\d+\.\d ms", out)
