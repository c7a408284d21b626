"""Run real `fwtrend serve --http` processes (gunicorn, render processes) for crash, restart and scale tests.

Each process is started in a session of its own, so a test can kill -9 it with its whole process tree, or
only its gunicorn worker, and can list what is left of the tree afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The machine's environment without any Slack or fwtrend setting, plus `settings`. The bundled
    projects' cache stays shared (building it is slow)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_")) and k != "PORT"}
    if "FWTREND_BUNDLE_DIR" in os.environ:
        env["FWTREND_BUNDLE_DIR"] = os.environ["FWTREND_BUNDLE_DIR"]
    return env | {"PYTHONPATH": str(ROOT), "FWTREND_DB": str(tmp_path / "fwtrend.db"), **settings}


def children(pid: int) -> list[int]:
    """Every descendant of `pid` still alive (from /proc)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = [int(k) for k in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Serve:
    """One `fwtrend serve --http` on a free port of 127.0.0.1, logging to `log`."""

    def __init__(self, tmp_path: Path, name: str, **settings: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = tmp_path / f"{name}.log"
        self._log = self.log_path.open("a")
        args = [sys.executable, "-m", "bot", "serve", "--http", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            args,
            cwd=tmp_path,
            env=clean_env(tmp_path, **settings),
            stdout=self._log,
            stderr=self._log,
            start_new_session=True,
        )
        self.tree: list[int] = []

    @property
    def events_url(self) -> str:
        return self.url + "/slack/events"

    def log(self) -> str:
        return self.log_path.read_text()

    def wait_ready(self, timeout: float = 120) -> Serve:
        deadline = time.monotonic() + timeout
        with httpx.Client(trust_env=False, timeout=2) as http:
            while True:
                assert self.proc.poll() is None, self.log()
                try:
                    if http.get(self.url + "/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"never ready:\n{self.log()}"
                time.sleep(0.1)
        self.tree = children(self.proc.pid)
        return self

    def kill_tree(self) -> None:
        """kill -9 the whole process group: gunicorn's master, its worker, the render processes."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def kill_worker(self) -> int:
        """kill -9 gunicorn's worker process only (the master starts a new one). Returns its pid."""
        worker = [int(k) for k in Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()]
        os.kill(worker[0], signal.SIGKILL)
        return worker[0]

    def terminate(self, timeout: float = 30) -> int:
        """SIGTERM, as a platform stops a process; returns the exit code."""
        self.tree = children(self.proc.pid) or self.tree
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        for pid in self.tree:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
        self._log.close()
