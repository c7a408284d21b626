"""Ack latency and answer time of `fwtrend serve --http`, beside a bare Bolt app that only acks.

    cd /work/wt-slackapp && PYTHONPATH=$PWD python benchmarks/bench_slack.py [--commands 200] [--concurrency 20]

Everything runs on this machine, on 127.0.0.1, in separate processes so the load generator does
not share a GIL with what it measures:

- a fake Slack Web API (tests/support/fake_slack.py) that records every call with its time,
- `python -m bot serve --http` (gunicorn + Flask + Bolt, the real thing),
- the bare app: the same gunicorn/Flask/Bolt stack whose /fwtrend listener only calls ack().

Measured:
1. idle: one command at a time, time from sending it to the last Slack call of its answer (the
   chart's files.completeUploadExternal), first for questions never asked (rendered) then again (cached);
2. load: N signed slash commands (a mix of questions) at C concurrent to each server: ack latency
   p50/p99 while the app keeps answering earlier commands, and the answers' completion times.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"

# A mix of what people ask: comparisons, profiles, rankings, periods, help and unknown names.
QUESTIONS = [
    "pytorch vs tensorflow",
    "pytorch vs jax",
    "jax vs flax",
    "tensorflow vs keras",
    "pytorch vs tensorflow stars",
    "pytorch vs tensorflow downloads since 2021",
    "jax vs pytorch stars since 2020",
    "keras vs pytorch new stars",
    "scikit-learn vs pytorch downloads",
    "transformers vs pytorch stars",
    "pytorch",
    "jax",
    "tensorflow",
    "top stars",
    "top downloads",
    "top new stars last 6 months",
    "mxnet vs onnx",
    "paddlepaddle vs mxnet stars",
    "lightning vs pytorch forks",
    "pytorch vs tensorflow vs jax",
    "help",
    "pytorhc vs tensorfow",
    "sources",
    "pytorch vs jax forks in 2023",
    "tensorflow vs pytorch 2019-2022",
]
IDLE_QUESTIONS = [
    "onnx vs keras",
    "flax vs jax stars",
    "lightning",
    "top forks",
    "mxnet vs tensorflow downloads",
    "pytorch vs paddlepaddle",
    "keras vs tensorflow stars since 2019",
    "scikit-learn",
    "transformers vs jax",
    "onnx",
    "pytorch vs keras stars in 2022",
]


# -- the fake Slack, as its own process ------------------------------------------------------------------------
def run_fake_slack() -> int:
    from tests.support.fake_slack import FakeSlack, _Reply

    class BenchFake(FakeSlack):
        def handle(self, path: str, query: str, headers: dict[str, str], body: bytes) -> _Reply:
            if path == "/control/calls":
                calls = [
                    {"method": c.method, "ts": c.ts, "channel": c.params.get("channel") or c.params.get("channel_id")}
                    for c in self.calls()
                ]
                return _Reply.json({"calls": calls})
            if path == "/control/reset":
                self.reset()
                return _Reply.json({"ok": True})
            return super().handle(path, query, headers, body)

    with BenchFake() as fake:
        print(fake.port, flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin
    return 0


# -- the bare app ----------------------------------------------------------------------------------------------
def bare_flask_app():
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_sdk import WebClient

    bolt = App(
        client=WebClient(token=TOKEN, base_url=os.environ["SLACK_API_URL"]),
        signing_secret=SECRET,
        name="bare",
    )

    @bolt.command("/fwtrend")
    def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
        ack()

    handler = SlackRequestHandler(bolt)
    web = Flask("bare")
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    web.add_url_rule("/healthz", "healthz", lambda: "ok")
    return web


def run_bare(port: int) -> int:
    from bot.slack.launch import gunicorn_options, run_gunicorn

    options = gunicorn_options("127.0.0.1", port) | {"loglevel": "warning"}
    return run_gunicorn(bare_flask_app, options)


# -- the load generator ----------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 90) -> float:
    import httpx

    start = time.monotonic()
    with httpx.Client(trust_env=False, timeout=2) as http:
        while time.monotonic() - start < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"bench: server exited with {proc.returncode}")
            try:
                if http.get(url).status_code == 200:
                    return time.monotonic() - start
            except httpx.TransportError:
                pass
            time.sleep(0.05)
    raise SystemExit(f"bench: {url} never became ready")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def ms(value: float) -> str:
    return f"{value * 1000:7.1f} ms"


class Load:
    def __init__(self, fake_url: str):
        import httpx

        self.fake_url = fake_url
        self.control = httpx.Client(trust_env=False, timeout=10)
        self.local = threading.local()

    def http(self):
        import httpx

        client = getattr(self.local, "client", None)
        if client is None:
            client = self.local.client = httpx.Client(trust_env=False, timeout=30)
        return client

    def send(self, url: str, text: str, channel: str) -> tuple[float, float, int]:
        """(wall-clock send time, ack latency, status) of one signed /fwtrend command."""
        from tests.support.signing import signed_headers, slash_command_body

        body = slash_command_body(text, channel_id=channel, response_url=f"{self.fake_url}hooks/x?channel={channel}")
        headers = signed_headers(SECRET, body)
        http = self.http()  # made outside the timing: building an httpx client (TLS context) costs ~30 ms
        sent = time.time()
        start = time.perf_counter()
        resp = http.post(url, content=body.encode(), headers=headers)
        return sent, time.perf_counter() - start, resp.status_code

    def calls(self) -> list[dict[str, Any]]:
        return self.control.get(self.fake_url + "control/calls").json()["calls"]

    def reset(self) -> None:
        self.control.get(self.fake_url + "control/reset")


def completion_times(load: Load, sent: dict[str, float], quiet: float = 0.6, timeout: float = 120) -> dict[str, float]:
    """Per channel: the last Slack call of its answer minus the time its command was sent.

    Done when every command has had at least one Slack call and none came for `quiet` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        calls = load.calls()
        last: dict[str, float] = {}
        for c in calls:
            if c["channel"] in sent:
                last[c["channel"]] = max(last.get(c["channel"], 0.0), c["ts"])
        newest = max((c["ts"] for c in calls), default=0.0)
        if len(last) == len(sent) and time.time() - newest > quiet:
            return {ch: last[ch] - sent[ch] for ch in sent}
        time.sleep(0.05)
    raise SystemExit("bench: answers did not all arrive in time")


