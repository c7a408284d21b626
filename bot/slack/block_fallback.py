"""The newer blocks (`table`, `data_visualization`) where a workspace takes them, the classic message where
it refuses them: tried within the same request, and remembered per workspace in the store.

A workspace's Slack that does not know a block refuses the whole message with `invalid_blocks`. Then the
same answer goes out at once in its classic form (`Rendered.classic`: monospace table, PNG chart), and the
workspace is recorded (`bot.store.block_support`) so its later answers go classic from the start. Only a
refusal that names one of the new blocks is remembered: any other `invalid_blocks` still gets the classic
message for this request, but says nothing about the workspace.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from slack_sdk.errors import SlackApiError

from bot.ingest.seeded import open_seeded_store
from bot.slack.errors import error_code
from bot.slack.worker import Rendered
from bot.store.block_support import refuses_new_blocks, remember_refusal

log = logging.getLogger("fwtrend.slack")

NEW_BLOCKS = frozenset({"table", "data_visualization"})
T = TypeVar("T")


def uses_new_blocks(payload: dict[str, Any]) -> bool:
    """Whether a message payload carries a `table` or `data_visualization` block."""
    return any(b.get("type") in NEW_BLOCKS for b in payload.get("blocks") or [])


def names_new_blocks(payload: dict[str, Any], messages: list[str]) -> bool:
    """Whether Slack's error messages point at a new block (by its type or its `/blocks/N` pointer)."""
    at = {f"/blocks/{i}" for i, b in enumerate(payload.get("blocks") or []) if b.get("type") in NEW_BLOCKS}
    for message in messages:
        if any(kind in message for kind in NEW_BLOCKS):
            return True
        if any(f"{pointer}]" in message or f"{pointer}/" in message for pointer in at):
            return True
    return False


def slack_messages(exc: SlackApiError) -> list[str]:
    """Slack's detailed error messages of a refusal (`response_metadata.messages`, `errors`)."""
    data = getattr(exc.response, "data", None) or {}
    if not isinstance(data, dict):
        return []
    meta = data.get("response_metadata") or {}
    return [str(m) for m in (meta.get("messages") or [])] + [str(e) for e in (data.get("errors") or [])]


@dataclass
class BlockSupport:
    """Which form of a message each workspace gets, remembered in the store at `db_path`."""

    db_path: Path | str

    def refuses(self, team: str) -> bool:
        if not team:
            return False
        try:
            return refuses_new_blocks(open_seeded_store(self.db_path), team)
        except Exception:  # an unreadable store must not stop the answer: try the new blocks
            log.exception("reading which blocks workspace %s takes", team)
            return False

    def remember(self, team: str, error: str) -> None:
        if not team:
            return
        try:
            remember_refusal(open_seeded_store(self.db_path), team, error)
            log.info("workspace %s refuses table/data_visualization blocks: classic messages from now on", team)
        except Exception:  # the fallback already went out; only the memory is lost
            log.exception("remembering that workspace %s refuses the new blocks", team)


def first_payload(rendered: Rendered, team: str, support: BlockSupport | None) -> dict[str, Any]:
    """The payload to try first: the classic one for a workspace known to refuse the new blocks."""
    if rendered.classic is not None and support is not None and support.refuses(team):
        return rendered.classic
    return rendered.payload


def send_with_fallback(
    send: Callable[[dict[str, Any]], T], rendered: Rendered, team: str, support: BlockSupport | None
) -> tuple[T, dict[str, Any]]:
    """`send(payload)`, and on `invalid_blocks` for a message with the new blocks, `send(classic)` at once.

    Returns what `send` returned and the payload that went out. Any other error is raised as it came."""
    payload = first_payload(rendered, team, support)
    try:
        return send(payload), payload
    except SlackApiError as exc:
        if error_code(exc) != "invalid_blocks" or rendered.classic is None or not uses_new_blocks(payload):
            raise
        messages = slack_messages(exc)
        log.warning("Slack refused the new blocks (%s); sending the classic message", "; ".join(messages)[:300])
        if support is not None and names_new_blocks(payload, messages):
            support.remember(team, "; ".join(messages) or "invalid_blocks")
        return send(rendered.classic), rendered.classic
