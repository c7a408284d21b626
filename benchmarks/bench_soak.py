"""Soak `fwtrend serve --http`: memory of every process over N mixed signed requests, ack latency beside a
bare Bolt app, and the time from start to `/healthz` 200.

    .venv/bin/python benchmarks/bench_soak.py [--requests 10000] [--concurrency 10] [--bare-requests 2000]

Everything runs on 127.0.0.1 in separate processes (the load generator never shares a GIL with what it
measures): a fake Slack Web API (tests/support/fake_slack.py, emptied every 1,000 requests so its own
memory stays flat), `python -m bot serve --http` (gunicorn + Flask + Bolt + render processes, the real
thing), and a bare app (the same gunicorn/Flask/Bolt stack whose listeners only call ack()).

The requests mix what Slack sends: slash commands (40%), @mentions (20%), direct messages (10%),
button clicks that switch an answer's metric or period (20%) and App Home opens (10%), over a fixed
set of channels and users as in a real workspace, each signed like Slack signs it.

Measured:
- start -> `/healthz` 200 of `fwtrend serve --http` (from the moment the process is started);
- RSS (and PSS) of the server and every process under it (gunicorn master, web worker, render processes,
  the multiprocessing resource tracker), read from /proc, at the start and after every 1,000 requests,
  each time once the answers so far have gone out (`settle`), and a last time 35 s after the soak;
- growth over the last half of the soak: RSS at the end against RSS halfway;
- ack latency p50/p99 of fwtrend and of the bare app under the same mix and concurrency.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_slack import QUESTIONS, SECRET, TOKEN, free_port, pct, run_fake_slack  # noqa: E402

PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
MIB = 1024 * 1024
SAMPLE_EVERY = 1000
CHANNELS = [f"CSOAK{i:02d}" for i in range(40)]
USERS = [f"USOAK{i:02d}" for i in range(25)]
# What a metric or period button carries: the question it switches to (the action id names the button).
SWITCH_METRICS = {"github_stars": "stars", "pypi_downloads": "downloads", "github_forks": "forks", "rate": "new stars"}
SWITCH_PERIODS = {"1y": "last 12 months", "all": "", "5y": "since 2021"}
SWITCHED = ["pytorch vs tensorflow", "pytorch vs jax", "jax vs flax", "tensorflow vs keras", "mxnet vs onnx"]


# -- memory, from /proc -----------------------------------------------------------------------------------------
def descendants(root: int) -> list[int]:
    """`root` and every process below it (children, grandchildren, ...), from /proc/*/stat."""
    parent_of: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue  # exited meanwhile
        # the command name (field 2) may hold spaces and parentheses: the fields after its last ")"
        parent_of[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, ppid in parent_of.items() if ppid in frontier]
        found.extend(frontier)
    return found


def rss_by_process(root: int) -> dict[int, tuple[str, int, int]]:
    """{pid: (what it is, resident bytes, proportional bytes)} for `root` and all its descendants.

    RSS counts pages a forked worker still shares with gunicorn's master in both; PSS splits each shared
    page between the processes sharing it, so the PSS of all processes adds up to the memory they use."""
    out: dict[int, tuple[str, int, int]] = {}
    for pid in descendants(root):
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()
        except (OSError, IndexError):
            continue
        pss = next((int(line.split()[1]) * 1024 for line in rollup if line.startswith("Pss:")), 0)
        out[pid] = (describe(pid, root, cmdline), resident, pss)
    return out


def describe(pid: int, root: int, cmdline: str) -> str:
    if pid == root:
        return "gunicorn master"
    if "resource_tracker" in cmdline:
        return "resource tracker"
    if "multiprocessing" in cmdline or "spawn_main" in cmdline:
        return "render process"
    return "web worker"


def mib(value: float) -> str:
    return f"{value / MIB:6.1f} MiB"


# -- the bare app: every kind of request this soak sends, only acknowledged ---------------------------------
def bare_flask_app():
    import re

    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler
    from slack_sdk import WebClient

    bolt = App(client=WebClient(token=TOKEN, base_url=os.environ["SLACK_API_URL"]), signing_secret=SECRET, name="bare")

    def only_ack(ack) -> None:  # type: ignore[no-untyped-def]
        ack()

    bolt.command("/fwtrend")(only_ack)
    bolt.action(re.compile(r"^fwtrend\..+"))(only_ack)
    for event in ("app_mention", "message", "app_home_opened"):
        bolt.event(event)(only_ack)
    handler = SlackRequestHandler(bolt)
    web = Flask("bare")
    web.add_url_rule("/slack/events", "events", lambda: handler.handle(request), methods=["POST"])
    web.add_url_rule("/healthz", "healthz", lambda: "ok")
    return web


def run_bare(port: int) -> int:
    from bot.slack.launch import gunicorn_options, run_gunicorn

    return run_gunicorn(bare_flask_app, gunicorn_options("127.0.0.1", port) | {"loglevel": "warning"})


# -- the requests -------------------------------------------------------------------------------------------
class Mix:
    """Request number i -> a signed Slack request body (deterministic: the same i is the same request)."""

    def __init__(self, fake_url: str, run: str):
        from bot.answering.engine import understand_text
        from bot.understanding.query import encode_query

        self.fake_url = fake_url
        self.run = run  # keeps event ids unique between the two servers' runs
        self.clicks: list[tuple[str, str]] = []
        for text in SWITCHED:
            for kind, switches in (("metric", SWITCH_METRICS), ("period", SWITCH_PERIODS)):
                for key, words in switches.items():
                    query = understand_text(f"{text} {words}".strip())
                    self.clicks.append((f"fwtrend.{kind}.{key}", encode_query(query)))

    def body(self, i: int) -> str:
        from tests.support.signing import (
            app_home_opened_event,
            app_mention_event,
            block_actions_body,
            event_body,
            im_message_event,
            slash_command_body,
        )

        channel, user = CHANNELS[i % len(CHANNELS)], USERS[i % len(USERS)]
        text = QUESTIONS[(i * 7) % len(QUESTIONS)]
        kind = i % 10
        event_id = f"Ev{self.run}{i:06d}"
        if kind < 4:
            hook = f"{self.fake_url}hooks/commands/T111/{i}/x"
            return slash_command_body(text, channel_id=channel, user_id=user, response_url=hook)
        if kind < 6:
            return event_body(app_mention_event(text, channel=channel, user=user), event_id=event_id)
        if kind < 7:
            return event_body(im_message_event(text, channel="D" + user[1:], user=user), event_id=event_id)
        if kind < 9:
            action_id, value = self.clicks[(i // 10) % len(self.clicks)]
            hook = f"{self.fake_url}hooks/actions/T111/{i}/x"
            message_ts = f"1700000000.{i:06d}"
            return block_actions_body(action_id, value, channel_id=channel, user_id=user, message_ts=message_ts,
                                      response_url=hook)  # fmt: skip
        return event_body(app_home_opened_event(user=user), event_id=event_id)


class Sender:
    def __init__(self) -> None:
        self.local = threading.local()

    def post(self, url: str, body: str) -> tuple[float, int]:
        """(ack latency in seconds, HTTP status) of one signed request."""
        import httpx

        from tests.support.signing import signed_headers

        client = getattr(self.local, "client", None)
        if client is None:  # made outside the timing: building an httpx client costs ~30 ms
            client = self.local.client = httpx.Client(trust_env=False, timeout=30)
        headers = signed_headers(SECRET, body)
        start = time.perf_counter()
        status = client.post(url, content=body.encode(), headers=headers).status_code
        return time.perf_counter() - start, status


def soak(url: str, mix: Mix, n: int, concurrency: int, every: int, between) -> list[float]:
    """Send n requests, `concurrency` at a time, calling `between(done)` after each `every`; ack latencies."""
    sender, latencies = Sender(), []
    with ThreadPoolExecutor(concurrency) as pool:
        for first in range(0, n, every):
            batch = list(pool.map(lambda i: sender.post(url, mix.body(i)), range(first, min(n, first + every))))
            bad = sorted({status for _, status in batch if status != 200})
            if bad:
                raise SystemExit(f"bench: requests {first}..{first + every} got non-200 acks: {bad}")
            latencies += [lat for lat, _ in batch]
            between(min(n, first + every))
    return latencies


def time_to_healthy(url: str, proc: subprocess.Popen, started: float, timeout: float = 90) -> float:
    """Seconds from `started` (monotonic, taken just before the process was started) to the first 200."""
    import httpx

    with httpx.Client(trust_env=False, timeout=2) as http:
        while time.monotonic() - started < timeout:
            if proc.poll() is not None:
                raise SystemExit(f"bench: server exited with {proc.returncode}")
            try:
                if http.get(url).status_code == 200:
                    return time.monotonic() - started
            except httpx.TransportError:
                pass
            time.sleep(0.01)
    raise SystemExit(f"bench: {url} never became ready")


def settle(control, fake_url: str, quiet_s: float = 1.0, timeout_s: float = 120) -> None:
    """Wait until the answers to the requests sent so far have gone out: no Slack call for `quiet_s`.

    Acks come back far faster than answers are drawn and posted, so without this a reading would count
    the answers still queued (memory that goes once they are delivered) as if the process had grown."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        calls = control.get(fake_url + "control/calls").json()["calls"]
        newest = max((c["ts"] for c in calls), default=0.0)
        if time.time() - newest > quiet_s:
            return
        time.sleep(0.2)


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=10_000, help="requests sent to fwtrend (default 10,000)")
    parser.add_argument("--bare-requests", type=int, default=2_000, help="requests sent to the bare app")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--final-wait", type=float, default=35.0, help="seconds before the last reading")
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
    tmp = tempfile.TemporaryDirectory(prefix="fwtrend-soak-")
    log = open(Path(tmp.name) / "serve.log", "w")  # noqa: SIM115 (closed with the directory)
    try:
        fake = subprocess.Popen([sys.executable, __file__, "--fake-slack"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, env=env_base, text=True)  # fmt: skip
        procs.append(fake)
        fake_url = f"http://127.0.0.1:{int(fake.stdout.readline())}/"
        env = env_base | {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake_url + "api/",
            "FWTREND_DB": str(Path(tmp.name) / "fwtrend.db"),
        }
        # The store is seeded (and the bundle built) once beforehand, as on a machine that has run fwtrend
        # before: the start-up time measured is that of the server, not of the first-ever seeding.
        subprocess.run([sys.executable, "-m", "bot", "ask", "help"], env=env, cwd=tmp.name, check=True,
                       capture_output=True)  # fmt: skip
        import httpx

        control = httpx.Client(trust_env=False, timeout=10)
        app_port, bare_port = free_port(), free_port()
        print(f"machine: {os.cpu_count()} CPUs, load average {loadavg()} before starting")
        started = time.monotonic()
        app = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--http", "--port", str(app_port)],
                               env=env, cwd=tmp.name, stdout=log, stderr=log)  # fmt: skip
        procs.append(app)
        ready = time_to_healthy(f"http://127.0.0.1:{app_port}/healthz", app, started)
        print(f"start -> /healthz 200: {ready:.2f} s")

        samples: list[tuple[int, int, dict[int, tuple[str, int, int]]]] = []

        def sample(done: int) -> None:
            settle(control, fake_url)
            control.get(fake_url + "control/reset")  # the fake's own record of calls stays small
            per = rss_by_process(app.pid)
            total = sum(r for _, r, _ in per.values())
            samples.append((done, total, per))
            pss = sum(p for _, _, p in per.values())
            print(
                f"  after {done:>6} requests: total RSS {mib(total)}, PSS {mib(pss)}   (load {loadavg()})", flush=True
            )

        sample(0)
        mix = Mix(fake_url, "APP")
        app_acks = soak(f"http://127.0.0.1:{app_port}/slack/events", mix, args.requests, args.concurrency,
                        SAMPLE_EVERY, sample)  # fmt: skip
        time.sleep(args.final_wait)  # one more round of handing free memory back (bot.slack.memory)
        sample(args.requests)

        bare = subprocess.Popen([sys.executable, __file__, "--bare", str(bare_port)], env=env, cwd=tmp.name,
                                stdout=log, stderr=log)  # fmt: skip
        procs.append(bare)
        time_to_healthy(f"http://127.0.0.1:{bare_port}/healthz", bare, time.monotonic())
        bare_acks = soak(f"http://127.0.0.1:{bare_port}/slack/events", Mix(fake_url, "BARE"), args.bare_requests,
                         args.concurrency, SAMPLE_EVERY, lambda _done: None)  # fmt: skip

        report(args, ready, samples, app_acks, bare_acks)
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
        log.close()
        tmp.cleanup()


def report(args, ready: float, samples, app_acks: list[float], bare_acks: list[float]) -> None:
    n = args.requests
    end_total = samples[-1][1]
    half = min(samples, key=lambda s: abs(s[0] - n // 2))
    growth = (end_total - half[1]) / half[1] * 100
    print(f"\n{n} mixed signed requests at {args.concurrency} concurrent (load average now {loadavg()}):")
    print(
        f"  total RSS at the end {mib(end_total).strip()} (goal < 350 MiB); at the start {mib(samples[0][1]).strip()}"
    )
    print(f"  growth over the last half ({half[0]} -> {n} requests): {growth:+.1f}% (goal < 5%)")
    print(f"  total PSS at the end {mib(sum(p for _, _, p in samples[-1][2].values())).strip()}")
    print("  at the end, per process:           RSS          PSS")
    for pid, (what, resident, pss) in sorted(samples[-1][2].items()):
        print(f"    {pid:>7} {what:<17} {mib(resident)}   {mib(pss)}")
    workers = {done: sum(r for what, r, _ in per.values() if what == "web worker") for done, _, per in samples}
    print("  web worker RSS by requests: " + ", ".join(f"{d}: {v / MIB:.1f}" for d, v in workers.items()))
    print("  ack latency       p50        p99        max")
    for name, acks in (("bare Bolt app", bare_acks), ("fwtrend", app_acks)):
        print(f"  {name:<14}{pct(acks, 50) * 1000:7.1f} ms {pct(acks, 99) * 1000:7.1f} ms {max(acks) * 1000:7.1f} ms")
    print(f"  start -> /healthz 200: {ready:.2f} s (goal < 1 s)")


if __name__ == "__main__":
    sys.exit(main())
