"""A question naming a project no bundled file holds, in Slack: a message at once, the answer in it later.

The acknowledgement is already sent when this runs (on the answer worker's threads). Within a second a
message says what is being looked up ("Looking up polars on PyPI, npm and GitHub…"); the look-up runs
(`bot.ingest.live.lookup`: limits, registries, history, one write), the question is read again (the names
found are projects now) and answered, and that same message is updated in place (`chat.update`) with the
answer, its chart uploaded into the thread and shown inside it. Where the bot can't post, a slash command's
`response_url` carries the same two steps (`replace_original`).

A bare name that is two unlinked packages (`react` on npm and on PyPI) is answered with a question, one
button per reading, in that same message; a click (`pick_reading`) looks that one reading up, without
counting against the hourly limits again, and the message is redrawn as its answer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.answering.conversation import keep
from bot.answering.live_answers import after_lookup, looking_up_text
from bot.catalog import catalog
from bot.ingest.live.candidates import Candidate, lookup_candidates
from bot.ingest.live.readings import is_reading, picked_candidates, with_found
from bot.ingest.seeded import open_seeded_store
from bot.slack.blocks.answer import render_blocks
from bot.slack.delivery import Where, embed_chart, post_joining, tell, upload_chart, with_note
from bot.slack.errors import error_code, log_slack_error, plain_message
from bot.slack.worker import Rendered
from bot.understanding.query import Query

log = logging.getLogger("fwtrend.lookup")

LOOKUP_FAILED = "Sorry, the look-up went wrong before I could answer. Please try again in a moment."


def progress_payload(candidates: list[Candidate]) -> dict[str, Any]:
    text = looking_up_text([(c.typed, c.registries) for c in candidates])
    return {"text": text, "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f":mag: {text}"}}]}


def answer_with_lookup(
    services: Any,
    client: WebClient,
    where: Where,
    read: Callable[[], Query],
    *,
    respond: Callable[..., Any] | None = None,
    today: date | None = None,
    note: str | None = None,
    slash: bool = False,
) -> bool:
    """Answer through a live look-up when the question (as `read()` reads it) names a project found in no
    bundled file; False, having done nothing, when it names none or look-ups are off. `respond` is a slash
    command's response_url (used only where the bot can't post); `slash`: thread context is kept under the
    answer's own ts (as `/fwtrend` answers are), else under the thread asked in."""
    settings = services.settings
    if settings.fwtrend_lookups_per_hour <= 0:
        return False
    # Here, not at the top: the look-up brings httpx and the sources (start-up cost of the web worker; the
    # server imports it in the background once warm, `bot.slack.server.warm_up`).
    from bot.ingest.live.lookup import know_stored_projects, look_up

    store = open_seeded_store(services.worker.db_path)
    know_stored_projects(store)
    candidates = lookup_candidates(read())
    if not candidates:
        return False
    progress = progress_payload(candidates)
    posted = _post_progress(client, where, progress, respond)
    if posted is None:
        return True
    try:
        outcome = look_up(store, candidates, settings, team=where.team)
        result = after_lookup(read(), outcome)
        if isinstance(result, Query):
            rendered = services.worker.render(result, today=today)
            query = result
        else:
            payload = render_blocks(result, today=today)
            rendered = Rendered(result.kind, payload, None, result.title, result.title)
            query = result.query
    except Exception:
        log.exception("a live look-up failed")
        _replace(client, posted, respond, {"text": LOOKUP_FAILED, "blocks": []}, where)
        return True
    payload = with_note(rendered.payload, note) if note else rendered.payload
    _replace(client, posted, respond, payload, where, rendered=rendered)
    if posted != "response_url":
        channel, ts = posted
        keep(store, (where.team, channel, ts if slash else where.thread_ts or ""), query, rendered.kind)
    return True


def _post_progress(
    client: WebClient, where: Where, progress: dict[str, Any], respond: Callable[..., Any] | None
) -> tuple[str, str] | str | None:
    """(channel, ts) of the posted "Looking up …" message, "response_url" when only the slash command's
    reply could carry it, or None when the user could not be told anything (logged)."""
    try:
        return post_joining(client, where, progress)
    except SlackApiError as exc:
        log_slack_error("posting a look-up message", exc, channel=where.channel)
        if respond is not None:
            respond(response_type="ephemeral", text=progress["text"], blocks=progress["blocks"])
            return "response_url"
        tell(None, client, where, plain_message(exc) if error_code(exc) else progress["text"])
        return None


def _replace(
    client: WebClient,
    posted: tuple[str, str] | str,
    respond: Callable[..., Any] | None,
    payload: dict[str, Any],
    where: Where,
    *,
    rendered: Rendered | None = None,
) -> None:
    """Put the answer in place of the "Looking up …" message, with its chart where a message can carry one."""
    if posted == "response_url":
        assert respond is not None
        respond(replace_original=True, response_type="ephemeral", text=payload["text"], blocks=payload["blocks"])
        return
    channel, ts = posted
    try:
        client.chat_update(channel=channel, ts=ts, text=payload["text"], blocks=payload["blocks"])
        if rendered is not None and rendered.png is not None:
            file_id = upload_chart(client, rendered, channel, where.thread_ts or ts)
            if file_id:
                embed_chart(client, channel, ts, rendered, file_id)
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log_slack_error("updating a look-up message", exc, channel=channel)
        tell(respond, client, where, plain_message(exc))


def pick_reading(
    services: Any, client: WebClient, query: Query, *, message: tuple[str, str] | None, team: str
) -> Query | Rendered | None:
    """A click on one reading of a "which “react”?" question: the query naming that reading's stored project
    (looked up first when no store holds it yet, the message at `message` saying so meanwhile), or the rendered
    answer saying why it could not be looked up; None when the query names no reading (nothing done)."""
    if not any(f.startswith(("pypi:", "npm:")) for f in query.frameworks):
        return None  # most clicks (a metric, a period, a bundled project's reading): no store opened for them
    from bot.ingest.live.lookup import know_stored_projects, look_up  # httpx and the sources: see answer_live

    store = open_seeded_store(services.worker.db_path)
    know_stored_projects(store)
    cat = catalog()
    if not any(is_reading(f, cat) for f in query.frameworks):
        return None
    candidates = picked_candidates(query, cat)
    if not candidates:  # stored by an earlier click
        return with_found(query, cat, {})
    if message is not None:
        progress = progress_payload(candidates)
        try:
            client.chat_update(channel=message[0], ts=message[1], text=progress["text"], blocks=progress["blocks"])
        except (SlackApiError, SlackRequestError) as exc:  # the answer still replaces it below
            log_slack_error("updating a look-up message", exc, channel=message[0])
    try:
        # The question this reading comes from already took its look-up from the hourly limits.
        outcome = look_up(store, candidates, services.settings, team=team, counted=False)
        query = with_found(query, cat, outcome.found)
        missing = [c.typed for c in candidates if c.typed not in outcome.found]
        rest = query.model_copy(
            update={
                "frameworks": [f for f in query.frameworks if f not in missing],
                "unknown": [*query.unknown, *missing],
            }
        )
        result = after_lookup(rest, outcome)
        if isinstance(result, Query):
            return result
        return Rendered(result.kind, render_blocks(result), None, result.title, result.title)
    except Exception:
        log.exception("looking up a picked reading failed")
        blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": LOOKUP_FAILED}}]
        return Rendered("clarify", {"text": LOOKUP_FAILED, "blocks": blocks}, None, LOOKUP_FAILED, LOOKUP_FAILED)
