"""End to end: a store that cannot take writes still answers Slack, through the real Bolt app.

The app is the one `fwtrend serve --http` runs (Flask + Bolt + answer worker with a real render process),
served by werkzeug in a thread; signed requests in, the fake Slack Web API out. As root (CI), chmod alone
stops no write; fwtrend opens a file or folder without any write bit read-only (SQLite `mode=ro` or
`immutable=1`), in the web process and in the render process alike, so SQLite refuses every write. The
file's bytes are compared before and after: nothing was written.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from werkzeug.serving import make_server

from bot.ingest.seeded import open_seeded_store
from bot.settings import Settings
from bot.slack.server import create_flask_app
from bot.store.opening import forget_stores
from tests.support.fake_slack import FakeSlack
from tests.support.signing import app_mention_event, event_body, post, slash_command_body

SECRET = "read-only-signing-secret"


def _file_read_only(folder: Path) -> tuple[Path, Callable[[], None]]:
    path = folder / "fwtrend.db"
    open_seeded_store(path)
    forget_stores()
    path.chmod(0o444)
    return path, lambda: None


def _folder_read_only(folder: Path) -> tuple[Path, Callable[[], None]]:
    shared = folder / "shared"
    shared.mkdir()
    path = shared / "fwtrend.db"
    open_seeded_store(path)
    forget_stores()
    shared.chmod(0o555)
    return path, lambda: shared.chmod(0o755)


@pytest.fixture(params=[_file_read_only, _folder_read_only], ids=["file-0444", "folder-0555"])
def read_only_app(
    request: pytest.FixtureRequest, tmp_path: Path, fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> Iterator[tuple[str, Path]]:
    path, undo = request.param(tmp_path)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    settings = Settings(
        _env_file=None,
        slack_bot_token="xoxb-read-only",
        slack_signing_secret=SECRET,
        slack_api_url=fake_slack.base_url,
        fwtrend_db=path,
        fwtrend_render_processes=1,
    )
    caplog.set_level(logging.WARNING, logger="fwtrend.store")
    web = create_flask_app(settings)
    server = make_server("127.0.0.1", 0, web, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        yield base, path
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before, "the read-only store was written"
    finally:
        server.shutdown()
        from bot.slack import server as server_module

        server_module._services.worker.shutdown()
        forget_stores()
        undo()


def _healthz_when_ready(base: str) -> httpx.Response:
    deadline = time.monotonic() + 60
    with httpx.Client(trust_env=False) as http:
        while (response := http.get(base + "/healthz")).text == "starting\n" and time.monotonic() < deadline:
            time.sleep(0.05)
    return response


def test_a_read_only_store_still_answers_commands_and_mentions_and_the_log_says_so_once(
    read_only_app: tuple[str, Path], fake_slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    base, path = read_only_app
    response = _healthz_when_ready(base)
    assert (response.status_code, response.text) == (200, "ok\n")
    url = base + "/slack/events"
    hook = fake_slack.hook_url("commands/T111/1/x")
    assert (
        post(url, slash_command_body("pytorch vs tensorflow", channel_id="C801", response_url=hook), SECRET).text == ""
    )
    fake_slack.wait_for("files.completeUploadExternal", timeout=60)
    mention = event_body(app_mention_event("mxnet vs pytorch downloads", channel="C802"), event_id="EvRO1")
    assert post(url, mention, SECRET).status_code == 200
    fake_slack.wait_for("files.completeUploadExternal", count=2, timeout=60)
    # the same mention again: it cannot be recorded as handled, so it is answered again rather than lost
    assert post(url, mention, SECRET).status_code == 200
    fake_slack.wait_for("files.completeUploadExternal", count=3, timeout=60)

    posted = fake_slack.calls("chat.postMessage")  # both charts are PNGs: downloads span a counting change
    assert {c.params["channel"] for c in posted} == {"C801", "C802"}
    assert any("PyTorch" in c.params["text"] for c in posted) and any("MXNet" in c.params["text"] for c in posted)
    # said once by the web process (when it opened the store), never per request
    records = caplog.get_records("setup") + caplog.get_records("call")
    said = [r.getMessage() for r in records if "cannot be written" in r.getMessage()]
    assert len(said) == 1 and str(path) in said[0], said
    assert _healthz_when_ready(base).status_code == 200
