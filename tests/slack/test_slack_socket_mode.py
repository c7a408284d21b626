"""End to end in Socket Mode: the real app connects over a real WebSocket to fakes on 127.0.0.1 and answers.

`start_socket_mode` is what `fwtrend serve` runs before it waits forever: it checks the bot token,
asks the fake Web API's `apps.connections.open` (with the `xapp-` token) for a WebSocket URL, and
connects with slack_sdk's builtin client. `FakeSocketMode` then pushes envelopes the way Slack does
and records the client's acks. The answers go out through the fake Web API, as in HTTP mode
(`test_slack_app.py`). The last test runs the actual `fwtrend serve` process.
"""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.slack.server import SocketModeApp, start_socket_mode
from tests.slack.test_slack_serve import clean_env
from tests.support.fake_slack import Call, FakeSlack
from tests.support.fake_socket_mode import FakeSocketMode
from tests.support.signing import app_mention_event, block_actions_body, event_body, slash_command_body

TOKEN = "xoxb-socket-secret-token"
APP_TOKEN = "xapp-1-A111-socket-secret-token"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SLACK_ACK_LIMIT_S = 3.0  # Slack retries (events) or shows an error (commands) after 3 seconds without an ack


@dataclass
class Running:
    fake: FakeSlack
    sockets: FakeSocketMode
    app: SocketModeApp
    opened: list[Call]  # the apps.connections.open calls made while starting


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = Path(tmp_path_factory.mktemp("store")) / "fwtrend.db"
    with FakeSlack() as fake, FakeSocketMode() as sockets:
        fake.use_socket_mode(sockets.issue_url)
        settings = Settings(
            _env_file=None,
            slack_bot_token=TOKEN,
            slack_app_token=APP_TOKEN,
            slack_api_url=fake.base_url,
            fwtrend_db=db,
            fwtrend_render_processes=0,  # render in-process: the socket path is under test, not the pool
        )
        app = start_socket_mode(settings)
        try:
            sockets.wait_connected()
            yield Running(fake, sockets, app, fake.calls("apps.connections.open"))
        finally:
            app.close()


@pytest.fixture
def live(running: Running) -> Running:
    running.fake.reset()
    running.sockets.reset()
    return running


def answered(fake: FakeSlack) -> Call:
    """Wait for the last Slack call of a posted answer: its chart uploaded, then embedded with chat.update."""
    (complete,) = fake.wait_for("files.completeUploadExternal", timeout=15)
    fake.wait_for("chat.update", count=len([c for c in fake.calls("chat.update") if c.ts < complete.ts]) + 1)
    return complete


def assert_acked_in_time(sockets: FakeSocketMode, envelope_id: str) -> None:
    ack = sockets.wait_ack(envelope_id)
    assert ack.latency < SLACK_ACK_LIMIT_S, ack
    assert ack.payload is None  # the answer goes through the Web API, never inline in the ack
    assert sockets.violations == []


def test_start_opens_the_connection_with_the_app_token_and_keeps_it_alive(running: Running) -> None:
    (opened,) = running.opened
    assert opened.headers["authorization"] == f"Bearer {APP_TOKEN}"  # the app-level token, not the bot's
    conn, client = running.sockets.current, running.app.handler.client
    assert conn.open and client.is_connected()
    # The client pings right after the handshake (from its own thread: on a busy machine a moment later)
    # and counts a connection without pongs as stale.
    deadline = time.monotonic() + 5
    while not conn.pings and time.monotonic() < deadline:
        time.sleep(0.02)
    assert conn.pings and conn.pings[0].startswith(client.session_id().encode())
    while client.current_session.last_ping_pong_time is None:  # set when our pong came back to it
        assert time.monotonic() < deadline, "the client never saw a pong"
        time.sleep(0.02)
    assert running.sockets.violations == []


