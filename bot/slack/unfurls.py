"""Pasted links unfurled with the project's figures: `link_shared` event → answer → `chat.unfurl`.

Slack sends `link_shared` for links to the domains in the manifest's `unfurl_domains` (GitHub, PyPI, npm and
the download-stats and star-history sites). Each link is read as a question would be
(`bot.understanding.reader.understand`: a repository, a package page, a stats page naming one project or
several), answered from the store, and unfurled with its headline figures (`bot.slack.blocks.unfurl`).

A link fwtrend has no figures for (a repository it doesn't know, a package without downloads in the store, a
GitHub page of no project) is left alone: no unfurl, so Slack's own preview stays. A "no figures" card on
every such link pasted in a busy channel would be noise for everyone but the one who might ask; asking
`/fwtrend URL` still says plainly what is missing. Nothing here ever posts an error into the conversation.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.answering.engine import answer_query
from bot.ingest.seeded import open_seeded_store
from bot.slack.block_fallback import NEW_BLOCKS, BlockSupport, names_new_blocks, slack_messages
from bot.slack.blocks.unfurl import unfurl_blocks
from bot.slack.errors import error_code, log_slack_error
from bot.slack.interactions import Services
from bot.understanding.reader import understand

log = logging.getLogger("fwtrend.unfurls")

MAX_LINKS = 5
"""Links unfurled per message: Slack shows a few previews at most, and each costs an answer."""
UNFURL_DOMAINS = (
    "github.com",
    "pypi.org",
    "npmjs.com",
    "www.npmjs.com",
    "star-history.com",
    "pypistats.org",
    "pepy.tech",
    "npmtrends.com",
)
"""The domains in the manifest's `unfurl_domains` (tests check the two agree)."""
PAGE_METRIC = {
    "github.com": "github_stars",
    "star-history.com": "github_stars",
    "pypi.org": "pypi_downloads",
    "pypistats.org": "pypi_downloads",
    "pepy.tech": "pypi_downloads",
    "npmjs.com": "npm_downloads",
    "www.npmjs.com": "npm_downloads",
    "npmtrends.com": "npm_downloads",
}
"""The metric a page is about, shown first in its unfurl."""
UNFURLED = frozenset({"profile", "compare"})


def unfurl_for(db_path: str | Path, url: str, today: date, native: bool = True) -> list[dict[str, Any]] | None:
    """The unfurl blocks for one link, or None when fwtrend has no figures for what it names; `native`: with
    a `data_visualization` chart where it fits. Runs in a render process (`AnswerWorker.compute`)."""
    query = understand(url, today=today)
    if query.intent not in UNFURLED or not query.frameworks:
        return None
    answer = answer_query(open_seeded_store(db_path), query, today=today)
    host = (urlsplit(url).hostname or "").lower()
    return unfurl_blocks(answer, first_metric=PAGE_METRIC.get(host), native=native)


def delivery_key(event: dict[str, Any], team: str) -> str:
    """The key that makes one message's links unfurl once: Bolt's middleware drops a redelivered event id;
    this also catches one message's links delivered as two events (a retry with a new id, another process
    of the same deployment). Recorded with the queued job (`Services.enqueue`)."""
    where = event.get("unfurl_id") or f"{event.get('channel') or ''}:{event.get('message_ts') or ''}"
    return f"unfurl:{team}:{event.get('source') or ''}:{where}"


def unfurl_links(services: Services, client: WebClient, event: dict[str, Any], team: str) -> None:
    """Unfurl the links of one `link_shared` event (queued once per `delivery_key`)."""
    links = [str(link.get("url")) for link in event.get("links") or [] if isinstance(link, dict) and link.get("url")]
    links = list(dict.fromkeys(links))[:MAX_LINKS]
    unfurl_id, source = event.get("unfurl_id"), event.get("source")
    channel, ts = str(event.get("channel") or ""), str(event.get("message_ts") or "")
    if not links:
        return
    user = str(event.get("user") or "")
    today = services.asker_zones.zone(client, user).today() if user else date.today()
    support = BlockSupport(services.worker.db_path)
    native = not support.refuses(team)
    unfurls = _unfurls(services, links, today, native)
    if not unfurls:
        return
    target = {"unfurl_id": unfurl_id, "source": source} if unfurl_id and source else {"channel": channel, "ts": ts}
    try:
        client.chat_unfurl(unfurls=unfurls, **target)
    except SlackApiError as exc:
        charted = [{"blocks": u["blocks"]} for u in unfurls.values() if _has_new_blocks(u["blocks"])]
        if not charted or error_code(exc) != "invalid_blocks":
            log_slack_error("unfurling links", exc, channel=channel)
            return
        # A workspace whose Slack refuses the chart block: the same unfurls without it, in this request.
        if any(names_new_blocks(u, slack_messages(exc)) for u in charted):
            support.remember(team, "invalid_blocks")
        try:
            client.chat_unfurl(unfurls=_unfurls(services, links, today, native=False), **target)
        except SlackApiError as again:
            log_slack_error("unfurling links", again, channel=channel)


def _has_new_blocks(blocks: list[dict[str, Any]]) -> bool:
    return any(b.get("type") in NEW_BLOCKS for b in blocks)


def _unfurls(services: Services, links: list[str], today: date, native: bool) -> dict[str, dict[str, Any]]:
    """url → {"blocks": …} for each link with figures (a link whose answer fails is left alone, logged)."""
    unfurls: dict[str, dict[str, Any]] = {}
    for url in links:
        try:
            blocks = services.worker.compute(unfurl_for, str(services.worker.db_path), url, today, native)
        except Exception:
            log.exception("working out the unfurl of a link failed")
            continue
        if blocks:
            unfurls[url] = {"blocks": blocks}
    return unfurls
