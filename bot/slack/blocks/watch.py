"""The replies to `/fwtrend track | untrack | tracking`, as Block Kit: the headline in a section, the
rest in as many sections as it needs, with the escaping every user-typed name gets."""

from __future__ import annotations

import re
from typing import Any

from bot.answering.watch_list import WatchReply
from bot.slack.blocks.answer import escape
from bot.slack.blocks.subscriptions import message

_MENTION = re.compile(r"&lt;@([UW][A-Z0-9]+)&gt;")


def mention(user_id: str) -> str:
    """How a list names who added a project: a Slack user mention."""
    return f"<@{user_id}>"


def _safe(text: str) -> str:
    # What a user typed can't become a link or @channel; the mentions this module wrote stay mentions.
    return _MENTION.sub(r"<@\1>", escape(text))


def watch_message(reply: WatchReply) -> dict[str, Any]:
    """{"text", "blocks"}: the headline and each further line, in sections cut at line breaks."""
    return message("\n".join(_safe(line) for line in [reply.headline, *reply.lines]))
