"""Posting to Slack, for answers and digests alike: post (joining a public channel when needed), upload a
chart, show it inside the message, fall back to a private reply, and say why when Slack refuses.

Everything here runs on the answer worker's threads (`bot.slack.worker`) or in the digest run, never before
`ack()`.

How a chart "shows with the message": the answer is posted with `chat.postMessage` (blocks, so it
appears at once and has a `ts` we own and can `chat.update` when a button is pressed), then the PNG
goes up with `files_upload_v2(channel=..., thread_ts=<the answer's thread>)`. Referencing a fresh
upload from an image block (`slack_file`) is not reliable: a file uploaded without a channel is
private to the bot and Slack rejects it with `invalid_blocks`, and even a shared one is processed
asynchronously (`invalid slack file` until it is ready, with no readiness signal short of polling
`files.info`, which needs another scope). Uploading into the channel itself and also embedding it
would show the image twice. The thread keeps each chart attached to its answer.

Ephemeral messages cannot carry files (slackapi/node-slack-sdk#1790), so a private answer carries
the figures and sends the chart to the user in a DM with the app.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.slack.block_fallback import BlockSupport, send_with_fallback
from bot.slack.blocks.answer import with_chart
from bot.slack.blocks.native_chart import has_native_chart
from bot.slack.errors import error_code, log_slack_error, plain_message
from bot.slack.worker import Rendered

log = logging.getLogger("fwtrend.slack")

NO_FILES_IN_PRIVATE = "Slack can't attach charts to private replies"
PRIVATE_KINDS = frozenset({"help", "clarify", "unknown"})


# -- delivering answers -----------------------------------------------------------------------------
@dataclass
class Where:
    """Where an answer goes: a channel (or DM), maybe a thread, on behalf of a user."""

    channel: str
    user: str
    thread_ts: str | None = None
    team: str = ""
    enterprise: str | None = None


def _post(client: WebClient, where: Where, payload: dict[str, Any]) -> tuple[str, str]:
    response = client.chat_postMessage(
        channel=where.channel, thread_ts=where.thread_ts, text=payload["text"], blocks=payload["blocks"]
    )
    return str(response["channel"]), str(response["ts"])


def post_joining(
    client: WebClient, where: Where, payload: dict[str, Any], *, join_error_wins: bool = True
) -> tuple[str, str]:
    """Post a message ({"text", "blocks"}); in a public channel the bot is not in, join it
    (`channels:join`) and post again. A private channel still answers not_in_channel/channel_not_found.

    When the join fails, its error is raised (answers tell the user why they could not join), or with
    `join_error_wins=False` the post's own `not_in_channel` (digests pause on that).
    Returns (channel id, ts): posting to a user id lands in the app's DM, whose id differs."""
    try:
        return _post(client, where, payload)
    except SlackApiError as exc:
        if error_code(exc) != "not_in_channel":
            raise
        log.info("not in channel %s; joining it", where.channel)
        try:
            client.conversations_join(channel=where.channel)
        except SlackApiError:
            if join_error_wins:
                raise
            raise exc from None
        return _post(client, where, payload)


def upload_png(
    client: WebClient,
    png: bytes,
    *,
    channel: str,
    thread_ts: str | None,
    title: str,
    alt: str,
    filename: str = "fwtrend-chart.png",
) -> str:
    """Upload a chart PNG into a channel (or thread) with its title and alt text. Returns the file id."""
    response = client.files_upload_v2(
        content=png, filename=filename, title=title, alt_txt=alt, channel=channel, thread_ts=thread_ts
    )
    return str(response["file"]["id"])


def upload_chart(client: WebClient, rendered: Rendered, channel: str, thread_ts: str | None) -> str | None:
    """Upload the answer's chart into the channel/thread. Returns the file id (None: no chart)."""
    if rendered.png is None:
        return None
    title = rendered.chart_title
    return upload_png(client, rendered.png, channel=channel, thread_ts=thread_ts, title=title, alt=f"Chart: {title}")


