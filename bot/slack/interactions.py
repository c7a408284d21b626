"""What happens after `ack()`: payload → Query → answer → renderer → Slack, one function per interaction.

Handlers in `handlers/` pick the fields they need from the payload, record them as a job in the durable
answer queue (`Services.enqueue`) and acknowledge; a worker thread of any web process then runs one of
these functions (`bot.slack.jobs.run_job`). Each one catches Slack's errors and tells the user in plain
words; tokens never reach a log line.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.exc import SQLAlchemyError

from bot.answering.conversation import keep, recall
from bot.answering.engine import understand_text
from bot.ingest.seeded import open_seeded_store
from bot.settings import Settings
from bot.slack.alerts import ALERT_INTENTS, reply_to_command, reply_to_message
from bot.slack.asker_time import AskerReading, AskerZones, read_in_zone
from bot.slack.block_fallback import BlockSupport
from bot.slack.blocks.native_chart import has_native_chart
from bot.slack.blocks.subscriptions import message
from bot.slack.delivery import (
    PRIVATE_KINDS,
    Where,
    checked_respond,
    post_answer,
    private_answer,
    redraw_answer,
    reply,
    tell,
    with_note,
)
from bot.slack.errors import INVITE_HINT, error_code, log_slack_error, plain_message
from bot.slack.lookup_flow import answer_with_lookup, pick_reading
from bot.slack.messages import FILE_WITHOUT_QUESTION
from bot.slack.subscriptions import SUBSCRIPTION_INTENTS, handle_subscription_command
from bot.slack.watch_list import WATCH_INTENTS, handle_watch_command
from bot.slack.worker import AnswerWorker, Rendered
from bot.store.connection import Store
from bot.store.digests import record_asked
from bot.store.slack_events import seen_before
from bot.understanding.query import Query, decode_query
from bot.understanding.reader import understand

log = logging.getLogger("fwtrend.flows")

# Posting failed because of where we were asked, not because of Slack or us: answer privately instead.
CANNOT_POST_HERE = frozenset(
    {
        "not_in_channel",
        "channel_not_found",
        "method_not_supported_for_channel_type",
        "missing_scope",
        "restricted_action",
        "is_archived",
    }
)
RENDER_FAILED = "Sorry, something went wrong while working out that answer. Please try again in a moment."
STALE_BUTTON = "That button belongs to an answer I can no longer read. Ask again with `/fwtrend`."


@dataclass
class Services:
    """What the handlers need, put into every Bolt request's `context["fwtrend"]`."""

    settings: Settings
    worker: AnswerWorker
    asker_zones: AskerZones = field(default_factory=AskerZones)
    jobs: Any = None
    """The durable answer queue's runner (`bot.slack.jobs.JobRunner`; set by `bot.slack.server.build_services`)."""

    def enqueue(self, kind: str, payload: dict[str, Any], delivery_keys: list[str] | None = None) -> bool:
        """Record the work behind a request before it is acknowledged (see `bot.slack.jobs`). False when the
        delivery was already taken by this or another process. A store that cannot record it raises: the
        request is then not acknowledged, and Slack retries it."""
        return bool(self.jobs.enqueue(kind, payload, delivery_keys))

    def seen_before(self, keys: list[str]) -> bool:
        """Whether a process sharing the store already took this Slack delivery (a read; the keys are
        recorded with the job, `enqueue`). A store that cannot be read lets the delivery through and logs
        why: the enqueue then decides."""
        try:
            return seen_before(open_seeded_store(self.worker.db_path), keys)
        except (sqlite3.Error, SQLAlchemyError) as exc:
            log.warning("could not check Slack delivery %s (%s); handling it", keys[0], type(exc).__name__)
            return False


Respond = Callable[..., Any]


def _can_not_post_reason(code: str) -> str:
    if code == "channel_not_found":
        return f"I'm not in this conversation, so I can't post here. {INVITE_HINT}"
    if code == "is_archived":
        return "This channel is archived, so I can't post in it."
    return f"I couldn't join this channel to post here. {INVITE_HINT}"


