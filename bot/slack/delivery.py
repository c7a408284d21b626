"""The Slack side of an answer: post it with its chart, update it in place, or fall back to a private reply.

Everything here runs on the answer worker's threads (`bot.slack.worker`), never before `ack()`.

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
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from slack_bolt import BoltResponse
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler, RetryState
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse

from bot.slack.worker import Rendered

log = logging.getLogger("fwtrend.slack")

INVITE_HINT = "To answer here for everyone, invite me with `/invite @fwtrend`."
NO_FILES_IN_PRIVATE = "Slack can't attach charts to private replies"
PRIVATE_KINDS = frozenset({"help", "clarify", "unknown"})
MAX_RETRY_AFTER_S = 10


# -- safety ------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]+")


def redact(text: str) -> str:
    return _TOKEN.sub("[redacted]", text)


class RedactTokens(logging.Filter):
    """Last line of defence: no Slack token (xoxb-, xapp-, ...) ever reaches a log line."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, None
        return True


class _DropBoltTokenWarning(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that our client (which carries it) wins; that is intended."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def quiet_bolt_token_warning() -> None:
    bolt_logger = logging.getLogger("slack_bolt.App")
    if not any(isinstance(f, _DropBoltTokenWarning) for f in bolt_logger.filters):
        bolt_logger.addFilter(_DropBoltTokenWarning())


def install_log_redaction() -> None:
    redactor = RedactTokens()
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, RedactTokens) for f in handler.filters):
            handler.addFilter(redactor)


# -- errors --------------------------------------------------------------------------------------------
def error_code(exc: Exception) -> str:
    if isinstance(exc, SlackApiError):
        return str(exc.response.get("error") or exc.response.status_code)
    if isinstance(exc, SlackRequestError):
        return "upload_failed"
    return type(exc).__name__


def retry_after(exc: Exception) -> int | None:
    if isinstance(exc, SlackApiError):
        value = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
        if isinstance(value, list):
            value = value[0] if value else None
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None
    return None


def plain_message(exc: Exception) -> str:
    """What to tell the user when Slack refused a call."""
    code = error_code(exc)
    if code == "ratelimited":
        wait = retry_after(exc)
        when = f"in {wait} seconds" if wait else "in a minute"
        return f"Slack is rate-limiting me right now. Please ask again {when}."
    if code in ("invalid_auth", "not_authed", "token_revoked", "account_inactive"):
        return "Slack rejected my credentials, so I can't post. An admin needs to reinstall fwtrend."
    if code in ("not_in_channel", "channel_not_found"):
        return f"I can't post in this conversation. {INVITE_HINT}"
    if code == "is_archived":
        return "This channel is archived, so I can't post in it."
    return f"Sorry, Slack refused my answer ({code}). Please try again."


def log_slack_error(action: str, exc: Exception, **where: Any) -> None:
    place = " ".join(f"{k}={v}" for k, v in where.items())
    log.warning("slack %s failed: %s %s", action, error_code(exc), place)


class CappedRateLimitRetryHandler(RateLimitErrorRetryHandler):
    """Retry a 429 once after Retry-After, unless Slack asks us to wait longer than a user would."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        values = (
            (response.headers.get("retry-after") or response.headers.get("Retry-After") or ["1"]) if response else []
        )
        try:
            return int(values[0]) <= MAX_RETRY_AFTER_S
        except (ValueError, IndexError):
            return True


# -- event de-duplication ---------------------------------------------------------------------------
class EventDeduper:
    """Remembers event ids for a while so a redelivered event (Events API retry) never answers twice."""

    def __init__(self, ttl_s: float = 3600, limit: int = 10_000):
        self.ttl_s, self.limit = ttl_s, limit
        self._seen: OrderedDict[str, float] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        now = time.monotonic()
        with self._lock:
            while self._seen and (next(iter(self._seen.values())) < now - self.ttl_s or len(self._seen) > self.limit):
                self._seen.popitem(last=False)
            if event_id in self._seen:
                return False
            self._seen[event_id] = now
            return True


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


def post_joining(client: WebClient, where: Where, payload: dict[str, Any]) -> tuple[str, str]:
    """Post a message; in a public channel the bot is not in, join it first (`channels:join`).

    Returns (channel id, ts): posting to a user id lands in the app's DM, whose id differs."""
    try:
        return _post(client, where, payload)
    except SlackApiError as exc:
        if error_code(exc) != "not_in_channel":
            raise
        log.info("not in channel %s; joining it", where.channel)
        client.conversations_join(channel=where.channel)
        return _post(client, where, payload)


def upload_chart(client: WebClient, rendered: Rendered, channel: str, thread_ts: str | None) -> str | None:
    """Upload the answer's chart into the channel/thread. Returns the file id."""
    if rendered.png is None:
        return None
    response = client.files_upload_v2(
        content=rendered.png,
        filename="fwtrend-chart.png",
        title=rendered.chart_title,
        alt_txt=f"Chart: {rendered.chart_title}",
        channel=channel,
        thread_ts=thread_ts,
    )
    return str(response["file"]["id"])


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
    from bot.slack.blocks.answer import with_chart

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


def post_answer(client: WebClient, where: Where, rendered: Rendered) -> tuple[str, str]:
    """The answer in the channel (or thread), its chart in the answer's thread and then inside the answer.

    Returns (channel id, the answer's ts): posting to a user id lands in the app's DM, whose id differs."""
    channel, ts = post_joining(client, where, rendered.payload)
    try:
        file_id = upload_chart(client, rendered, channel, where.thread_ts or ts)
        if file_id:
            embed_chart(client, channel, ts, rendered, file_id)
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log_slack_error("chart upload", exc, channel=channel)
        client.chat_postMessage(
            channel=channel,
            thread_ts=where.thread_ts or ts,
            text=f"I couldn't attach the chart: {plain_message(exc)}",
        )
    return channel, ts


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
    respond: Callable[..., Any], client: WebClient, user: str, rendered: Rendered, *, reason: str
) -> None:
    """The figures as an ephemeral reply (with "Share in channel"), the chart in a DM."""
    sent = dm_chart(client, user, rendered) if rendered.png is not None else False
    if rendered.png is None:
        chart_note = ""
    elif sent:
        chart_note = f" {NO_FILES_IN_PRIVATE}, so I sent the chart to you in a DM."
    else:
        chart_note = f" {NO_FILES_IN_PRIVATE}."
    payload = with_note(rendered.payload, f":lock: Only you can see this. {reason}{chart_note}")
    respond(response_type="ephemeral", replace_original=False, text=payload["text"], blocks=payload["blocks"])


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


# -- Bolt plumbing -----------------------------------------------------------------------------------
def slack_client(settings: Any) -> WebClient:
    """The Web API client: base URL from SLACK_API_URL, one capped retry on rate limits."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_base,
        retry_handlers=[ConnectionErrorRetryHandler(), CappedRateLimitRetryHandler(max_retry_count=1)],
    )


def inject(name: str, value: Any) -> Callable[..., Any]:
    """Bolt middleware putting `value` into every request's context under `name`."""

    def middleware(context: Any, next: Callable[[], Any]) -> Any:
        context[name] = value
        return next()

    return middleware


def drop_duplicate_events(deduper: EventDeduper) -> Callable[..., Any]:
    """Bolt middleware: an event already seen (Events API retry, Socket Mode redelivery) is acked, not run."""

    def middleware(body: dict[str, Any], next: Callable[[], Any]) -> Any:
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not deduper.first_time(str(event_id)):
            log.info("duplicate event %s ignored", event_id)
            return BoltResponse(status=200, body="")
        return next()

    return middleware
