"""`fwtrend serve`: settings checked at start in one line, and `--http` really serves Slack under gunicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support.fake_slack import FakeSlack
from tests.support.signing import post, slash_command_body

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-serve-secret-token"
SECRET = "serve-signing-secret"
APP_TOKEN = "xapp-serve-secret-token"


def clean_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_")) and k != "PORT"}
    env |= {"PYTHONPATH": str(ROOT), "FWTREND_DB": str(tmp_path / "fwtrend.db"), **settings}
    return env


def run_cli(tmp_path: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=tmp_path,  # no stray .env from the checkout
        env=clean_env(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_line_naming(result: subprocess.CompletedProcess[str], *names: str) -> None:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0]
    for value in (TOKEN, SECRET, APP_TOKEN):
        assert value not in result.stderr + result.stdout


def test_http_mode_without_signing_secret_stops_with_one_line_naming_it(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--http", SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN=APP_TOKEN)
    assert_one_line_naming(result, "SLACK_SIGNING_SECRET")


def test_socket_mode_without_tokens_stops_with_one_line_naming_them(tmp_path: Path) -> None:
    assert_one_line_naming(
        run_cli(tmp_path, "serve", SLACK_SIGNING_SECRET=SECRET), "SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"
    )
    assert_one_line_naming(run_cli(tmp_path, "serve", SLACK_BOT_TOKEN=TOKEN), "SLACK_APP_TOKEN")


def test_a_rejected_bot_token_stops_with_one_line_and_never_prints_it(tmp_path: Path, fake_slack: FakeSlack) -> None:
    fake_slack.fail("auth.test", "invalid_auth")
    result = run_cli(
        tmp_path,
        "serve",
        "--http",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.base_url,
    )
    assert_one_line_naming(result, "SLACK_BOT_TOKEN", "invalid_auth")


@pytest.mark.parametrize("status", [500, 503])
def test_a_slack_outage_at_the_token_check_is_not_reported_as_a_rejected_token(
    tmp_path: Path, fake_slack: FakeSlack, status: int
) -> None:
    fake_slack.fail("auth.test", "internal_error", status=status, times=5)  # more than the client's retries
    result = run_cli(
        tmp_path,
        "serve",
        "--http",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_API_URL=fake_slack.base_url,
    )
    assert_one_line_naming(result, "SLACK_BOT_TOKEN", f"HTTP {status}", "try again")
    assert "rejected" not in result.stderr
    assert len(fake_slack.calls("auth.test")) == 3  # the first try and two retries


@pytest.mark.parametrize("mode", [["--http"], []], ids=["http", "socket-mode"])
def test_serve_with_a_corrupt_store_stops_at_start_with_one_line_naming_it(
    tmp_path: Path, fake_slack: FakeSlack, mode: list[str]
) -> None:
    store = tmp_path / "corrupt.db"
    store.write_bytes(b"not a database " * 300)
    result = run_cli(
        tmp_path,
        "serve",
        *mode,
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_SIGNING_SECRET=SECRET,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=fake_slack.base_url,
        FWTREND_DB=str(store),
    )
    assert_one_line_naming(result, str(store), "not a SQLite database")


def test_socket_mode_with_a_rejected_app_token_stops_with_one_line_naming_it(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    # A bot token pasted as the app token: auth.test passes, apps.connections.open refuses it.
    result = run_cli(tmp_path, "serve", SLACK_BOT_TOKEN=TOKEN, SLACK_APP_TOKEN=TOKEN, SLACK_API_URL=fake_slack.base_url)
    assert_one_line_naming(result, "SLACK_APP_TOKEN", "not_allowed_token_type")
    assert [c.method for c in fake_slack.calls()][-1] == "apps.connections.open"


def test_an_invalid_port_setting_is_named_without_its_value(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "serve", "--http", SLACK_BOT_TOKEN=TOKEN, SLACK_SIGNING_SECRET=SECRET, PORT="not-a-port")
    assert_one_line_naming(result, "PORT")
    assert "not-a-port" not in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("port_from", ["--port", "PORT"])
def test_serve_http_runs_gunicorn_with_healthz_and_answers_a_signed_command(
    tmp_path: Path, fake_slack: FakeSlack, port_from: str
) -> None:
    port = free_port()
    args = [sys.executable, "-m", "bot", "serve", "--http"]
    settings = {"SLACK_BOT_TOKEN": TOKEN, "SLACK_SIGNING_SECRET": SECRET, "SLACK_API_URL": fake_slack.base_url}
    if port_from == "--port":
        args += ["--port", str(port)]
    else:
        settings["PORT"] = str(port)
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(args, cwd=tmp_path, env=clean_env(tmp_path, **settings), stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        with httpx.Client(trust_env=False, timeout=2) as http:
            while True:
                assert proc.poll() is None, (tmp_path / "serve.log").read_text()
                try:
                    if http.get(base + "/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "never ready"
                time.sleep(0.1)
        body = slash_command_body("pytorch vs tensorflow", channel_id="C901", response_url=fake_slack.hook_url())
        resp = post(base + "/slack/events", body, SECRET)
        assert resp.status_code == 200 and resp.text == ""
        fake_slack.wait_for("files.completeUploadExternal", timeout=15)
        assert fake_slack.calls("chat.postMessage")[0].params["channel"] == "C901"
        assert post(base + "/slack/events", body, "wrong-secret").status_code == 401
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    output = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in output
    for value in (TOKEN, SECRET):
        assert value not in output
