"""Alert replies and posts as Block Kit: the headline in a section, further lines after it, with the escaping
every user-typed word gets (an alert's text as typed, a name); the mentions fwtrend wrote stay mentions."""

from __future__ import annotations

import re
from typing import Any

from bot.slack.blocks.answer import escape
from bot.slack.blocks.subscriptions import message

_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def mention(user_id: str) -> str:
    """How an alert names who set it: a Slack user mention."""
    return f"<@{user_id}>"


def safe(text: str) -> str:
    """`text` escaped for mrkdwn, except the user mentions written by `mention`."""
    return _MENTION.sub(r"<@\1>", escape(text))


def alert_message(headline: str, lines: list[str] | tuple[str, ...] = ()) -> dict[str, Any]:
    """{"text", "blocks"}: the headline and each further line, in sections cut at line breaks."""
    return message("\n".join(safe(line) for line in [headline, *lines]))