def run_load(load: Load, url: str, n: int, concurrency: int, prefix: str) -> tuple[list[float], dict[str, float]]:
    jobs = [(QUESTIONS[i % len(QUESTIONS)], f"C{prefix}{i:04d}") for i in range(n)]
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(lambda job: load.send(url, *job), jobs))
    bad = [status for _, _, status in results if status != 200]
    if bad:
        raise SystemExit(f"bench: {len(bad)} commands got non-200 acks: {sorted(set(bad))}")
    sent = {channel: s for (text, channel), (s, _, _) in zip(jobs, results, strict=True)}
    return [lat for _, lat, _ in results], sent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--fake-slack", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fake_slack:
        return run_fake_slack()
    if args.bare:
        return run_bare(args.bare)

    env_base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_")) and k != "PORT"}
    env_base["PYTHONPATH"] = str(ROOT)
    procs: list[subprocess.Popen] = []
    tmp = tempfile.TemporaryDirectory(prefix="fwtrend-bench-")
    try:
        fake = subprocess.Popen(
            [sys.executable, __file__, "--fake-slack"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env_base,
            text=True,
        )  # fmt: skip
        procs.append(fake)
        fake_url = f"http://127.0.0.1:{int(fake.stdout.readline())}/"
        env = env_base | {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake_url + "api/",
            "FWTREND_DB": str(Path(tmp.name) / "fwtrend.db"),
        }
        app_port, bare_port = free_port(), free_port()
        log = open(Path(tmp.name) / "serve.log", "w")  # noqa: SIM115 (closed with the directory)
        app = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--port", str(app_port)],
                               env=env, cwd=tmp.name, stdout=log, stderr=log)  # fmt: skip
        procs.append(app)
        bare = subprocess.Popen([sys.executable, __file__, "--bare", str(bare_port)], env=env, cwd=tmp.name,
                                stdout=log, stderr=log)  # fmt: skip
        procs.append(bare)
        ready_app = wait_ready(f"http://127.0.0.1:{app_port}/healthz", app)
        wait_ready(f"http://127.0.0.1:{bare_port}/healthz", bare)
        app_url = f"http://127.0.0.1:{app_port}/slack/events"
        bare_url = f"http://127.0.0.1:{bare_port}/slack/events"
        load = Load(fake_url)
        print(f"machine: {os.cpu_count()} CPUs; fwtrend ready (healthz 200) {ready_app:.1f} s after start")

        # Warm both servers' threads and connections with help commands (nothing cached that is measured later).
        for url in (app_url, bare_url):
            with ThreadPoolExecutor(args.concurrency) as pool:
                list(pool.map(lambda i, u=url: load.send(u, "help", f"CWARM{i}"), range(args.concurrency)))
        time.sleep(1)
        load.reset()

        # 1. idle: one at a time
        idle_first, idle_cached = [], []
        for label, bucket in (("first", idle_first), ("cached", idle_cached)):
            for i, text in enumerate(IDLE_QUESTIONS):
                channel = f"CIDLE{label}{i}"
                sent, _, _ = load.send(app_url, text, channel)
                bucket.append(completion_times(load, {channel: sent}, quiet=0.4, timeout=30)[channel])
        load.reset()

        # 2. load: bare app first, then fwtrend
        bare_acks, _ = run_load(load, bare_url, args.commands, args.concurrency, "BARE")
        time.sleep(0.5)
        start = time.time()
        app_acks, sent = run_load(load, app_url, args.commands, args.concurrency, "APP")
        acks_done = time.time() - start
        answers = completion_times(load, sent)
        all_done = max(sent[ch] + t for ch, t in answers.items()) - start
        calls = load.calls()
        charted = {c["channel"] for c in calls if c["method"] == "files.completeUploadExternal"}

        n, c = args.commands, args.concurrency
        print(f"\n{n} signed /fwtrend commands, {c} concurrent, {len(QUESTIONS)} different questions:")
        print("  ack latency     p50        p99        max")
        for name, acks in (("bare Bolt app", bare_acks), ("fwtrend", app_acks)):
            print(f"  {name:<14}{ms(pct(acks, 50))} {ms(pct(acks, 99))} {ms(max(acks))}")
        ratio50 = pct(app_acks, 50) / pct(bare_acks, 50)
        ratio99 = pct(app_acks, 99) / pct(bare_acks, 99)
        print(f"  fwtrend / bare: p50 {ratio50:.2f}x, p99 {ratio99:.2f}x")
        with_chart = [t for ch, t in answers.items() if ch in charted]
        print(
            f"  command -> last Slack call, under load: {len(with_chart)} answers with chart"
            f" p50 {ms(pct(with_chart, 50)).strip()}, p99 {ms(pct(with_chart, 99)).strip()};"
            f" all {n} answers p50 {ms(pct(list(answers.values()), 50)).strip()}"
        )
        print(f"  all {n} acked in {acks_done:.2f} s; last chart uploaded {all_done:.2f} s after the first command")
        print(f"  Slack calls made: {len(calls)} ({sum(c['method'] == 'upload' for c in calls)} PNG uploads)")
        print("\nidle, one command at a time: command -> last Slack call of the answer (chart shared)")
        for label, bucket in (("first time (rendered)", idle_first), ("asked again (cached) ", idle_cached)):
            print(f"  {label}: p50 {ms(statistics.median(bucket)).strip()}, max {ms(max(bucket)).strip()}")
        return 0
    except SystemExit:
        log.flush()
        print((Path(tmp.name) / "serve.log").read_text()[-3000:], file=sys.stderr)
        raise
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                if proc.stdin:
                    proc.stdin.close()
                proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        tmp.cleanup()


if __name__ == "__main__":
    sys.exit(main())
