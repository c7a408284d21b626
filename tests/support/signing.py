"""Build Slack HTTP requests (slash commands, events, block actions) signed like Slack signs them.

Bodies are returned as ``str`` because the signature covers the exact bytes sent: sign and send
the same string. ``signed_headers`` works for ``httpx`` and for ``slack_bolt.BoltRequest`` alike.
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import httpx
from slack_sdk.signature import SignatureVerifier

DEFAULT_COMMAND_RESPONSE_URL = "https://hooks.slack.com/commands/T111/111/xxxxx"
DEFAULT_ACTION_RESPONSE_URL = "https://hooks.slack.com/actions/T111/111/xxxxx"


def slash_command_body(
    text: str,
    channel_id: str = "C111",
    user_id: str = "U111",
    team_id: str = "T111",
    enterprise_id: str | None = None,
    response_url: str = DEFAULT_COMMAND_RESPONSE_URL,
    trigger_id: str = "111.111.xxx",
    command: str = "/fwtrend",
    channel_name: str = "random",
    user_name: str = "tester",
    api_app_id: str = "A111",
) -> str:
    """Form-encoded body Slack POSTs for ``/fwtrend <text>``."""
    fields: dict[str, str] = {
        "token": "verification_token",
        "team_id": team_id,
        "team_domain": "test-domain",
    }
    if enterprise_id is not None:
        fields |= {"enterprise_id": enterprise_id, "enterprise_name": "Org Name"}
    fields |= {
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }
    return urlencode(fields)


def event_body(
    event: dict[str, Any],
    event_id: str = "Ev111",
    team_id: str = "T111",
    enterprise_id: str | None = None,
    api_app_id: str = "A111",
    bot_user_id: str = "UBOT",
    event_time: int | None = None,
) -> str:
    """JSON body of an ``event_callback`` envelope around ``event``."""
    envelope = {
        "token": "verification_token",
        "team_id": team_id,
        "enterprise_id": enterprise_id,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time if event_time is not None else int(time.time()),
        "authorizations": [
            {
                "enterprise_id": enterprise_id,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event_id}",
    }
    return json.dumps(envelope)


_MESSAGE_TS = itertools.count(1)


def new_ts() -> str:
    """A message ts never handed out before in this test run: Slack gives every message its own, and
    fwtrend takes (channel, ts) as the message's identity."""
    return f"1800000000.{next(_MESSAGE_TS):06d}"


def link_shared_event(
    urls: list[str],
    channel: str = "C111",
    user: str = "U111",
    message_ts: str | None = None,
    unfurl_id: str | None = None,
    source: str = "conversations_history",
) -> dict[str, Any]:
    """``link_shared``: links to the app's unfurl domains in a posted message (or, with source "composer",
    still in the message composer), as Slack delivers it."""
    message_ts = message_ts or new_ts()
    event: dict[str, Any] = {
        "type": "link_shared",
        "channel": channel,
        "is_bot_user_member": True,
        "user": user,
        "message_ts": message_ts,
        "unfurl_id": unfurl_id or f"{channel}.{message_ts}.unfurl",
        "source": source,
        "links": [{"domain": (urlsplit(u).hostname or ""), "url": u} for u in urls],
        "event_ts": message_ts,
    }
    return event


def app_mention_event(
    text: str,
    channel: str = "C111",
    user: str = "U111",
    ts: str | None = None,
    bot_user_id: str = "UBOT",
) -> dict[str, Any]:
    """``app_mention`` with the bot mention prefixed, as Slack delivers it (a new message ts unless given)."""
    ts = ts or new_ts()
    return {
        "type": "app_mention",
        "user": user,
        "text": f"<@{bot_user_id}> {text}",
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def im_message_event(text: str, channel: str = "D111", user: str = "U111", ts: str | None = None) -> dict[str, Any]:
    """``message.im``: a user writing in the app's Messages tab (a new message ts unless given)."""
    ts = ts or new_ts()
    return {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
    }


def app_home_opened_event(user: str = "U111", tab: str = "home", channel: str = "D111") -> dict[str, Any]:
    return {
        "type": "app_home_opened",
        "user": user,
        "channel": channel,
        "tab": tab,
        "event_ts": "1700000000.000001",
    }


def block_actions_body(
    action_id: str,
    value: str,
    channel_id: str = "C111",
    message_ts: str = "1700000000.000100",
    user_id: str = "U111",
    response_url: str = DEFAULT_ACTION_RESPONSE_URL,
    is_ephemeral: bool = False,
    thread_ts: str | None = None,
    view: dict[str, Any] | None = None,
    block_id: str = "b",
    team_id: str = "T111",
    trigger_id: str = "111.222.valid",
) -> str:
    """``payload=<json>`` body of a button click, on a message or (with ``view``) in a view."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": "tester", "name": "tester", "team_id": team_id},
        "api_app_id": "A111",
        "token": "verification_token",
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": "test-domain"},
        "actions": [
            {
                "action_id": action_id,
                "block_id": block_id,
                "text": {"type": "plain_text", "text": "Button", "emoji": True},
                "value": value,
                "type": "button",
                "action_ts": "1700000001.000001",
            }
        ],
    }
    if view is not None:
        # Views (Home tab, modals) have no channel and no response_url.
        payload["container"] = {"type": "view", "view_id": view.get("id", "V111")}
        payload["view"] = view
        return "payload=" + quote(json.dumps(payload))
    container: dict[str, Any] = {
        "type": "message",
        "message_ts": message_ts,
        "channel_id": channel_id,
        "is_ephemeral": is_ephemeral,
    }
    if thread_ts is not None:
        container["thread_ts"] = thread_ts
    payload |= {
        "container": container,
        "channel": {"id": channel_id, "name": "random"},
        "response_url": response_url,
        "state": {"values": {}},
    }
    if not is_ephemeral:
        # Slack omits the message for ephemeral ones: the app never "owns" them.
        message: dict[str, Any] = {"type": "message", "ts": message_ts, "user": "UBOT", "bot_id": "BBOT"}
        if thread_ts is not None:
            message["thread_ts"] = thread_ts
        payload["message"] = message
    return "payload=" + quote(json.dumps(payload))


def signed_headers(
    secret: str,
    body: str,
    timestamp: int | str | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> dict[str, str]:
    """Headers Slack sends with ``body``; ``retry_num`` marks an Events API redelivery."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    is_json = body.lstrip().startswith("{")
    headers = {
        "Content-Type": "application/json" if is_json else "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }
    if retry_num is not None:
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return headers


def post(
    url: str,
    body: str,
    secret: str,
    *,
    timestamp: int | str | None = None,
    retry_num: int | None = None,
    timeout: float = 10.0,
) -> httpx.Response:
    """Send ``body`` to ``url`` the way Slack would (e.g. the app's ``/slack/events``)."""
    headers = signed_headers(secret, body, timestamp=timestamp, retry_num=retry_num)
    # trust_env=False: a developer's HTTP(S)_PROXY must not capture requests meant for 127.0.0.1.
    with httpx.Client(trust_env=False, timeout=timeout) as client:
        return client.post(url, content=body.encode("utf-8"), headers=headers)