def test_slash_command_is_acked_at_once_and_answered_in_the_channel_with_the_chart(live: Running) -> None:
    envelope_id = live.sockets.slash_command(
        slash_command_body("pytorch vs tensorflow", channel_id="C811", response_url=live.fake.hook_url())
    )
    assert_acked_in_time(live.sockets, envelope_id)
    complete = answered(live.fake)
    (posted,) = live.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "C811" and "thread_ts" not in posted.params
    assert posted.params["blocks"][0]["type"] == "header" and "PyTorch" in posted.params["text"]
    (file_id, filename, data) = live.fake.uploaded_files()[0]
    assert filename.endswith(".png") and data.startswith(PNG_MAGIC)
    record = live.fake.file(file_id)
    assert record.channel_id == "C811" and record.thread_ts == complete.params["thread_ts"]
    assert live.fake.calls("response_url") == []
    assert len(live.sockets.acks_for(envelope_id)) == 1


def test_help_command_replies_privately_through_the_envelopes_response_url(live: Running) -> None:
    envelope_id = live.sockets.slash_command(slash_command_body("help", response_url=live.fake.hook_url()))
    assert_acked_in_time(live.sockets, envelope_id)
    (reply,) = live.fake.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral" and reply.params["blocks"]
    assert live.fake.calls("chat.postMessage") == []


def test_app_mention_is_answered_in_its_thread(live: Running) -> None:
    mention = app_mention_event("pytorch vs jax", channel="C822", ts="1700000000.000822")
    envelope_id = live.sockets.event(event_body(mention, event_id="EvSocketMention"))
    assert_acked_in_time(live.sockets, envelope_id)
    answered(live.fake)
    (posted,) = live.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "C822" and posted.params["thread_ts"] == "1700000000.000822"
    record = live.fake.file(live.fake.uploaded_files()[0][0])
    assert (record.channel_id, record.thread_ts) == ("C822", "1700000000.000822")


def test_a_redelivered_event_is_acked_but_gets_no_second_reply(live: Running) -> None:
    body = event_body(app_mention_event("jax vs flax", channel="C833", ts="1700000000.000833"), event_id="EvSockRetry")
    first = live.sockets.event(body)
    assert_acked_in_time(live.sockets, first)
    answered(live.fake)
    # Slack redelivers with a new envelope, the same event_id and retry_attempt > 0 until it sees an ack.
    retries = [live.sockets.event(body, retry_attempt=n, retry_reason="timeout") for n in (1, 2)]
    retries.append(live.sockets.event(body))  # and a plain redelivery after a reconnect
    for envelope_id in retries:
        assert_acked_in_time(live.sockets, envelope_id)  # acked, or Slack would keep retrying
    time.sleep(0.5)  # give a wrong second answer the time to show up
    assert len(live.fake.calls("chat.postMessage")) == 1 and len(live.fake.uploaded_files()) == 1


