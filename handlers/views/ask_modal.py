"""The "Ask fwtrend" modal opened from the App Home; the answer goes to the user's DM with the app."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.slack.interactions import Services, answer_in_dm

CALLBACK_ASK = "fwtrend.ask"
BLOCK_QUESTION = "question"
ACTION_QUESTION = "text"


def ask_modal() -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": CALLBACK_ASK,
        "title": {"type": "plain_text", "text": "Ask fwtrend"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": BLOCK_QUESTION,
                "label": {"type": "plain_text", "text": "Your question"},
                "hint": {
                    "type": "plain_text",
                    "text": "The answer and its chart arrive in your messages with fwtrend.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": ACTION_QUESTION,
                    "max_length": 500,
                    "placeholder": {"type": "plain_text", "text": "pytorch vs jax stars since 2020"},
                },
            }
        ],
    }


def ask_submitted(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
) -> None:
    text = (view["state"]["values"].get(BLOCK_QUESTION, {}).get(ACTION_QUESTION, {}) or {}).get("value") or ""
    if not text.strip():
        ack(response_action="errors", errors={BLOCK_QUESTION: "Ask about one or more frameworks, e.g. pytorch vs jax."})
        return
    ack()
    services: Services = context["fwtrend"]
    services.worker.submit(answer_in_dm, services, client, body["user"]["id"], text)
