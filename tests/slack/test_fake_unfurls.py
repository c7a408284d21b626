"""The fake Slack's chat.unfurl answers as Slack does: only links a link_shared event named, Slack's errors."""

from __future__ import annotations

import pytest
from slack_sdk.errors import SlackApiError

URL = "https://github.com/pytorch/pytorch"
GOOD = {URL: {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "*PyTorch*"}}]}}


def _error(call) -> str:
    with pytest.raises(SlackApiError) as exc:
        call()
    return exc.value.response["error"]


def test_chat_unfurl_accepts_a_link_slack_shared_with_the_app(fake_slack, fake_slack_client):
    fake_slack.share_links([URL], channel="C1", ts="1.2", unfurl_id="U-1", source="composer")
    assert fake_slack_client.chat_unfurl(channel="C1", ts="1.2", unfurls=GOOD)["ok"]
    assert fake_slack_client.chat_unfurl(unfurl_id="U-1", source="composer", unfurls=GOOD)["ok"]


def test_chat_unfurl_refuses_a_url_no_link_shared_event_named(fake_slack, fake_slack_client):
    fake_slack.share_links(["https://github.com/jax-ml/jax"], channel="C1", ts="1.2")
    assert _error(lambda: fake_slack_client.chat_unfurl(channel="C1", ts="1.2", unfurls=GOOD)) == "cannot_unfurl_url"


def test_chat_unfurl_of_a_message_slack_never_mentioned_is_cannot_find_message(fake_slack, fake_slack_client):
    assert _error(lambda: fake_slack_client.chat_unfurl(channel="C1", ts="9.9", unfurls=GOOD)) == "cannot_find_message"


def test_chat_unfurl_without_its_target_or_unfurls_names_what_is_missing(fake_slack, fake_slack_client):
    fake_slack.share_links([URL], channel="C1", ts="1.2")
    assert _error(lambda: fake_slack_client.chat_unfurl(ts="1.2", unfurls=GOOD)) == "missing_channel"
    assert _error(lambda: fake_slack_client.chat_unfurl(channel="C1", unfurls=GOOD)) == "missing_ts"
    assert _error(lambda: fake_slack_client.chat_unfurl(channel="C1", ts="1.2")) == "missing_unfurls"
    assert _error(lambda: fake_slack_client.chat_unfurl(channel="C1", ts="1.2", unfurls={URL: "x"})) == (
        "invalid_unfurls_format"
    )
    assert _error(lambda: fake_slack_client.chat_unfurl(unfurl_id="U-1", unfurls=GOOD)) == "invalid_arguments"


@pytest.mark.slack_refusals_expected
def test_chat_unfurl_with_blocks_slack_refuses_is_refused_and_recorded(fake_slack, fake_slack_client):
    fake_slack.share_links([URL], channel="C1", ts="1.2")
    bad = {URL: {"blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}]}}
    assert _error(lambda: fake_slack_client.chat_unfurl(channel="C1", ts="1.2", unfurls=bad)) == (
        "cannot_parse_attachment"
    )
    assert fake_slack.refusals()[-1][0] == "chat.unfurl"
