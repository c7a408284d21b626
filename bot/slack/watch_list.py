"""`/fwtrend track | untrack | tracking`: the Slack side of the watch list, per workspace (team id).

The list logic is `bot.answering.watch_list`; the reply is laid out by `bot.slack.blocks.watch` and sent
only to the asker (ephemeral), like the list of subscriptions.
"""

from __future__ import annotations

from typing import Any

from bot.answering.watch_list import watch_reply
from bot.slack.blocks.watch import mention, watch_message
from bot.store.connection import Store
from bot.understanding.query import Query
from bot.understanding.watch_names import WATCH_INTENTS

__all__ = ["WATCH_INTENTS", "handle_watch_command"]


def handle_watch_command(store: Store, query: Query, *, team_id: str, user_id: str) -> dict[str, Any]:
    """Change or list the workspace's watch list as `query` asks; the {"text", "blocks"} reply."""
    reply = watch_reply(store, query, team_id=team_id, user_id=user_id, mention=mention)
    return watch_message(reply)
