"""Start-up of `fwtrend serve --http`: seconds from starting the process to the first `/healthz` 200, and
from then to the first answer of a question nobody asked before.

    .venv/bin/python benchmarks/bench_start.py [--starts 7]

Each start is a fresh `python -m bot serve --http` (gunicorn + Flask + Bolt + the render process, the real
thing) against a fake Slack Web API on 127.0.0.1 (tests/support/fake_slack.py), with the store already
seeded and the bundle unpacked (as on any machine after its first run). `/healthz` is polled every 10 ms.
Right after the 200, a signed slash command asks a question; "first answer" is the time until its answer
reaches Slack (the fake's last call once it has been quiet for a while, so the chart upload is included).
The server is then stopped with SIGTERM and started again. Prints every start and the medians; it never
fails on timing.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_slack import SECRET, TOKEN, free_port  # noqa: E402
from benchmarks.bench_soak import loadavg, time_to_healthy  # noqa: E402

QUESTION = "pytorch vs tensorflow"


def first_answer(httpx, app_url: str, fake_url: str, sent_at: float, quiet_s: float = 1.0) -> float:
    """Seconds from sending a slash command (at wall time `sent_at`) to the last Slack call it caused."""
    from tests.support.signing import signed_headers, slash_command_body

    body = slash_command_body(QUESTION, response_url=f"{fake_url}hooks/commands/T111/1/x")
    with httpx.Client(trust_env=False, timeout=30) as http:
        status = http.post(app_url, content=body.encode(), headers=signed_headers(SECRET, body)).status_code
        if status != 200:
            raise SystemExit(f"bench: the slash command got HTTP {status}")
        deadline = time.time() + 120
        while time.time() < deadline:
            calls = [c for c in http.get(fake_url + "control/calls").json()["calls"] if c["ts"] >= sent_at]
            answered = [c for c in calls if c["method"] != "auth.test"]
            if answered and time.time() - max(c["ts"] for c in answered) > quiet_s:
                return max(c["ts"] for c in answered) - sent_at
            time.sleep(0.05)
    raise SystemExit("bench: no answer reached the fake Slack")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--starts", type=int, default=7, help="starts measured (default 7)")
    parser.add_argument("--no-answer", action="store_true", help="measure only start -> /healthz 200")
    args = parser.parse_args()

    import httpx

    env_base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_")) and k != "PORT"}
    env_base["PYTHONPATH"] = str(ROOT)
    with tempfile.TemporaryDirectory(prefix="fwtrend-start-") as tmp:
        fake = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bench_soak.py"), "--fake-slack"],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env_base, text=True)  # fmt: skip
        try:
            fake_url = f"http://127.0.0.1:{int(fake.stdout.readline())}/"
            env = env_base | {
                "SLACK_BOT_TOKEN": TOKEN,
                "SLACK_SIGNING_SECRET": SECRET,
                "SLACK_API_URL": fake_url + "api/",
                "FWTREND_DB": str(Path(tmp) / "fwtrend.db"),
            }
            # Seeded (and the bundle unpacked) beforehand: what is measured is a start, not a first-ever run.
            subprocess.run([sys.executable, "-m", "bot", "ask", "help"], env=env, cwd=tmp, check=True,
                           capture_output=True)  # fmt: skip
            print(f"machine: {os.cpu_count()} CPUs, load average {loadavg()} before starting")
            ready, answers = [], []
            with open(Path(tmp) / "serve.log", "w") as log:
                for n in range(args.starts):
                    port = free_port()
                    started = time.monotonic()
                    app = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--port", str(port)],
                                           env=env, cwd=tmp, stdout=log, stderr=log)  # fmt: skip
                    try:
                        ready.append(time_to_healthy(f"http://127.0.0.1:{port}/healthz", app, started))
                        line = f"start {n + 1}: /healthz 200 after {ready[-1]:.2f} s"
                        if not args.no_answer:
                            answers.append(first_answer(httpx, f"http://127.0.0.1:{port}/slack/events", fake_url,
                                                        time.time()))  # fmt: skip
                            line += f", first answer {answers[-1]:.2f} s later"
                        print(line, f"(load {loadavg()})", flush=True)
                    finally:
                        app.send_signal(signal.SIGTERM)
                        app.wait(timeout=60)
            print(f"median start -> /healthz 200: {statistics.median(ready):.2f} s over {len(ready)} starts "
                  f"(min {min(ready):.2f}, max {max(ready):.2f}; goal < 1 s)")  # fmt: skip
            if answers:
                print(f"median /healthz 200 -> first answer delivered: {statistics.median(answers):.2f} s "
                      f"(min {min(answers):.2f}, max {max(answers):.2f})")  # fmt: skip
        finally:
            fake.stdin.close()
            fake.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