def _render(
    services: Services,
    query: Query,
    respond: Respond | None,
    client: WebClient,
    where: Where,
    *,
    private: bool = False,
    today: date | None = None,
    note: str | None = None,
) -> Rendered | None:
    """The rendered answer, or None after telling the user it failed (never silence).

    `today` is the asker's local date (staleness marks and the period buttons count from it); `note`
    (which date "this year" was read at) is added to this message only, after the shared render."""
    try:
        rendered = services.worker.render(query, private=private, today=today)
        return replace(rendered, payload=with_note(rendered.payload, note)) if note else rendered
    except Exception:
        log.exception("rendering a %s answer failed", query.intent)
        tell(respond, client, where, RENDER_FAILED)
        return None


def _asker_today(services: Services, client: WebClient, where: Where) -> date:
    """Today in the asker's time zone (UTC when Slack can't tell us their zone)."""
    return services.asker_zones.zone(client, where.user).today()


def _read_for_asker(
    services: Services, client: WebClient, where: Where, text: str, read: Callable[[date], Query]
) -> AskerReading:
    """`read` at the asker's local date, with a note when that changed the reading."""
    return read_in_zone(read, text, services.asker_zones.zone(client, where.user))


def _thread_store(services: Services) -> Store:
    return open_seeded_store(services.worker.db_path)


def _blocks(services: Services) -> BlockSupport:
    """Which workspaces take the table and data_visualization blocks (`bot.slack.block_fallback`)."""
    return BlockSupport(services.worker.db_path)


def subscription_reply(services: Services, client: WebClient, query: Query, where: Where) -> dict[str, Any]:
    """`subscribe`, `unsubscribe`, `subscriptions`: the confirmation or list to send back."""
    return handle_subscription_command(
        _thread_store(services),
        client,
        enterprise_id=where.enterprise,
        team_id=where.team,
        channel_id=where.channel,
        user_id=where.user,
        intent=query.intent,
        args=query.args,
        zones=services.asker_zones,
    )


def _count_asked(services: Services, where: Where, query: Query) -> None:
    # A subscription without names defaults to what this workspace asks about most.
    if query.frameworks and where.team:
        record_asked(_thread_store(services), where.team, query.frameworks)


def answer_command(services: Services, client: WebClient, respond: Respond, text: str, where: Where) -> None:
    """`/fwtrend TEXT`: the answer in the channel with its chart, or privately where that can't be."""
    respond = checked_respond(respond, client, where)
    query = understand_text(text)
    if query.intent in WATCH_INTENTS:  # the watch list is the workspace's; the confirmation is the asker's
        payload = handle_watch_command(_thread_store(services), query, team_id=where.team, user_id=where.user)
        respond(response_type="ephemeral", text=payload["text"], blocks=payload["blocks"])
        return
    if query.intent in ALERT_INTENTS:  # per channel: see bot.slack.alerts
        reply_to_command(_thread_store(services), query, where, respond)
        return
    if query.intent in SUBSCRIPTION_INTENTS:
        payload = subscription_reply(services, client, query, where)
        # The channel sees what it signed up for; the list of subscriptions is for the asker only.
        visibility = "ephemeral" if query.intent == "subscriptions" else "in_channel"
        respond(response_type=visibility, text=payload["text"], blocks=payload["blocks"])
        return
    # Subscriptions don't depend on the date; answers read "this year" in the asker's time zone.
    reading = _read_for_asker(services, client, where, text, lambda day: understand_text(text, today=day))
    query, today, note = reading.query, reading.today, reading.note
    # Live look-up hook (bot/slack/lookup_flow.py): a name no bundled file holds is looked up, then answered.
    read = lambda: understand_text(text, today=today)  # noqa: E731
    if answer_with_lookup(services, client, where, read, respond=respond, today=today, note=note, slash=True):
        return
    _count_asked(services, where, query)
    rendered = _render(services, query, respond, client, where, today=today, note=note)
    if rendered is None:
        return
    if rendered.kind in PRIVATE_KINDS:
        payload = rendered.payload
        respond(response_type="ephemeral", text=payload["text"], blocks=payload["blocks"])
        return
    try:
        channel, ts = post_answer(client, where, rendered, support=_blocks(services))
        # Replies in the answer's thread ("@fwtrend what about jax?") follow up on this question.
        keep(_thread_store(services), (where.team, channel, ts), query, rendered.kind)
    except SlackApiError as exc:
        code = error_code(exc)
        log_slack_error("posting an answer", exc, channel=where.channel)
        if code in CANNOT_POST_HERE:
            private = _render(services, query, respond, client, where, private=True, today=today, note=note)
            if private is None:
                return
            reason = _can_not_post_reason(code)
            support = _blocks(services)
            private_answer(respond, client, where.user, private, reason=reason, team=where.team, support=support)
        else:
            tell(respond, client, where, plain_message(exc))


