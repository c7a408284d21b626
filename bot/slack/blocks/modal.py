"""The "Ask fwtrend" modal opened from the App Home (Block Kit, slack_sdk's models)."""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import InputBlock, PlainTextInputElement, PlainTextObject
from slack_sdk.models.views import View

CALLBACK_ASK = "fwtrend.ask"
BLOCK_QUESTION = "question"
ACTION_QUESTION = "text"
MAX_QUESTION = 500


def ask_modal() -> dict[str, Any]:
    """The `views.open` view: one plain-text input for the question."""
    question = InputBlock(
        block_id=BLOCK_QUESTION,
        label=PlainTextObject(text="Your question"),
        hint=PlainTextObject(text="The answer and its chart arrive in your messages with fwtrend."),
        element=PlainTextInputElement(
            action_id=ACTION_QUESTION,
            max_length=MAX_QUESTION,
            placeholder=PlainTextObject(text="pytorch vs jax stars since 2020"),
        ),
    )
    view = View(
        type="modal",
        callback_id=CALLBACK_ASK,
        title=PlainTextObject(text="Ask fwtrend"),
        submit=PlainTextObject(text="Ask"),
        close=PlainTextObject(text="Cancel"),
        blocks=[question],
    )
    return view.to_dict()
