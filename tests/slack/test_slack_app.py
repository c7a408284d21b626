"""End to end: the real Bolt app over HTTP on 127.0.0.1, signed requests in, the fake Slack Web API out.

The WSGI app is the one `fwtrend serve --http` runs (Flask + Bolt + answer worker with a real
render process); here werkzeug serves it in a thread so calls can be inspected in-process.
`test_slack_serve.py` runs the actual `fwtrend serve --http` under gunicorn.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from werkzeug.serving import make_server

from bot.settings import Settings
from bot.slack.blocks.answer import ACTION_SHARE
from bot.slack.blocks.native_chart import has_native_chart
from bot.slack.server import create_flask_app
from bot.understanding.query import decode_query, encode_query
from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    app_home_opened_event,
    app_mention_event,
    block_actions_body,
    event_body,
    im_message_event,
    post,
    slash_command_body,
)

SECRET = "e2e-signing-secret"
TOKEN = "xoxb-e2e-secret-token"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class Bot:
    def __init__(self, fake: FakeSlack, url: str):
        self.fake = fake
        self.url = url
        self._events = iter(range(1, 10**6))

    def command(self, text: str, **fields: Any):
        fields.setdefault("response_url", self.fake.hook_url("commands/T111/1/x"))
        return post(self.url, slash_command_body(text, **fields), SECRET)

    def event(self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None):
        event_id = event_id or f"Ev{time.monotonic_ns()}{next(self._events)}"
        return post(self.url, event_body(event, event_id=event_id), SECRET, retry_num=retry_num)

    def click(self, action_id: str, value: str, **fields: Any):
        fields.setdefault("response_url", self.fake.hook_url("actions/T111/1/x"))
        return post(self.url, block_actions_body(action_id, value, **fields), SECRET)

    def answered(self) -> list[Any]:
        """Wait until the answer is complete: posted with a chart Slack draws itself (a data_visualization
        block: nothing to upload, returns []), or its PNG uploaded and embedded in it (returns the uploads)."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and not self.fake.calls("files.completeUploadExternal"):
            posted = self.fake.calls("chat.postMessage") + self.fake.calls("chat.update")
            if any(has_native_chart({"blocks": c.params.get("blocks") or []}) for c in posted):
                return []
            time.sleep(0.02)
        completes = self.fake.wait_for("files.completeUploadExternal")
        last = completes[-1]
        earlier_updates = [c for c in self.fake.calls("chat.update") if c.ts < last.ts]
        self.fake.wait_for("chat.update", count=len(earlier_updates) + 1)
        return completes

    def settle(self, seconds: float = 0.4) -> None:
        """Let the worker finish anything it might (wrongly) still do."""
        time.sleep(seconds)


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeSlack, str]]:
    db = Path(tmp_path_factory.mktemp("store")) / "fwtrend.db"
    with FakeSlack() as fake:
        settings = Settings(
            _env_file=None,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
            fwtrend_db=db,
            fwtrend_render_processes=1,
        )
        web = create_flask_app(settings)
        server = make_server("127.0.0.1", 0, web, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        deadline = time.monotonic() + 60
        with __import__("httpx").Client(trust_env=False) as http:
            while http.get(base + "/healthz").status_code != 200:
                assert time.monotonic() < deadline, "the app never became ready"
                time.sleep(0.05)
        yield fake, base
        server.shutdown()
        from bot.slack import server as server_module

        server_module.stop_answering(server_module._services)


@pytest.fixture
def bot(running: tuple[FakeSlack, str]) -> Bot:
    fake, base = running
    fake.reset()
    return Bot(fake, base + "/slack/events")


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def action_ids(blocks: list[dict[str, Any]]) -> set[str]:
    return {e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]}


def ephemeral_replies(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls("response_url")]


# -- /fwtrend ----------------------------------------------------------------------------------------------


