"""The Block Kit validator behind the fake Slack: it accepts what Slack accepts and refuses, with Slack's
error shape, what Slack refuses (each documented limit, one violation at a time)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from tests.support.block_kit_rules import message_errors, refusal, view_errors
from tests.support.fake_slack import FakeSlack


def valid_message() -> dict[str, Any]:
    return {
        "text": "PyTorch vs TensorFlow: PyTorch leads",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "PyTorch vs TensorFlow"}},
            {"type": "section", "block_id": "headline", "text": {"type": "mrkdwn", "text": "*PyTorch* leads"}},
            {"type": "section", "fields": [{"type": "mrkdwn", "text": "a"}, {"type": "plain_text", "text": "b"}]},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "Sources:"}]},
            {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "Chart"},
            {"type": "divider"},
            {
                "type": "actions",
                "block_id": "metric",
                "elements": [
                    {"type": "button", "text": {"type": "plain_text", "text": "Stars"}, "action_id": "a", "value": "v"}
                ],
            },
            {
                "type": "rich_text",
                "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}],
            },
        ],
    }


def _set(message: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    out = copy.deepcopy(message)
    *parents, last = path.strip("/").split("/")
    node: Any = out
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if isinstance(node, list):
        node[int(last)] = value
    elif value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return out


_DELETE = object()
BUTTON = "/blocks/6/elements/0"
VIOLATIONS = [
    ("empty section text", "/blocks/1/text/text", "", "must be more than 0 characters", "/blocks/1/text/text"),
    ("section text over 3000", "/blocks/1/text/text", "x" * 3001, "must be less than 3001", "/blocks/1/text/text"),
    ("section text missing", "/blocks/1/text", {"type": "mrkdwn"}, "missing required field: text", "/blocks/1/text"),
    ("section without text or fields", "/blocks/1", {"type": "section"}, "either of `text` or `fields`", "/blocks/1"),
    (
        "eleven fields",
        "/blocks/2/fields",
        [{"type": "mrkdwn", "text": "a"}] * 11,
        "no more than 10",
        "/blocks/2/fields",
    ),
    ("field over 2000", "/blocks/2/fields/0/text", "x" * 2001, "less than 2001", "/blocks/2/fields/0/text"),
    ("header over 150", "/blocks/0/text/text", "x" * 151, "less than 151", "/blocks/0/text/text"),
    ("mrkdwn header", "/blocks/0/text/type", "mrkdwn", "enum", "/blocks/0/text/type"),
    ("empty context", "/blocks/3/elements", [], "at least 1", "/blocks/3/elements"),
    ("eleven context elements", "/blocks/3/elements", [{"type": "mrkdwn", "text": "a"}] * 11, "no more than 10", None),
    ("empty actions", "/blocks/6/elements", [], "at least 1", "/blocks/6/elements"),
    (
        "26 actions",
        "/blocks/6/elements",
        [{"type": "button", "text": {"type": "plain_text", "text": "b"}}] * 26,
        "no more than 25",
        None,
    ),
    ("button text over 75", f"{BUTTON}/text/text", "x" * 76, "less than 76", f"{BUTTON}/text/text"),
    ("mrkdwn button text", f"{BUTTON}/text/type", "mrkdwn", "enum", f"{BUTTON}/text/type"),
    ("button value over 2000", f"{BUTTON}/value", "x" * 2001, "less than 2001", f"{BUTTON}/value"),
    ("action_id over 255", f"{BUTTON}/action_id", "x" * 256, "less than 256", f"{BUTTON}/action_id"),
    ("button url over 3000", f"{BUTTON}/url", "https://" + "x" * 3000, "less than 3001", f"{BUTTON}/url"),
    ("image without source", "/blocks/4/slack_file", _DELETE, "exactly one of", "/blocks/4"),
    ("image alt over 2000", "/blocks/4/alt_text", "x" * 2001, "less than 2001", "/blocks/4/alt_text"),
    ("image without alt", "/blocks/4/alt_text", _DELETE, "missing required field: alt_text", "/blocks/4"),
    ("block_id over 255", "/blocks/1/block_id", "x" * 256, "less than 256", "/blocks/1/block_id"),
    ("duplicate block_id", "/blocks/6/block_id", "headline", "duplicate block_id", "/blocks/6/block_id"),
    ("unknown block type", "/blocks/5/type", "banner", "unsupported type", "/blocks/5/type"),
    ("empty rich_text", "/blocks/7/elements", [], "at least 1", "/blocks/7/elements"),
    ("text fallback over 40000", "/text", "x" * 40_001, "less than 40001", "/text"),
]


def test_the_validator_accepts_a_valid_message():
    assert message_errors(valid_message()) == []


@pytest.mark.parametrize(("rule", "path", "value", "message", "pointer"), VIOLATIONS, ids=[v[0] for v in VIOLATIONS])
def test_the_validator_refuses_each_broken_rule(rule, path, value, message, pointer):
    problems = message_errors(_set(valid_message(), path, value))
    assert problems, rule
    assert any(message in p.message and (pointer is None or p.pointer == pointer) for p in problems), problems


def test_a_message_of_51_blocks_is_refused_and_a_home_tab_of_100_is_not():
    blocks = [{"type": "divider"}] * 51
    assert [str(p) for p in message_errors({"text": "t", "blocks": blocks})] == [
        "no more than 50 items allowed [json-pointer:/blocks]"
    ]
    assert view_errors({"type": "home", "blocks": blocks * 2}) != []
    assert view_errors({"type": "home", "blocks": blocks[:50] * 2}) == []


def test_a_modal_needs_a_short_plain_title_and_a_submit_button_for_inputs():
    field = {
        "type": "input",
        "label": {"type": "plain_text", "text": "Q"},
        "element": {"type": "plain_text_input", "action_id": "q"},
    }
    good = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Ask"},
        "submit": {"type": "plain_text", "text": "Go"},
        "blocks": [field],
    }
    assert view_errors(good) == []
    assert view_errors({**good, "title": {"type": "plain_text", "text": "x" * 25}})
    assert view_errors({**good, "title": {"type": "mrkdwn", "text": "Ask"}})
    assert view_errors({k: v for k, v in good.items() if k != "submit"})
    label_mrkdwn = {**field, "label": {"type": "mrkdwn", "text": "Q"}}
    assert view_errors({**good, "blocks": [label_mrkdwn]})


def test_a_refusal_has_slacks_shape():
    problems = message_errors(_set(valid_message(), "/blocks/1/text/text", ""))
    assert refusal(problems) == {
        "ok": False,
        "error": "invalid_blocks",
        "errors": ["must be more than 0 characters [json-pointer:/blocks/1/text/text]"],
        "response_metadata": {
            "messages": ["[ERROR] must be more than 0 characters [json-pointer:/blocks/1/text/text]"]
        },
    }


@pytest.mark.slack_refusals_expected
def test_the_fake_slack_refuses_invalid_blocks_on_every_way_to_send_a_message(fake_slack: FakeSlack):
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url)
    broken = [{"type": "section", "text": {"type": "mrkdwn", "text": ""}}]
    calls = [
        lambda: client.chat_postMessage(channel="C1", text="t", blocks=broken),
        lambda: client.chat_postEphemeral(channel="C1", user="U1", text="t", blocks=broken),
        lambda: client.chat_update(channel="C1", ts="1.2", text="t", blocks=broken),
    ]
    for call in calls:
        with pytest.raises(SlackApiError) as refused:
            call()
        assert refused.value.response.data == refusal(message_errors({"blocks": broken}))
    with pytest.raises(SlackApiError) as refused:
        client.views_publish(user_id="U1", view={"type": "home", "blocks": broken})
    assert refused.value.response["error"] == "invalid_arguments"
    assert "[json-pointer:/view/blocks/0/text/text]" in refused.value.response["errors"][0]
    with pytest.raises(SlackApiError):
        client.views_open(
            trigger_id="1.2", view={"type": "modal", "title": {"type": "plain_text", "text": "x"}, "blocks": broken}
        )
    hook = WebhookClient(fake_slack.hook_url()).send(text="t", blocks=broken)
    assert (hook.status_code, hook.body) == (400, "invalid_blocks")
    assert [method for method, _ in fake_slack.refusals()] == [
        "chat.postMessage",
        "chat.postEphemeral",
        "chat.update",
        "views.publish",
        "views.open",
        "response_url",
    ]


def test_the_fake_slack_still_accepts_valid_messages(fake_slack: FakeSlack):
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url)
    assert client.chat_postMessage(channel="C1", **valid_message())["ok"]
    assert fake_slack.refusals() == []