# Slack shares an upload asynchronously: an image block naming it is refused (`invalid_blocks`) until the
# file is shared where the message is, usually within a second or two.
EMBED_WAITS = (0.5, 1.0, 2.0, 4.0)


def show_chart_inline(
    client: WebClient,
    channel: str,
    ts: str,
    payload: dict[str, Any],
    file_id: str,
    title: str,
    *,
    sleep: Callable[[float], None] = time.sleep,
) -> bool:
    """Put the uploaded chart inside the message itself (an image block), not only in its thread.

    The file is shared in the message's thread first, so everyone who sees the message may see it. While
    Slack still refuses the block, wait and try again; after the last try the chart stays in the thread.
    """
    inline = with_chart(payload, file_id, title)
    for wait in (*EMBED_WAITS, None):
        try:
            client.chat_update(channel=channel, ts=ts, text=inline["text"], blocks=inline["blocks"])
            return True
        except SlackApiError as exc:
            if error_code(exc) != "invalid_blocks" or wait is None:
                log_slack_error("showing the chart in the message", exc, channel=channel)
                return False
            sleep(wait)
    return False


def embed_chart(client: WebClient, channel: str, ts: str, rendered: Rendered, file_id: str) -> bool:
    return show_chart_inline(client, channel, ts, rendered.payload, file_id, rendered.chart_title)


def post_answer(
    client: WebClient, where: Where, rendered: Rendered, *, support: BlockSupport | None = None
) -> tuple[str, str]:
    """The answer in the channel (or thread), its chart in the answer's thread and then inside the answer.

    A chart Slack draws itself (a data_visualization block) needs no upload. Where the workspace refuses the
    newer blocks, the classic message goes instead, in the same request (`bot.slack.block_fallback`).
    Returns (channel id, the answer's ts): posting to a user id lands in the app's DM, whose id differs."""
    (channel, ts), payload = send_with_fallback(lambda p: post_joining(client, where, p), rendered, where.team, support)
    if has_native_chart(payload):
        return channel, ts
    try:
        file_id = upload_chart(client, rendered, channel, where.thread_ts or ts)
        if file_id:
            show_chart_inline(client, channel, ts, payload, file_id, rendered.chart_title)
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log_slack_error("chart upload", exc, channel=channel)
        client.chat_postMessage(
            channel=channel,
            thread_ts=where.thread_ts or ts,
            text=f"I couldn't attach the chart: {plain_message(exc)}",
        )
    return channel, ts


def redraw_answer(
    client: WebClient,
    channel: str,
    ts: str,
    thread_ts: str,
    rendered: Rendered,
    *,
    team: str = "",
    support: BlockSupport | None = None,
) -> None:
    """Redraw a posted answer in place (a metric or period button): `chat.update`, the classic message where
    the workspace refuses the newer blocks, and a PNG upload only when Slack does not draw the chart."""

    def update(payload: dict[str, Any]) -> None:
        client.chat_update(channel=channel, ts=ts, text=payload["text"], blocks=payload["blocks"])

    _, payload = send_with_fallback(update, rendered, team, support)
    if has_native_chart(payload):
        return
    file_id = upload_chart(client, rendered, channel, thread_ts)
    if file_id:
        show_chart_inline(client, channel, ts, payload, file_id, rendered.chart_title)


def with_note(payload: dict[str, Any], note: str) -> dict[str, Any]:
    """The payload with a context line added just after the headline."""
    blocks = list(payload["blocks"])
    blocks.insert(min(2, len(blocks)), {"type": "context", "elements": [{"type": "mrkdwn", "text": note}]})
    return {"text": payload["text"], "blocks": blocks[:50]}


def dm_chart(client: WebClient, user: str, rendered: Rendered) -> bool:
    """Send the chart to the user in their DM with the app (the only private place a file can go)."""
    if rendered.png is None:
        return False
    try:
        intro = client.chat_postMessage(channel=user, text=f"Here is the chart for *{rendered.title}*.")
        upload_chart(client, rendered, str(intro["channel"]), None)
        return True
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log_slack_error("chart DM", exc, user=user)
        return False