def test_slash_command_acks_empty_then_posts_blocks_and_uploads_the_png_into_the_answers_thread(bot: Bot) -> None:
    resp = bot.command("pytorch vs tensorflow", channel_id="C111")
    assert resp.status_code == 200 and resp.text == ""

    (complete,) = bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "C111" and "thread_ts" not in posted.params
    assert posted.params["blocks"][0]["type"] == "header" and "PyTorch" in posted.params["text"]
    assert {"fwtrend.period.1y", "fwtrend.period.all"} <= action_ids(posted.params["blocks"])
    assert ACTION_SHARE not in action_ids(posted.params["blocks"])  # public answers need no share button

    (file_id, filename, data) = bot.fake.uploaded_files()[0]
    assert filename.endswith(".png") and data.startswith(PNG_MAGIC)
    record = bot.fake.file(file_id)
    assert record.channel_id == "C111" and record.completed
    assert record.thread_ts and float(record.thread_ts) > 0  # the answer's own ts: the chart is its first reply
    assert complete.ts >= posted.ts
    assert bot.fake.calls("response_url") == []


def test_slash_command_in_a_dm_with_the_bot_answers_there(bot: Bot) -> None:
    bot.command("pytorch vs tensorflow", channel_id="D111")  # downloads: the PNG shows the change of counting
    bot.answered()
    assert bot.fake.calls("chat.postMessage")[0].params["channel"] == "D111"
    assert bot.fake.file(bot.fake.uploaded_files()[0][0]).channel_id == "D111"


@pytest.mark.parametrize("text", ["help", "", "caffe vs zorblax", "zebra vs giraffe", "how is hf doing"])
def test_help_and_unknown_names_answer_ephemerally_and_post_nothing(bot: Bot, text: str) -> None:
    bot.command(text)
    (reply,) = bot.fake.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral" and reply.params["blocks"]
    bot.settle()
    assert bot.fake.calls("chat.postMessage") == [] and bot.fake.uploaded_files() == []


def test_public_channel_the_bot_is_not_in_is_joined_then_answered(bot: Bot) -> None:
    bot.fake.set_channel("CPUB", is_member=False)
    bot.command("pytorch vs jax", channel_id="CPUB")
    bot.answered()
    assert [c.method for c in bot.fake.calls() if c.method.startswith(("chat.", "conversations."))] == [
        "chat.postMessage",
        "conversations.join",
        "chat.postMessage",
        "chat.update",  # the uploaded chart, embedded in the answer
    ]
    assert bot.fake.file(bot.fake.uploaded_files()[0][0]).channel_id == "CPUB"


def _assert_private_fallback(bot: Bot, *, invite: bool = True) -> dict[str, Any]:
    (reply,) = bot.fake.wait_for("response_url")
    params = reply.params
    assert params["response_type"] == "ephemeral"
    assert ACTION_SHARE in action_ids(params["blocks"])
    words = texts(params["blocks"])
    assert "Only you can see this" in words and "DM" in words
    if invite:
        assert "/invite @fwtrend" in words
    # The chart went to the user's DM with the app, never to the channel.
    (file_id, _, data) = bot.fake.uploaded_files()[0]
    assert data.startswith(PNG_MAGIC) and bot.fake.file(file_id).channel_id == "D111"
    return params


def test_private_channel_the_bot_is_not_in_gets_the_private_fallback_with_the_chart_in_a_dm(bot: Bot) -> None:
    bot.fake.set_channel("GPRIV", is_private=True, is_member=False)
    bot.command("pytorch vs tensorflow", channel_id="GPRIV", user_id="U111")
    bot.fake.wait_for("files.completeUploadExternal")
    _assert_private_fallback(bot)
    channels = [c.params["channel"] for c in bot.fake.calls("chat.postMessage")]
    assert channels == ["GPRIV", "U111"]  # tried the channel (channel_not_found), then the DM for the chart


def test_not_in_channel_when_joining_is_refused_gets_the_private_fallback(bot: Bot) -> None:
    bot.fake.set_channel("CPUB2", is_member=False)
    bot.fake.fail("conversations.join", "missing_scope")
    bot.command("keras vs pytorch", channel_id="CPUB2")
    bot.fake.wait_for("files.completeUploadExternal")
    _assert_private_fallback(bot)