def test_a_button_click_updates_the_message_in_place(live: Running) -> None:
    envelope_id = live.sockets.slash_command(
        slash_command_body("pytorch vs tensorflow", channel_id="C844", response_url=live.fake.hook_url())
    )
    assert_acked_in_time(live.sockets, envelope_id)
    (posted,) = live.fake.wait_for("chat.postMessage")
    button = next(e for b in posted.params["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "fwtrend.metric.github_stars")  # fmt: skip
    answered(live.fake)
    live.fake.reset()

    click = block_actions_body(
        button["action_id"],
        button["value"],
        channel_id="C844",
        message_ts="1700000000.000844",
        response_url=live.fake.hook_url("actions/T111/1/x"),
    )
    envelope_id = live.sockets.interactive(click)
    assert_acked_in_time(live.sockets, envelope_id)
    answered(live.fake)
    update = live.fake.calls("chat.update")[0]
    assert (update.params["channel"], update.params["ts"]) == ("C844", "1700000000.000844")
    assert "stars" in update.params["text"].lower()
    assert live.fake.calls("chat.postMessage") == []


def test_on_a_disconnect_message_it_opens_a_new_connection_and_answers_there(live: Running) -> None:
    before = len(live.sockets.connections)
    live.sockets.disconnect("refresh_requested")
    new = live.sockets.wait_connected(count=before + 1)
    # A fresh URL from apps.connections.open (tickets work once; the fake records a reuse as a violation).
    assert len(live.fake.wait_for("apps.connections.open")) == 1
    deadline = time.monotonic() + 10
    while any(c.open for c in live.sockets.connections[:-1]):  # the client drops the old connection
        assert time.monotonic() < deadline, "the old connection stayed open"
        time.sleep(0.05)

    envelope_id = live.sockets.slash_command(
        slash_command_body("pytorch vs tensorflow", channel_id="C855", response_url=live.fake.hook_url())
    )
    assert_acked_in_time(live.sockets, envelope_id)
    assert live.sockets.wait_ack(envelope_id).connection == new.number
    answered(live.fake)
    assert live.fake.calls("chat.postMessage")[0].params["channel"] == "C855"


# -- the real command ------------------------------------------------------------------------------------


@contextlib.contextmanager
def serving(
    tmp_path: Path, render_processes: str, stop: signal.Signals
) -> Iterator[tuple[subprocess.Popen, list[int]]]:
    """`fwtrend serve` in Socket Mode against a fake Slack; yields once it has answered one slash command, and
    ends it with `stop`. The list yielded receives the exit status."""
    with FakeSlack() as fake, FakeSocketMode() as sockets:
        fake.use_socket_mode(sockets.issue_url)
        settings = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_APP_TOKEN": APP_TOKEN,
            "SLACK_API_URL": fake.base_url,
            "FWTREND_RENDER_PROCESSES": render_processes,
        }
        log = (tmp_path / "serve.log").open("w+")
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve"], cwd=tmp_path, env=clean_env(tmp_path, **settings),
            stdout=log, stderr=log,
        )  # fmt: skip
        code: list[int] = []
        try:
            try:
                sockets.wait_connected(timeout=90)
            except AssertionError:
                raise AssertionError((tmp_path / "serve.log").read_text()) from None
            envelope_id = sockets.slash_command(
                slash_command_body("pytorch vs tensorflow", channel_id="C866", response_url=fake.hook_url())
            )
            assert_acked_in_time(sockets, envelope_id)
            answered(fake)
            assert fake.calls("chat.postMessage")[0].params["channel"] == "C866"
            yield proc, code
        finally:
            proc.send_signal(stop)
            code.append(proc.wait(timeout=60))


def test_fwtrend_serve_connects_in_socket_mode_answers_and_stops_on_ctrl_c(tmp_path: Path) -> None:
    with serving(tmp_path, "0", signal.SIGINT) as (_proc, code):
        pass
    output = (tmp_path / "serve.log").read_text()
    assert code == [130], output  # Ctrl-C: the CLI's exit status for an interrupt, after closing the connection
    assert "Traceback" not in output and "connected in Socket Mode" in output
    for value in (TOKEN, APP_TOKEN):
        assert value not in output


def _children(pid: int) -> set[int]:
    """Process ids whose parent is `pid` (from /proc, as `ps --ppid` would list them)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_fwtrend_serve_in_socket_mode_stops_on_sigterm_and_leaves_no_child_process(tmp_path: Path) -> None:
    # Real render processes ("2"): the children SIGTERM must not orphan.
    with serving(tmp_path, "2", signal.SIGTERM) as (proc, code):
        children = _children(proc.pid)
        assert len(children) >= 2, children  # the render pool is up
    output = (tmp_path / "serve.log").read_text()
    assert code == [0], output
    assert "Traceback" not in output
    leftover = [pid for pid in children if _alive(pid)]
    assert leftover == [], f"child processes left behind: {leftover}"