def private_answer(
    respond: Callable[..., Any],
    client: WebClient,
    user: str,
    rendered: Rendered,
    *,
    reason: str,
    team: str = "",
    support: BlockSupport | None = None,
) -> None:
    """The figures as an ephemeral reply (with "Share in channel") and its chart: drawn by Slack in the
    reply itself when it fits a data_visualization block, else (no files in ephemeral replies) in a DM."""

    def send(payload: dict[str, Any]) -> Any:
        native = has_native_chart(payload)
        sent = dm_chart(client, user, rendered) if rendered.png is not None and not native else False
        if rendered.png is None or native:
            chart_note = ""
        elif sent:
            chart_note = f" {NO_FILES_IN_PRIVATE}, so I sent the chart to you in a DM."
        else:
            chart_note = f" {NO_FILES_IN_PRIVATE}."
        noted = with_note(payload, f":lock: Only you can see this. {reason}{chart_note}")
        response = respond(
            response_type="ephemeral", replace_original=False, text=noted["text"], blocks=noted["blocks"]
        )
        refused_body = str(getattr(response, "body", ""))
        if getattr(response, "status_code", 200) != 200 and "invalid_blocks" in refused_body:
            # response_url answers errors with a status, not an exception: raise it like the Web API would.
            raise SlackApiError("invalid_blocks", _Refusal({"ok": False, "error": "invalid_blocks"}))
        return response

    send_with_fallback(send, rendered, team, support)


@dataclass
class _Refusal:
    """The part of a SlackResponse `error_code` and `block_fallback` read, for a refused response_url."""

    data: dict[str, Any]
    status_code: int = 400

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


def checked_respond(respond: Callable[..., Any], client: WebClient, where: Where) -> Callable[..., Any]:
    """`respond` that does not fail silently: Slack's response_url answers errors (expired after 30
    minutes, used more than 5 times, invalid_blocks) without raising, so check, log, and fall back to
    an ephemeral message for new replies."""

    def send(**kwargs: Any) -> Any:
        response = respond(**kwargs)
        status = getattr(response, "status_code", 200)
        if status == 200:
            return response
        log.warning("response_url refused a reply: HTTP %s %s", status, str(getattr(response, "body", ""))[:200])
        if kwargs.get("replace_original") or kwargs.get("delete_original"):
            return response  # there is no other way to change an ephemeral message
        try:
            return client.chat_postEphemeral(
                channel=where.channel,
                user=where.user,
                thread_ts=where.thread_ts,
                text=kwargs.get("text") or "",
                blocks=kwargs.get("blocks"),
            )
        except SlackApiError as exc:
            log_slack_error("the ephemeral fallback", exc, channel=where.channel)
            return response

    return send


def tell(respond: Callable[..., Any] | None, client: WebClient, where: Where, text: str) -> None:
    """A short private note to the user: via response_url when there is one, else chat.postEphemeral."""
    try:
        if respond is not None:
            respond(response_type="ephemeral", replace_original=False, text=text)
        else:
            client.chat_postEphemeral(channel=where.channel, user=where.user, thread_ts=where.thread_ts, text=text)
    except Exception as exc:  # the user can't be told; the log must say why
        log_slack_error("telling the user", exc, channel=where.channel)


def reply(client: WebClient, where: Where, payload: dict[str, Any], *, private: bool) -> None:
    """Post `payload` ({"text", "blocks"}) where it was asked: only to the asker (`private`), or to all.
    Slack's errors are raised to the caller, which knows what it was answering."""
    if private:
        client.chat_postEphemeral(
            channel=where.channel,
            user=where.user,
            thread_ts=where.thread_ts,
            text=payload["text"],
            blocks=payload["blocks"],
        )
    else:
        client.chat_postMessage(
            channel=where.channel, thread_ts=where.thread_ts, text=payload["text"], blocks=payload["blocks"]
        )
