"""Live look-ups through the real Bolt app (signed requests in, the fake Slack out, local registries): the
acknowledgement at once, a "Looking up …" message within a second, then that same message updated in place."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from werkzeug.serving import make_server

from bot.slack.server import create_flask_app
from tests.live.conftest import populate
from tests.slack.test_slack_app import SECRET, TOKEN, Bot, texts
from tests.support.fake_registries import FakeRegistries
from tests.support.fake_slack import FakeSlack
from tests.support.signing import app_mention_event


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeSlack, str, FakeRegistries]]:
    db = Path(tmp_path_factory.mktemp("live-slack")) / "fwtrend.db"
    with FakeRegistries() as registries, FakeSlack() as fake:
        populate(registries)
        settings = registries.settings(
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
            fwtrend_db=db,
            fwtrend_render_processes=1,
            fwtrend_lookups_per_hour_per_workspace=3,
        )
        web = create_flask_app(settings)
        server = make_server("127.0.0.1", 0, web, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        deadline = time.monotonic() + 240
        with httpx.Client(trust_env=False) as http:
            while http.get(base + "/healthz").status_code != 200:
                assert time.monotonic() < deadline, "the app never became ready"
                time.sleep(0.05)
        from bot.slack import server as server_module

        # /healthz is 200 before the render process is warm (an answer then waits for it); these tests time
        # answers and wait for a chart to follow, so they start once it is warm.
        assert server_module._services.worker.ready.wait(240), "the render process never warmed up"
        yield fake, base, registries
        server.shutdown()
        server_module._services.worker.shutdown()


@pytest.fixture
def bot(live_app) -> Bot:
    fake, base, registries = live_app
    fake.reset()
    registries.faults.clear()
    return Bot(fake, base + "/slack/events")


@pytest.fixture
def registries(live_app) -> FakeRegistries:
    return live_app[2]


def test_a_slash_command_naming_a_project_in_no_bundled_file_shows_looking_up_then_the_answer_in_that_message(bot):
    started = time.time()  # the fake Slack stamps calls with wall time
    resp = bot.command("llama-index vs langchain downloads", team_id="T-LIVE-1")
    acked = time.time() - started
    assert resp.status_code == 200 and acked < 1.0
    posted = bot.fake.wait_for("chat.postMessage", timeout=2)[0]
    assert posted.ts - started < 1.5  # the "looking up" message appears within about a second
    assert posted.params["text"] == "Looking up llama-index on PyPI, npm and GitHub…"
    bot.answered()
    updates = bot.fake.calls("chat.update")
    message_ts = bot.fake.calls("chat.postMessage")[0]
    answer = updates[0].params
    assert answer["channel"] == "C111"
    assert "Looking up" not in answer["text"]
    shown = texts(answer["blocks"])
    assert "llama-index" in shown and "langchain" in shown and "offline" not in shown
    assert "github.com/run-llama/llama_index ↔ pypi:llama-index (PyPI project_urls “Repository”)" in shown
    # the same message: updated in place, never a second answer posted
    assert len(bot.fake.calls("chat.postMessage")) == 1
    assert all(u.params["ts"] == updates[0].params["ts"] for u in updates)
    assert message_ts.method == "chat.postMessage"


def test_a_mention_naming_an_npm_only_package_is_looked_up_and_answered_in_its_thread(bot):
    event = app_mention_event("how are npm:left-pad-live downloads doing?")
    bot.event(event)
    posted = bot.fake.wait_for("chat.postMessage")[0]
    assert posted.params["text"] == "Looking up left-pad-live on npm and GitHub…"
    assert posted.params["thread_ts"] == event["ts"]
    update = bot.fake.wait_for("chat.update", timeout=20)[0].params
    bot.answered()  # the chart too, shown inside the same message
    assert "npm downloads" in texts(update["blocks"]).lower()
    assert "left-pad-live" in update["text"]


def _update_naming(bot: Bot, word: str, timeout: float = 20) -> dict:
    """The first chat.update whose blocks name `word` (an earlier test's late update, e.g. its chart being
    embedded, may still arrive after the fake was reset)."""
    deadline = time.monotonic() + timeout
    count = 1
    while True:
        calls = bot.fake.wait_for("chat.update", count=count, timeout=max(0.1, deadline - time.monotonic()))
        for call in calls:
            if word in texts(call.params.get("blocks") or []):
                return call.params
        count = len(calls) + 1


def test_a_name_found_nowhere_gets_said_so_with_the_nearest_known_names(bot):
    bot.command("polarx", team_id="T-LIVE-2")
    bot.fake.wait_for("chat.postMessage")
    update = _update_naming(bot, "polarx")
    shown = texts(update["blocks"])
    assert "I found no PyPI or npm package or GitHub repository named “polarx”." in shown
    assert "Nearest names I know:" in shown and "polars" in shown


def test_a_failing_registry_is_named_and_the_rest_answered_in_slack(bot, registries):
    registries.fault("pypi-org", status=500)
    registries.fault("npm-registry", status=503)
    bot.command("langchain vs brand-new-pkg downloads", team_id="T-LIVE-3")
    update = bot.fake.wait_for("chat.update", timeout=30)[0].params
    bot.answered()
    shown = texts(update["blocks"])
    assert "I couldn't reach PyPI (GET /pypi-org/pypi/brand-new-pkg/json: HTTP 500 after 2 tries) or npm" in shown
    assert "so I can't tell whether it exists" in shown
    assert "no figures for “brand-new-pkg” offline" in shown  # langchain still answered
    assert "found no" not in shown


def test_past_the_workspace_limit_the_answer_says_when_to_try_again_and_that_bundled_projects_still_answer(
    bot, registries
):
    for i in range(3):
        bot.fake.reset()
        bot.command(f"zz-absent-{i}", team_id="T-LIVE-LIMIT")
        bot.fake.wait_for("chat.update", timeout=20)
    bot.fake.reset()
    asked = len(registries.requests)
    bot.command("zz-absent-4", team_id="T-LIVE-LIMIT")
    shown = texts(bot.fake.wait_for("chat.update", timeout=20)[0].params["blocks"])
    assert "live look-ups an hour for this workspace" in shown and "try again after" in shown
    assert "bundled projects still answer" in shown
    assert len(registries.requests) == asked  # refused before any request
    bot.fake.reset()
    bot.command("zz-absent-5", team_id="T-LIVE-OTHER")  # another workspace has its own limit
    shown = texts(bot.fake.wait_for("chat.update", timeout=20)[0].params["blocks"])
    assert "I found no PyPI or npm package or GitHub repository named “zz-absent-5”" in shown


def test_where_the_bot_cannot_post_the_slash_reply_shows_looking_up_and_is_replaced_with_the_answer(bot):
    bot.fake.set_channel("G-PRIVATE", is_private=True, is_member=False)
    bot.command("pypi:oldname-pkg", channel_id="G-PRIVATE", team_id="T-LIVE-4")
    replies = bot.fake.wait_for("response_url", count=2, timeout=20)
    first, second = replies[0].params, replies[1].params
    assert first["text"] == "Looking up oldname-pkg on PyPI and GitHub…"
    assert second.get("replace_original") in (True, "true")
    assert "oldname-pkg" in second["text"]