def answer_message(services: Services, client: WebClient, text: str, where: Where, *, only_files: bool = False) -> None:
    """An @mention (answered in its thread) or a DM to the app (answered in the DM).

    Read against the thread's previous question, so "what about jax?" or "since 2020?" follow up on it.
    `only_files`: a file was shared with no question; the reply says what we can read.
    """
    if only_files:
        try:
            client.chat_postMessage(channel=where.channel, thread_ts=where.thread_ts, text=FILE_WITHOUT_QUESTION)
        except SlackApiError as exc:
            log_slack_error("answering a file without a question", exc, channel=where.channel)
        return
    store = _thread_store(services)
    key = (where.team, where.channel, where.thread_ts or "")
    context = recall(store, key)
    query = understand(text, context=context)
    if query.intent in WATCH_INTENTS:
        _watch_in_message(services, client, query, where)
        return
    if query.intent in ALERT_INTENTS:
        reply_to_message(store, client, query, where)
        return
    if query.intent in SUBSCRIPTION_INTENTS:
        if where.channel.startswith("U"):  # asked from App Home: there is no channel to subscribe
            payload = message("Digests go to channels: run `/fwtrend subscribe` in the channel that should get them.")
        else:
            payload = subscription_reply(services, client, query, where)
        try:
            client.chat_postMessage(
                channel=where.channel, thread_ts=where.thread_ts, text=payload["text"], blocks=payload["blocks"]
            )
        except SlackApiError as exc:
            log_slack_error("answering a subscription", exc, channel=where.channel)
        return
    reading = _read_for_asker(services, client, where, text, lambda day: understand(text, today=day, context=context))
    query = reading.query
    # Live look-up hook (bot/slack/lookup_flow.py): a name no bundled file holds is looked up, then answered.
    read = lambda: understand(text, today=reading.today, context=context)  # noqa: E731
    if answer_with_lookup(services, client, where, read, today=reading.today, note=reading.note):
        return
    _count_asked(services, where, query)
    rendered = _render(services, query, None, client, where, today=reading.today, note=reading.note)
    if rendered is None:
        return
    try:
        channel, _ = post_answer(client, where, rendered, support=_blocks(services))
        # Keyed by where the answer went: a question asked from App Home goes to the app's DM (D…).
        keep(store, (where.team, channel, where.thread_ts or ""), query, rendered.kind)
    except SlackApiError as exc:
        log_slack_error("answering a message", exc, channel=where.channel)
        tell(None, client, where, plain_message(exc))


def _watch_in_message(services: Services, client: WebClient, query: Query, where: Where) -> None:
    """A watch-list request in a mention or DM: done for the workspace, confirmed to the asker only."""
    if not where.team:  # asked from App Home's modal: no workspace id comes with it, so no list to change
        payload = message("The watch list belongs to a workspace: run `/fwtrend track NAME` in one of its channels.")
        try:
            client.chat_postMessage(channel=where.channel, text=payload["text"], blocks=payload["blocks"])
        except SlackApiError as exc:
            log_slack_error("answering a watch-list request", exc, channel=where.channel)
        return
    payload = handle_watch_command(_thread_store(services), query, team_id=where.team, user_id=where.user)
    try:
        reply(client, where, payload, private=True)
    except SlackApiError as exc:
        log_slack_error("answering a watch-list request", exc, channel=where.channel)


