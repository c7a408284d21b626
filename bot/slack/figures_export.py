"""The **Figures as CSV** button on an answer: the figures behind it, uploaded as a CSV file.

Into the answer's thread for an answer in a channel; for a private (ephemeral) answer, which can carry no
file, into the user's DM with the app. The rows are `bot.render.figures_csv`'s: exactly the figures the
answer rests on, one per row with date, source and counting method, gaps named and never filled.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.answering.engine import answer_query
from bot.ingest.seeded import open_seeded_store
from bot.render.figures_csv import csv_filename, figures_csv
from bot.slack.blocks.answer import escape
from bot.slack.delivery import Where, checked_respond, tell
from bot.slack.errors import log_slack_error, plain_message
from bot.slack.interactions import RENDER_FAILED, STALE_BUTTON, Respond, Services
from bot.store.observations import sources_by_id
from bot.understanding.query import Query, decode_query

log = logging.getLogger("fwtrend.figures_export")

NO_FIGURES = "There are no figures behind this answer to put in a CSV file."


def figures_file(db_path: str | Path, query: Query, today: date) -> tuple[str, str, str] | None:
    """(file name, the answer's title, CSV text) of the figures behind `query`'s answer, or None when it rests on none.
    Runs in a render process (`AnswerWorker.compute`)."""
    store = open_seeded_store(db_path)
    answer = answer_query(store, query, today=today)
    text = figures_csv(answer, sources_by_id(store))
    if text is None:
        return None
    return csv_filename(answer), answer.title, text


def send_figures_csv(services: Services, client: WebClient, respond: Respond, body: dict[str, Any]) -> None:
    """Upload the CSV for the answer whose button was pressed; tell the user plainly when it can't be."""
    action = body["actions"][0]
    container = body.get("container") or {}
    channel = str(container.get("channel_id") or (body.get("channel") or {}).get("id") or "")
    user = str(body["user"]["id"])
    where = Where(channel=channel, user=user, thread_ts=container.get("thread_ts"))
    respond = checked_respond(respond, client, where)
    query = decode_query(str(action.get("value") or ""))
    if query is None:
        tell(respond, client, where, STALE_BUTTON)
        return
    # The figures of the answer the user saw: dated (staleness, "last 12 months") on their own date.
    today = services.asker_zones.zone(client, user).today()
    try:
        made = services.worker.compute(figures_file, str(services.worker.db_path), query, today)
    except Exception:
        log.exception("working out the figures of a %s answer failed", query.intent)
        tell(respond, client, where, RENDER_FAILED)
        return
    if made is None:
        tell(respond, client, where, NO_FIGURES)
        return
    filename, answer_title, text = made
    title = f"Figures: {answer_title}"[:250]
    private = bool(container.get("is_ephemeral"))
    try:
        if private:  # an ephemeral message can carry no file: the user's DM with the app can
            intro = client.chat_postMessage(channel=user, text=f"The figures behind *{escape(answer_title)}*, as CSV.")
            target, thread_ts = str(intro["channel"]), None
        else:
            target, thread_ts = channel, container.get("thread_ts") or container.get("message_ts")
        client.files_upload_v2(
            content=text.encode("utf-8"), filename=filename, title=title, channel=target, thread_ts=thread_ts
        )
    except (SlackApiError, SlackRequestError, OSError) as exc:
        log_slack_error("uploading figures as CSV", exc, channel=channel)
        tell(respond, client, where, f"I couldn't upload the CSV file: {plain_message(exc)}")
        return
    if private:
        tell(respond, client, where, "I sent you the figures as a CSV file in our DM.")
