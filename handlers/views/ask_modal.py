"""The "Ask fwtrend" modal was submitted: the answer goes to the user's DM with the app (the view is
`bot.slack.blocks.modal`)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.blocks.modal import ACTION_QUESTION, BLOCK_QUESTION
from bot.slack.interactions import Services


def ask_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
    text = (view["state"]["values"].get(BLOCK_QUESTION, {}).get(ACTION_QUESTION, {}) or {}).get("value") or ""
    if not text.strip():
        ack(response_action="errors", errors={BLOCK_QUESTION: "Ask about one or more frameworks, e.g. pytorch vs jax."})
        return
    services: Services = context["fwtrend"]
    job = {"team": context.team_id or "", "enterprise": context.enterprise_id, "user": body["user"]["id"], "text": text}
    services.enqueue("ask", job)
    ack()