def _button_query(action: dict[str, Any]) -> Query | None:
    return decode_query(str(action.get("value") or ""))


def update_answer(services: Services, client: WebClient, respond: Respond, body: dict[str, Any]) -> None:
    """A metric, period or suggestion button: the same message, redrawn for the new query."""
    action = body["actions"][0]
    container = body.get("container") or {}
    where = Where(channel=str(container.get("channel_id", "")), user=body["user"]["id"])
    respond = checked_respond(respond, client, where)
    query = _button_query(action)
    if query is None:
        tell(respond, client, where, STALE_BUTTON)
        return
    today = _asker_today(services, client, where)  # the period buttons count back from the asker's date
    team = str((body.get("team") or {}).get("id") or body["user"].get("team_id") or "")
    # One reading of a "which “react”?" question: looked up now if no store holds it yet.
    message = None if container.get("is_ephemeral") else (where.channel, str(container.get("message_ts", "")))
    picked = pick_reading(services, client, query, message=message, team=team)
    query = picked if isinstance(picked, Query) else query
    if container.get("is_ephemeral"):
        rendered = picked if isinstance(picked, Rendered) else None
        rendered = rendered or _render(services, query, respond, client, where, private=True, today=today)
        if rendered is None:
            return
        note = ":lock: Only you can see this."
        if rendered.png is not None and not has_native_chart(rendered.payload):
            note += " Slack can't attach charts to private replies: press *Share in channel* to post it with its chart."
        payload = with_note(rendered.payload, note)
        respond(replace_original=True, response_type="ephemeral", text=payload["text"], blocks=payload["blocks"])
        return
    rendered = picked if isinstance(picked, Rendered) else _render(services, query, respond, client, where, today=today)
    if rendered is None:
        return
    message_ts = str(container["message_ts"])
    thread_ts = container.get("thread_ts") or message_ts
    try:
        redraw_answer(client, where.channel, message_ts, thread_ts, rendered, team=team, support=_blocks(services))
        if not isinstance(picked, Rendered):  # a reading that could not be looked up is no question to follow up
            keep(_thread_store(services), (team, where.channel, thread_ts), query, rendered.kind)
    except SlackApiError as exc:
        log_slack_error("updating an answer", exc, channel=where.channel)
        tell(respond, client, where, plain_message(exc))


def share_answer(services: Services, client: WebClient, respond: Respond, body: dict[str, Any]) -> None:
    """ "Share in channel" on a private answer: post it publicly with its chart, remove the private copy."""
    action = body["actions"][0]
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id", "")
    where = Where(
        channel=str(channel), user=body["user"]["id"], thread_ts=(body.get("container") or {}).get("thread_ts")
    )
    respond = checked_respond(respond, client, where)
    query = _button_query(action)
    if query is None:
        tell(respond, client, where, STALE_BUTTON)
        return
    rendered = _render(services, query, respond, client, where, today=_asker_today(services, client, where))
    if rendered is None:
        return
    try:
        post_answer(client, where, rendered, support=_blocks(services))
    except SlackApiError as exc:
        code = error_code(exc)
        log_slack_error("sharing an answer", exc, channel=where.channel)
        text = f"I still can't post in this channel. {INVITE_HINT}" if code in CANNOT_POST_HERE else plain_message(exc)
        tell(respond, client, where, text)
        return
    respond(delete_original=True)


def publish_home(services: Services, client: WebClient, user: str) -> None:
    """The App Home tab for `user`, dated (and its staleness marks counted) on their own date."""
    today = services.asker_zones.zone(client, user).today()
    try:
        client.views_publish(user_id=user, view=services.worker.home(today))
    except SlackApiError as exc:
        log_slack_error("publishing the App Home", exc, user=user)


def answer_in_dm(services: Services, client: WebClient, user: str, text: str) -> None:
    """A question asked from the App Home's modal: answered in the user's DM with the app, with its chart.

    Subscribing needs a channel, so the modal's questions are only ever answers."""
    answer_message(services, client, text, Where(channel=user, user=user))
