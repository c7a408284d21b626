"""Small pieces at Slack's edges: log redaction, de-duplication, rate-limit retries, error wording."""

from __future__ import annotations

import logging
import time

import pytest
from slack_sdk.errors import SlackApiError

from bot.settings import Settings
from bot.slack.clients import slack_client
from bot.slack.errors import plain_message
from bot.slack.redaction import RedactTokens
from tests.support.fake_slack import FakeSlack


def test_log_lines_never_carry_slack_tokens(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("fwtrend.test-redaction")
    logger.addFilter(RedactTokens())
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("calling with %s and %s", "xoxb-123-456-abcdef", "xapp-1-A1-2-zz")
    assert "xoxb-123" not in caplog.text and "xapp-1" not in caplog.text and "[redacted]" in caplog.text


def _client(fake: FakeSlack):
    return slack_client(Settings(_env_file=None, slack_bot_token="xoxb-t", slack_api_url=fake.base_url))


def test_client_retries_a_short_rate_limit_once(fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", headers={"Retry-After": "0"})
    assert _client(fake_slack).chat_postMessage(channel="C1", text="x")["ok"]
    assert len(fake_slack.calls("chat.postMessage")) == 2


@pytest.mark.parametrize("status", [500, 503])
def test_client_retries_a_slack_server_error_with_backoff(fake_slack: FakeSlack, status: int) -> None:
    fake_slack.fail("chat.postMessage", "internal_error", status=status, times=2)
    assert _client(fake_slack).chat_postMessage(channel="C1", text="x")["ok"]
    assert len(fake_slack.calls("chat.postMessage")) == 3  # two failures, then the post


def test_a_post_slack_keeps_failing_raises_after_the_retries_instead_of_vanishing(fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "internal_error", status=500, times=5)
    with pytest.raises(SlackApiError):
        _client(fake_slack).chat_postMessage(channel="C1", text="x")
    assert len(fake_slack.calls("chat.postMessage")) == 3


def test_client_does_not_sleep_through_a_long_rate_limit(fake_slack: FakeSlack) -> None:
    fake_slack.fail("chat.postMessage", "ratelimited", headers={"Retry-After": "30"})
    started = time.monotonic()
    with pytest.raises(SlackApiError) as err:
        _client(fake_slack).chat_postMessage(channel="C1", text="x")
    assert time.monotonic() - started < 5 and len(fake_slack.calls("chat.postMessage")) == 1
    assert plain_message(err.value) == "Slack is rate-limiting me right now. Please ask again in 30 seconds."


def test_client_uses_slack_api_url_and_never_the_real_slack(fake_slack: FakeSlack) -> None:
    client = _client(fake_slack)
    assert client.base_url == fake_slack.base_url
    client.auth_test()
    assert fake_slack.calls("auth.test")


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("invalid_auth", "reinstall"),
        ("not_in_channel", "/invite @fwtrend"),
        ("channel_not_found", "/invite @fwtrend"),
        ("is_archived", "archived"),
        ("fatal_error", "fatal_error"),
    ],
)
def test_slack_errors_read_as_plain_sentences(fake_slack: FakeSlack, error: str, words: str) -> None:
    fake_slack.fail("chat.postMessage", error)
    with pytest.raises(SlackApiError) as err:
        _client(fake_slack).chat_postMessage(channel="C1", text="x")
    assert words in plain_message(err.value)


class _BrokenWorker:
    """A worker whose render always fails, as a crashed render process would."""

    db_path = None

    def render(self, query, *, private=False, today=None):
        raise TimeoutError("render process did not answer")


def test_a_failed_render_tells_the_user_instead_of_going_silent(
    fake_slack: FakeSlack, tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    from bot.slack.delivery import Where
    from bot.slack.interactions import RENDER_FAILED, Services, answer_command

    worker = _BrokenWorker()
    worker.db_path = tmp_path / "fwtrend.db"
    services = Services(settings=Settings(_env_file=None), worker=worker)  # type: ignore[arg-type]
    said: list[dict] = []
    client = slack_client(Settings(_env_file=None, slack_bot_token="xoxb-t", slack_api_url=fake_slack.base_url))
    where = Where("C1", "U1", team="T1")
    answer_command(services, client, lambda **kw: said.append(kw), "pytorch vs tensorflow", where)
    assert [s["text"] for s in said] == [RENDER_FAILED]
    assert fake_slack.calls("chat.postMessage") == []
    assert "rendering a compare answer failed" in caplog.text


def test_the_chart_is_shown_in_the_message_once_slack_has_shared_the_upload(fake_slack: FakeSlack) -> None:
    from bot.slack.delivery import show_chart_inline

    client = slack_client(Settings(_env_file=None, slack_bot_token="xoxb-t", slack_api_url=fake_slack.base_url))
    fake_slack.fail("chat.update", "invalid_blocks", times=2)  # the upload is still being processed
    waits: list[float] = []
    payload = {"text": "t", "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "figures"}}]}
    assert show_chart_inline(client, "C1", "1.2", payload, "F1", "chart", sleep=waits.append)
    assert waits == [0.5, 1.0]
    last = fake_slack.calls("chat.update")[-1]
    assert [b["type"] for b in last.params["blocks"]] == ["section", "image"]


def test_a_chart_slack_never_accepts_stays_in_the_thread(fake_slack: FakeSlack) -> None:
    from bot.slack.delivery import show_chart_inline

    client = slack_client(Settings(_env_file=None, slack_bot_token="xoxb-t", slack_api_url=fake_slack.base_url))
    fake_slack.fail("chat.update", "invalid_blocks", times=10)
    payload = {"text": "t", "blocks": []}
    assert not show_chart_inline(client, "C1", "1.2", payload, "F1", "chart", sleep=lambda _s: None)
    assert len(fake_slack.calls("chat.update")) == 5