def test_share_button_on_a_private_answer_posts_it_in_the_channel_and_deletes_the_private_copy(bot: Bot) -> None:
    bot.fake.set_channel("GPRIV3", is_private=True, is_member=False)
    bot.command("jax vs pytorch", channel_id="GPRIV3")
    params = _assert_private_fallback(bot)
    share = next(
        e for b in params["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == ACTION_SHARE
    )
    bot.fake.reset()
    bot.fake.set_channel("GPRIV3", is_private=True, is_member=True)  # someone ran /invite @fwtrend
    bot.click(ACTION_SHARE, share["value"], channel_id="GPRIV3", is_ephemeral=True)
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "GPRIV3" and ACTION_SHARE not in action_ids(posted.params["blocks"])
    assert bot.fake.wait_for("response_url")[0].params["delete_original"] is True


def test_share_button_where_the_bot_still_cannot_post_says_how_to_invite_it(bot: Bot) -> None:
    bot.fake.set_channel("GPRIV4", is_private=True, is_member=False)
    bot.click(ACTION_SHARE, _value("pytorch vs jax"), channel_id="GPRIV4", is_ephemeral=True)
    (reply,) = bot.fake.wait_for("response_url")
    assert "/invite @fwtrend" in reply.params["text"] and reply.params["response_type"] == "ephemeral"


# -- mentions and DMs --------------------------------------------------------------------------------------


def test_mention_in_a_channel_answers_in_a_thread_with_the_chart(bot: Bot) -> None:
    resp = bot.event(app_mention_event("pytorch vs jax", channel="C222", ts="1700000000.000222"))
    assert resp.status_code == 200
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "C222" and posted.params["thread_ts"] == "1700000000.000222"
    record = bot.fake.file(bot.fake.uploaded_files()[0][0])
    assert (record.channel_id, record.thread_ts) == ("C222", "1700000000.000222")


def test_mention_inside_a_thread_answers_in_that_thread(bot: Bot) -> None:
    event = app_mention_event("tensorflow vs keras", channel="C222", ts="1700000000.000999")
    event["thread_ts"] = "1700000000.000500"
    bot.event(event)
    bot.answered()
    assert bot.fake.calls("chat.postMessage")[0].params["thread_ts"] == "1700000000.000500"
    assert bot.fake.file(bot.fake.uploaded_files()[0][0]).thread_ts == "1700000000.000500"


def test_direct_message_to_the_app_is_answered_in_the_dm_and_its_own_messages_are_ignored(bot: Bot) -> None:
    bot.event(im_message_event("pytorch vs tensorflow", channel="D333"))
    bot.answered()
    assert bot.fake.calls("chat.postMessage")[0].params["channel"] == "D333"
    bot.fake.reset()
    own = im_message_event("PyTorch vs TensorFlow", channel="D333") | {"bot_id": "BBOT"}
    edited = im_message_event("jax", channel="D333") | {"subtype": "message_changed"}
    assert bot.event(own).status_code == 200 and bot.event(edited).status_code == 200
    bot.settle()
    assert bot.fake.calls("chat.postMessage") == []


def test_a_retried_event_gets_no_second_reply(bot: Bot) -> None:
    event = app_mention_event("jax vs flax", channel="C444")
    assert bot.event(event, event_id="EvRetry1").status_code == 200
    bot.answered()
    assert bot.event(event, event_id="EvRetry1", retry_num=1).status_code == 200
    assert bot.event(event, event_id="EvRetry1", retry_num=2).status_code == 200
    assert bot.event(event, event_id="EvRetry1").status_code == 200  # redelivered without the header too
    bot.settle()
    assert len(bot.fake.calls("chat.postMessage")) == 1 and len(bot.fake.uploaded_files()) == 1


# -- buttons -----------------------------------------------------------------------------------------------


def _value(text: str) -> str:
    from bot.answering.engine import understand_text

    return encode_query(understand_text(text))


def test_metric_button_updates_the_message_in_place_and_adds_the_new_chart_to_its_thread(bot: Bot) -> None:
    bot.command("pytorch vs tensorflow", channel_id="C555")
    (posted,) = bot.fake.wait_for("chat.postMessage")
    button = next(e for b in posted.params["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == "fwtrend.metric.github_stars")  # fmt: skip
    bot.answered()
    bot.fake.reset()

    assert bot.click(button["action_id"], button["value"], channel_id="C555", message_ts="1700000000.000555").text == ""
    bot.answered()
    update, embed = bot.fake.calls("chat.update")
    assert (update.params["channel"], update.params["ts"]) == ("C555", "1700000000.000555")
    assert embed.params["ts"] == "1700000000.000555"
    assert any(b["type"] == "image" for b in embed.params["blocks"])
    assert "stars" in update.params["text"].lower()
    assert bot.fake.calls("chat.postMessage") == []  # updated, not re-posted
    record = bot.fake.file(bot.fake.uploaded_files()[0][0])
    assert (record.channel_id, record.thread_ts) == ("C555", "1700000000.000555")


def test_period_button_on_an_answer_in_a_thread_keeps_the_chart_in_that_thread(bot: Bot) -> None:
    value = encode_query(decode_query(_value("jax vs pytorch stars")).model_copy(update={"period_label": "x"}))
    bot.click("fwtrend.period.all", value, channel_id="C556", message_ts="1700000000.000601", thread_ts="1700000000.6")
    bot.answered()
    assert bot.fake.calls("chat.update")[0].params["ts"] == "1700000000.000601"
    assert bot.fake.file(bot.fake.uploaded_files()[0][0]).thread_ts == "1700000000.6"


def test_button_on_a_private_answer_replaces_it_privately(bot: Bot) -> None:
    bot.click("fwtrend.metric.github_stars", _value("pytorch vs jax stars"), channel_id="GPRIV5", is_ephemeral=True)
    (reply,) = bot.fake.wait_for("response_url")
    assert reply.params["replace_original"] is True and reply.params["response_type"] == "ephemeral"
    assert ACTION_SHARE in action_ids(reply.params["blocks"])
    bot.settle()
    assert bot.fake.calls("chat.update") == [] and bot.fake.calls("chat.postMessage") == []


def test_a_button_with_an_unreadable_value_says_so_privately(bot: Bot) -> None:
    bot.click("fwtrend.metric.github_stars", "not json", channel_id="C557")
    (reply,) = bot.fake.wait_for("response_url")
    assert reply.params["response_type"] == "ephemeral" and "Ask again" in reply.params["text"]
    assert bot.fake.calls("chat.update") == []


# -- App Home ----------------------------------------------------------------------------------------------


def test_opening_app_home_publishes_tracked_frameworks_with_figures_and_freshness(bot: Bot) -> None:
    bot.event(app_home_opened_event(user="U777"))
    (published,) = bot.fake.wait_for("views.publish")
    assert published.params["user_id"] == "U777"
    view = published.params["view"]
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    words = texts(view["blocks"])
    for name in ("PyTorch", "TensorFlow", "JAX", "scikit-learn", "Data freshness", "GitHub stars"):
        assert name in words
    assert "fwtrend.home.ask" in words


def test_messages_tab_open_publishes_nothing(bot: Bot) -> None:
    bot.event(app_home_opened_event(tab="messages"))
    bot.settle()
    assert bot.fake.calls("views.publish") == []


def test_ask_button_on_app_home_opens_a_modal_whose_answer_arrives_in_the_dm(bot: Bot) -> None:
    bot.click("fwtrend.home.ask", "", view={"id": "VHOME", "type": "home"})
    (opened,) = bot.fake.wait_for("views.open")
    modal = opened.params["view"]
    view = {
        "id": "VMODAL",
        "type": "modal",
        "callback_id": modal["callback_id"],
        "state": {"values": {"question": {"text": {"type": "plain_text_input", "value": "pytorch vs jax"}}}},
    }
    payload = {"type": "view_submission", "team": {"id": "T111"}, "user": {"id": "U888"}, "api_app_id": "A111",
               "token": "t", "trigger_id": "1.2.3", "view": view}  # fmt: skip
    resp = post(bot.url, "payload=" + quote(json.dumps(payload)), SECRET)
    assert resp.status_code == 200 and resp.text == ""
    bot.answered()
    assert bot.fake.calls("chat.postMessage")[0].params["channel"] == "U888"
    assert bot.fake.file(bot.fake.uploaded_files()[0][0]).channel_id == "D888"


# -- Slack's edges -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("how", ["wrong secret", "stale timestamp", "unsigned"])
def test_a_bad_or_stale_signature_gets_401_and_makes_no_slack_call(bot: Bot, how: str) -> None:
    body = slash_command_body("pytorch vs tensorflow", response_url=bot.fake.hook_url())
    if how == "wrong secret":
        resp = post(bot.url, body, "not-the-secret")
    elif how == "stale timestamp":
        resp = post(bot.url, body, SECRET, timestamp=int(time.time()) - 6 * 60)
    else:
        import httpx

        with httpx.Client(trust_env=False) as http:
            resp = http.post(bot.url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert resp.status_code == 401
    bot.settle()
    assert bot.fake.calls() == []


def test_user_text_echoed_back_cannot_ping_anyone(bot: Bot) -> None:
    bot.command("<!channel> @here <@U999|boss> <!subteam^S1> vs caffe")
    bot.fake.wait_for("response_url")
    bot.settle()
    sent = json.dumps([c.params for c in bot.fake.calls()])
    for ping in ("<!channel>", "<!here>", "<@U999", "<!subteam", "@here", "@channel"):
        assert ping not in sent


def test_ratelimited_answer_tells_the_user_when_to_retry(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    bot.fake.fail("chat.postMessage", "ratelimited", times=2, headers={"Retry-After": "0"})
    with caplog.at_level(logging.INFO):
        bot.command("pytorch vs tensorflow", channel_id="C666")
        (reply,) = bot.fake.wait_for("response_url")
    assert "rate-limiting" in reply.params["text"] and reply.params["response_type"] == "ephemeral"
    assert len(bot.fake.calls("chat.postMessage")) == 2  # retried once after Retry-After, then told the user
    assert "ratelimited" in caplog.text and TOKEN not in caplog.text


def test_invalid_auth_is_explained_plainly_and_logged_without_the_token(
    bot: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    bot.fake.fail("chat.postMessage", "invalid_auth")
    with caplog.at_level(logging.INFO):
        bot.command("jax vs flax", channel_id="C667")
        (reply,) = bot.fake.wait_for("response_url")
    assert "reinstall" in reply.params["text"]
    assert "invalid_auth" in caplog.text and TOKEN not in caplog.text and SECRET not in caplog.text


def test_chart_upload_failure_still_leaves_the_answer_and_says_so(bot: Bot) -> None:
    bot.fake.fail("upload", "server_error", status=500)
    bot.command("pytorch vs tensorflow", channel_id="C668")
    posts = bot.fake.wait_for("chat.postMessage", count=2)
    assert posts[0].params["blocks"] and "couldn't attach the chart" in posts[1].params["text"]
    assert posts[1].params["thread_ts"]


# -- plain English and follow-ups in threads ---------------------------------------------------------------


def _mention_in_thread(bot: Bot, text: str, *, channel: str, thread_ts: str, ts: str) -> dict[str, Any]:
    event = app_mention_event(text, channel=channel, ts=ts)
    if thread_ts != ts:
        event["thread_ts"] = thread_ts
    bot.event(event)
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    return posted.params


def test_a_plain_english_mention_is_answered_in_its_thread_with_a_direct_first_line(bot: Bot) -> None:
    posted = _mention_in_thread(
        bot, "is jax growing faster than pytorch?", channel="C700", thread_ts="1700000070.1", ts="1700000070.1"
    )
    assert posted["thread_ts"] == "1700000070.1"
    assert posted["text"].startswith("Growth: JAX vs PyTorch: JAX is growing faster than PyTorch")


def test_a_follow_up_in_the_same_thread_keeps_the_earlier_question(bot: Bot) -> None:
    first = _mention_in_thread(
        bot, "pytorch vs tensorflow stars", channel="C701", thread_ts="1700000071.1", ts="1700000071.1"
    )
    assert "JAX" not in first["text"]
    bot.fake.reset()
    follow = _mention_in_thread(bot, "what about jax?", channel="C701", thread_ts="1700000071.1", ts="1700000071.9")
    assert follow["thread_ts"] == "1700000071.1"
    header = next(b for b in follow["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "PyTorch vs TensorFlow vs JAX"
    assert "GitHub stars" in follow["text"]
    assert "Following up on the earlier question" in texts(follow["blocks"])


def test_a_follow_up_in_another_thread_is_read_on_its_own(bot: Bot) -> None:
    _mention_in_thread(bot, "pytorch vs tensorflow stars", channel="C702", thread_ts="1700000072.1", ts="1700000072.1")
    bot.fake.reset()
    other = _mention_in_thread(bot, "what about jax?", channel="C702", thread_ts="1700000072.5", ts="1700000072.5")
    header = next(b for b in other["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "JAX"


def test_a_reply_in_the_thread_of_a_slash_command_answer_follows_up_on_it(bot: Bot) -> None:
    bot.command("pytorch vs tensorflow stars", channel_id="C703")
    (complete,) = bot.answered()
    answer_ts = complete.params["thread_ts"]  # the chart went into the answer's thread
    bot.fake.reset()
    follow = _mention_in_thread(bot, "and forks?", channel="C703", thread_ts=answer_ts, ts="1700000073.9")
    assert follow["text"].startswith("PyTorch vs TensorFlow: TensorFlow leads on GitHub forks")


def test_a_clarifying_button_when_clicked_produces_the_answer(bot: Bot) -> None:
    bot.event(app_mention_event("how is hf doing", channel="C704", ts="1700000074.1"))
    (question,) = bot.fake.wait_for("chat.postMessage")
    assert "Transformers library, or models on the Hugging Face Hub?" in question.params["text"]
    buttons = [e for b in question.params["blocks"] if b["type"] == "actions" for e in b["elements"]]
    library = next(e for e in buttons if e["text"]["text"] == "Transformers")
    bot.settle(0.2)
    bot.fake.reset()

    bot.click(library["action_id"], library["value"], channel_id="C704", message_ts="1700000074.2",
              thread_ts="1700000074.1")  # fmt: skip
    bot.answered()
    update = bot.fake.calls("chat.update")[0]
    assert update.params["ts"] == "1700000074.2"
    header = next(b for b in update.params["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "Transformers"


def test_a_reply_the_response_url_refuses_is_sent_as_an_ephemeral_message(bot: Bot) -> None:
    # Slack refuses a response_url used more than 5 times or after 30 minutes, without the SDK raising.
    bot.fake.fail("response_url", "used_url", status=404)
    bot.command("help", channel_id="C909", user_id="U909")
    (ephemeral,) = bot.fake.wait_for("chat.postEphemeral")
    assert (ephemeral.params["channel"], ephemeral.params["user"]) == ("C909", "U909")
    assert ephemeral.params["blocks"]


def test_a_mention_of_two_github_urls_as_slack_delivers_them_is_answered_as_those_projects(bot: Bot) -> None:
    text = "<https://github.com/pytorch/pytorch> vs <https://github.com/tensorflow/tensorflow>"
    posted = _mention_in_thread(bot, text, channel="C720", thread_ts="1700000090.1", ts="1700000090.1")
    assert posted["thread_ts"] == "1700000090.1"
    header = next(b for b in posted["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "PyTorch vs TensorFlow"
    assert "didn't catch a framework" not in texts(posted["blocks"])


def test_a_mention_of_a_stats_site_link_as_slack_delivers_it_is_answered_as_that_project(bot: Bot) -> None:
    text = "<https://pepy.tech/project/torch|pepy.tech/project/torch> vs tensorflow"
    posted = _mention_in_thread(bot, text, channel="C722", thread_ts="1700000092.1", ts="1700000092.1")
    header = next(b for b in posted["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "PyTorch vs TensorFlow"


def test_a_mention_of_a_gitlab_link_names_it_as_not_read(bot: Bot) -> None:
    bot.event(
        app_mention_event("<https://gitlab.com/pytorch/pytorch> vs tensorflow", channel="C723", ts="1700000093.1")
    )
    (posted,) = bot.fake.wait_for("chat.postMessage")
    assert "“gitlab.com/pytorch/pytorch”: it is on GitLab" in texts(posted.params["blocks"])


def test_a_mention_naming_a_moved_repository_by_its_slug_is_answered_as_that_project(bot: Bot) -> None:
    posted = _mention_in_thread(
        bot, "jax-ml/jax vs pytorch stars", channel="C721", thread_ts="1700000091.1", ts="1700000091.1"
    )
    header = next(b for b in posted["blocks"] if b["type"] == "header")["text"]["text"]
    assert header == "JAX vs PyTorch"
    assert "I don't track" not in texts(posted["blocks"])
