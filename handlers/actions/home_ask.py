"""The App Home's "Ask a question" button opens the ask modal (the trigger_id is valid for 3 seconds)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.slack.blocks.modal import ask_modal
from bot.slack.errors import log_slack_error


def open_ask_modal(ack: Ack, body: dict[str, Any], client: WebClient) -> None:
    ack()
    try:
        client.views_open(trigger_id=body["trigger_id"], view=ask_modal())
    except SlackApiError as exc:
        log_slack_error("opening the ask modal", exc, user=body["user"]["id"])
