"""The fake Slack server and the signing helpers behave like Slack, as seen through slack_sdk and Bolt."""

from __future__ import annotations

import json
import threading
import time
import urllib.error
from urllib.parse import parse_qs

import httpx
import pytest
from slack_bolt import App, BoltRequest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.support.fake_slack import FakeSlack
from tests.support.signing import (
    app_mention_event,
    block_actions_body,
    event_body,
    post,
    signed_headers,
    slash_command_body,
)

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))
SECRET = "test-signing-secret"


# ---- Web API round trips ------------------------------------------------------------------------


def test_base_url_and_auth_test(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    assert fake_slack.base_url == f"http://127.0.0.1:{fake_slack.port}/api/"
    resp = fake_slack_client.auth_test()
    assert resp["user_id"] == "UBOT" and resp["bot_id"] == "BBOT" and resp["team_id"] == "T111"
    assert resp["url"].startswith("https://")
    (call,) = fake_slack.calls("auth.test")
    assert call.headers["authorization"] == "Bearer xoxb-test"


def test_post_message_is_recorded_with_json_body(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": "*pytorch* vs tensorflow"}}]
    first = fake_slack_client.chat_postMessage(channel="C1", text="fallback", blocks=blocks)
    second = fake_slack_client.chat_postMessage(channel="C1", text="again", thread_ts=first["ts"])

    assert first["channel"] == "C1"
    assert first["message"]["blocks"] == blocks and first["message"]["bot_id"] == "BBOT"
    assert float(second["ts"]) > float(first["ts"])
    assert second["message"]["thread_ts"] == first["ts"]
    call = fake_slack.calls("chat.postMessage")[0]
    assert call.headers["content-type"].startswith("application/json")
    assert call.params == {"channel": "C1", "text": "fallback", "blocks": blocks}
    assert json.loads(call.body)["text"] == "fallback"


def test_post_message_without_content_fails(fake_slack_client: WebClient) -> None:
    with pytest.raises(SlackApiError) as err, pytest.warns(UserWarning, match="text"):
        fake_slack_client.chat_postMessage(channel="C1")
    assert err.value.response["error"] == "no_text"


def test_ephemeral_update_delete(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    eph = fake_slack_client.chat_postEphemeral(channel="C1", user="U1", text="only you")
    assert eph["message_ts"]
    posted = fake_slack_client.chat_postMessage(channel="C1", text="v1")
    updated = fake_slack_client.chat_update(channel="C1", ts=posted["ts"], text="v2")
    assert updated["ts"] == posted["ts"] and updated["message"]["text"] == "v2"
    deleted = fake_slack_client.chat_delete(channel="C1", ts=posted["ts"])
    assert deleted["ts"] == posted["ts"]
    assert [c.method for c in fake_slack.calls()] == [
        "chat.postEphemeral",
        "chat.postMessage",
        "chat.update",
        "chat.delete",
    ]


def test_form_encoded_calls_are_parsed(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack_client.api_call("chat.postMessage", params={"channel": "C1", "text": "form"})
    call = fake_slack.calls("chat.postMessage")[0]
    assert call.headers["content-type"] == "application/x-www-form-urlencoded"
    assert call.params == {"channel": "C1", "text": "form"}


def test_files_upload_v2_records_bytes_and_thread(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    parent = fake_slack_client.chat_postMessage(channel="C1", text="answer")
    resp = fake_slack_client.files_upload_v2(
        content=PNG, filename="chart.png", title="Stars", channel="C1", thread_ts=parent["ts"],
        initial_comment="chart",
    )  # fmt: skip

    file_id = resp["file"]["id"]
    assert file_id.startswith("F") and resp["files"] == [{"id": file_id, "title": "Stars"}]
    assert fake_slack.uploaded_files() == [(file_id, "chart.png", PNG)]
    assert [c.method for c in fake_slack.calls()][1:] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]
    url_call = fake_slack.calls("files.getUploadURLExternal")[0]
    assert url_call.params == {"filename": "chart.png", "length": str(len(PNG))}
    complete = fake_slack.calls("files.completeUploadExternal")[0]
    assert complete.params["channel_id"] == "C1" and complete.params["thread_ts"] == parent["ts"]
    record = fake_slack.file(file_id)
    assert (record.channel_id, record.thread_ts, record.initial_comment) == ("C1", parent["ts"], "chart")

    info = fake_slack_client.files_info(file=file_id)["file"]
    assert info["mimetype"] == "image/png" and info["size"] == len(PNG)
    assert info["shares"]["public"]["C1"][0]["thread_ts"] == parent["ts"]


def test_upload_url_accepts_multipart(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    issued = fake_slack_client.files_getUploadURLExternal(filename="c.png", length=len(PNG))
    assert issued["upload_url"].startswith(f"http://127.0.0.1:{fake_slack.port}/upload/")
    with httpx.Client(trust_env=False) as http:
        resp = http.post(issued["upload_url"], files={"file": ("c.png", PNG, "image/png")})
    assert resp.status_code == 200 and resp.text == f"OK - {len(PNG)}"
    assert fake_slack.uploaded_files() == [(issued["file_id"], "c.png", PNG)]


def test_complete_without_upload_is_file_not_found(fake_slack_client: WebClient) -> None:
    issued = fake_slack_client.files_getUploadURLExternal(filename="c.png", length=3)
    with pytest.raises(SlackApiError) as err:
        fake_slack_client.files_completeUploadExternal(files=[{"id": issued["file_id"]}], channel_id="C1")
    assert err.value.response["error"] == "file_not_found"


def test_views_publish_and_open(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    home = {"type": "home", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}]}
    published = fake_slack_client.views_publish(user_id="U1", view=home)
    assert published["view"]["type"] == "home" and published["view"]["id"].startswith("V")
    assert fake_slack.calls("views.publish")[0].params["view"] == home
    modal = {"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": []}
    assert fake_slack_client.views_open(trigger_id="1.2.3", view=modal)["view"]["type"] == "modal"


def test_users_info_timezones(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    user = fake_slack_client.users_info(user="U1")["user"]
    assert user["tz"] == "America/New_York"
    assert user["tz_offset"] in (-5 * 3600, -4 * 3600)
    assert user["tz_label"].startswith("Eastern")
    fake_slack.set_user("U2", tz="Asia/Tokyo")
    tokyo = fake_slack_client.users_info(user="U2")["user"]
    assert (tokyo["tz"], tokyo["tz_offset"], tokyo["tz_label"]) == (
        "Asia/Tokyo",
        9 * 3600,
        "Japan Standard Time",
    )
    with pytest.raises(SlackApiError, match="user_not_found"):
        fake_slack_client.users_info(user="UNOTFOUND1")


def test_a_fake_user_can_have_only_a_utc_offset(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack.set_user("U3", tz="", tz_offset=5 * 3600 + 1800)
    user = fake_slack_client.users_info(user="U3")["user"]
    assert (user["tz"], user["tz_label"], user["tz_offset"]) == (None, None, 19800)
    with pytest.raises(ValueError, match="tz or a tz_offset"):
        fake_slack.set_user("U4", tz="")


def test_unknown_method_is_ok_and_recorded(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    assert fake_slack_client.api_call("reactions.add", json={"name": "eyes"})["ok"] is True
    assert fake_slack.calls("reactions.add")[0].params == {"name": "eyes"}


def test_missing_token_is_not_authed(fake_slack: FakeSlack) -> None:
    with pytest.raises(SlackApiError, match="not_authed"):
        WebClient(base_url=fake_slack.base_url).chat_postMessage(channel="C1", text="x")


# ---- channels ---------------------------------------------------------------------------------


def test_channel_membership_rules(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack.set_channel("CPUB", is_member=False)
    fake_slack.set_channel("GPRIV", is_private=True, is_member=False)
    fake_slack.set_channel("CARCH", is_archived=True, is_member=False)

    def error_of(call: object) -> str:
        with pytest.raises(SlackApiError) as err:
            call()  # type: ignore[operator]
        return str(err.value.response["error"])

    c = fake_slack_client
    assert error_of(lambda: c.chat_postMessage(channel="CPUB", text="x")) == "not_in_channel"
    assert error_of(lambda: c.chat_postMessage(channel="GPRIV", text="x")) == "channel_not_found"
    assert error_of(lambda: c.chat_postMessage(channel="CNOTFOUND1", text="x")) == "channel_not_found"
    assert error_of(lambda: c.conversations_join(channel="GPRIV")) == "method_not_supported_for_channel_type"
    assert error_of(lambda: c.conversations_join(channel="CARCH")) == "is_archived"
    assert error_of(lambda: c.conversations_join(channel="CNOTFOUND2")) == "channel_not_found"
    assert error_of(lambda: c.files_upload_v2(content=PNG, filename="a.png", channel="CPUB")) == "not_in_channel"
    # The bytes went up before Slack refused to share them, as with the real API.
    assert len(fake_slack.uploaded_files()) == 1

    info = c.conversations_info(channel="CPUB")["channel"]
    assert (info["is_private"], info["is_member"], info["is_archived"]) == (False, False, False)
    joined = c.conversations_join(channel="CPUB")
    assert joined["channel"]["id"] == "CPUB" and joined["channel"]["is_member"] is True
    assert "warning" not in joined
    assert c.conversations_join(channel="CPUB")["warning"] == "already_in_channel"
    assert c.chat_postMessage(channel="CPUB", text="now works")["ok"]


def test_unknown_channels_default_to_joined_public(fake_slack_client: WebClient) -> None:
    info = fake_slack_client.conversations_info(channel="CANY")["channel"]
    assert info["is_member"] and not info["is_private"] and not info["is_archived"]


def test_post_to_user_id_lands_in_dm(fake_slack_client: WebClient) -> None:
    assert fake_slack_client.chat_postMessage(channel="U123", text="hi")["channel"] == "D123"


# ---- programmable failures ---------------------------------------------------------------------


def test_fail_times_then_recovers(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack.fail("chat.postMessage", "not_in_channel", times=2)
    for _ in range(2):
        with pytest.raises(SlackApiError, match="not_in_channel"):
            fake_slack_client.chat_postMessage(channel="C1", text="x")
    assert fake_slack_client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(fake_slack.calls("chat.postMessage")) == 3


def test_ratelimited_is_429_with_retry_after(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited")
    with pytest.raises(SlackApiError) as err:
        fake_slack_client.chat_postMessage(channel="C1", text="x")
    assert err.value.response.status_code == 429
    assert err.value.response.headers["Retry-After"] == "1"
    assert err.value.response["error"] == "ratelimited"


def test_ratelimit_retry_handler_recovers(fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", headers={"Retry-After": "0"})
    client = WebClient(
        token="xoxb-test",
        base_url=fake_slack.base_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)],
    )
    assert client.chat_postMessage(channel="C1", text="x")["ok"]
    assert len(fake_slack.calls("chat.postMessage")) == 2


def test_upload_step_can_fail(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack.fail("upload", "server_error", status=500)
    # slack_sdk uses bare urlopen for this step: an HTTP error escapes as urllib's HTTPError,
    # not as SlackApiError, so callers catching only SlackApiError miss it.
    with pytest.raises(urllib.error.HTTPError, match="500"):
        fake_slack_client.files_upload_v2(content=PNG, filename="chart.png", channel="C1")
    assert fake_slack.calls("files.completeUploadExternal") == []


# ---- response_url, waiting, reset --------------------------------------------------------------


def test_response_url_webhook(fake_slack: FakeSlack) -> None:
    url = fake_slack.hook_url("commands/T111/1/abc")
    resp = WebhookClient(url).send(text="done", response_type="in_channel", replace_original=False)
    assert resp.status_code == 200
    (call,) = fake_slack.calls("response_url")
    assert call.params == {"text": "done", "response_type": "in_channel", "replace_original": False}


def test_wait_for_sees_calls_from_other_threads(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    def later() -> None:
        time.sleep(0.1)
        fake_slack_client.chat_postMessage(channel="C1", text="async")

    threading.Thread(target=later).start()
    (call,) = fake_slack.wait_for("chat.postMessage", timeout=5)
    assert call.params["text"] == "async"
    with pytest.raises(AssertionError, match=r"1 x views\.publish"):
        fake_slack.wait_for("views.publish", timeout=0.1)


def test_reset_forgets_everything(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    fake_slack.set_channel("CX", is_member=False)
    fake_slack.fail("auth.test", "invalid_auth")
    fake_slack_client.chat_postMessage(channel="C1", text="x")
    fake_slack.reset()
    assert fake_slack.calls() == []
    assert fake_slack_client.auth_test()["ok"]
    assert fake_slack_client.chat_postMessage(channel="CX", text="x")["ok"]


def test_context_manager_frees_port() -> None:
    with FakeSlack() as fake:
        url = fake.base_url
    with pytest.raises(RuntimeError):
        _ = fake.base_url
    with pytest.raises(httpx.TransportError), httpx.Client(trust_env=False, timeout=1) as http:
        http.post(url + "auth.test")


# ---- signing helpers -----------------------------------------------------------------------------


def test_slash_command_body_shape() -> None:
    body = slash_command_body("pytorch vs tensorflow", enterprise_id="E1")
    fields = {k: v[0] for k, v in parse_qs(body).items()}
    assert fields["command"] == "/fwtrend" and fields["text"] == "pytorch vs tensorflow"
    assert fields["enterprise_id"] == "E1" and fields["team_id"] == "T111"
    assert fields["response_url"].startswith("https://hooks.slack.com/commands/")
    assert "enterprise_id" not in parse_qs(slash_command_body("x"))


def test_signature_verifies_and_wrong_secret_fails() -> None:
    body = slash_command_body("help")
    headers = signed_headers(SECRET, body)
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert SignatureVerifier(SECRET).is_valid_request(body, headers)
    assert not SignatureVerifier("another-secret").is_valid_request(body, headers)
    stale = signed_headers(SECRET, body, timestamp=int(time.time()) - 600)
    assert not SignatureVerifier(SECRET).is_valid_request(body, stale)


def test_event_and_block_actions_bodies() -> None:
    body = event_body(app_mention_event("pytorch vs jax"), event_id="Ev9")
    headers = signed_headers(SECRET, body, retry_num=1)
    assert headers["Content-Type"] == "application/json"
    assert headers["X-Slack-Retry-Num"] == "1" and headers["X-Slack-Retry-Reason"] == "http_timeout"
    envelope = json.loads(body)
    assert envelope["type"] == "event_callback" and envelope["event_id"] == "Ev9"
    assert envelope["event"]["text"] == "<@UBOT> pytorch vs jax"
    assert envelope["authorizations"][0]["user_id"] == "UBOT"

    form = block_actions_body("more", "pytorch", thread_ts="1.1", is_ephemeral=True)
    assert signed_headers(SECRET, form)["Content-Type"] == "application/x-www-form-urlencoded"
    payload = json.loads(parse_qs(form)["payload"][0])
    assert payload["actions"][0]["action_id"] == "more" and payload["actions"][0]["value"] == "pytorch"
    assert payload["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "C111",
        "is_ephemeral": True,
        "thread_ts": "1.1",
    }
    assert "message" not in payload
    in_view = json.loads(parse_qs(block_actions_body("a", "v", view={"id": "V1", "type": "home"}))["payload"][0])
    assert in_view["container"] == {"type": "view", "view_id": "V1"} and "response_url" not in in_view


def test_post_sends_what_was_signed(fake_slack: FakeSlack) -> None:
    body = slash_command_body("help")
    resp = post(fake_slack.hook_url("slack/events"), body, SECRET, retry_num=2)
    assert resp.status_code == 200
    (call,) = fake_slack.calls("response_url")
    assert call.body == body.encode()
    assert call.headers["x-slack-retry-num"] == "2"
    assert SignatureVerifier(SECRET).is_valid_request(call.body, call.headers)


# ---- the whole chain through Bolt --------------------------------------------------------------


def test_bolt_app_end_to_end(fake_slack: FakeSlack) -> None:
    """A signed slash command through a Bolt App whose client and response_url point here."""
    app = App(
        client=WebClient(token="xoxb-test", base_url=fake_slack.base_url),
        signing_secret=SECRET,
    )

    @app.command("/fwtrend")
    def handle(ack, command, respond, client) -> None:  # type: ignore[no-untyped-def]
        ack(text="working on it")
        client.chat_postMessage(channel=command["channel_id"], text=f"you asked: {command['text']}")
        respond(text="done")

    body = slash_command_body("pytorch vs tensorflow", response_url=fake_slack.hook_url())
    resp = app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
    # ack(text=...) alone comes back as a plain-text body; with blocks it is JSON.
    assert resp.status == 200 and resp.body == "working on it"
    (posted,) = fake_slack.wait_for("chat.postMessage")
    # Bolt's per-request client stamps team_id on every call.
    assert posted.params == {"channel": "C111", "text": "you asked: pytorch vs tensorflow", "team_id": "T111"}
    assert fake_slack.wait_for("response_url")[0].params["text"] == "done"
    assert fake_slack.calls("auth.test")  # Bolt verified the token against the fake at start-up

    bad = app.dispatch(BoltRequest(body=body, headers=signed_headers("wrong", body)))
    assert bad.status == 401
