"""Web API clients: the one for SLACK_BOT_TOKEN, and one per workspace from its OAuth installation.

Every client here talks to SLACK_API_URL and retries, with slack_sdk's own handlers: connection errors and
HTTP 500/503 twice with backoff (0.5 s, then 1 s), rate limits once when Slack asks for a short wait.
Digests (and any job without a request) get a `ClientForTeam`: (enterprise id or None, team id) → that
workspace's client.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.oauth.installation_store import InstallationStore

from bot.settings import Settings, get_settings, require
from bot.slack import oauth
from bot.slack.errors import CappedRateLimitRetryHandler

ClientForTeam = Callable[[str | None, str], WebClient]

SERVER_RETRIES = 2
"""Retries of a connection error or an HTTP 500/503 from Slack, with slack_sdk's backoff between them."""


def slack_client(settings: Any) -> WebClient:
    """The Web API client: base URL from SLACK_API_URL; retries as the module docstring says."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return WebClient(
        token=token,
        base_url=settings.slack_api_base,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=SERVER_RETRIES),
            ServerErrorRetryHandler(max_retry_count=SERVER_RETRIES),
            CappedRateLimitRetryHandler(max_retry_count=1),
        ],
    )


def client_with_token(settings: Settings, token: str) -> WebClient:
    """slack_client(settings) (base URL, retries) with a workspace's own token."""
    client = slack_client(settings)
    client.token = token
    return client


class NotInstalled(LookupError):
    """A subscribed workspace has no installation (never installed, or uninstalled since)."""


def find_bot_token(store: InstallationStore, enterprise_id: str | None, team_id: str) -> str | None:
    bot = store.find_bot(enterprise_id=enterprise_id, team_id=team_id)
    if bot is None and enterprise_id:
        # An org-wide install is stored under the enterprise alone.
        bot = store.find_bot(enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True)
    return bot.bot_token if bot is not None else None


def installed_client_for_team(settings: Settings, make_client: Callable[[str], WebClient]) -> ClientForTeam:
    """A client per workspace with its own bot token, looked up on every call (a cheap SQLite read) so a
    reinstall's new token or an uninstall is seen at once; the client itself is reused while the token holds.
    A workspace with no installation raises NotInstalled."""
    store = oauth.installation_store(settings)
    cache: dict[tuple[str | None, str], tuple[str, WebClient]] = {}
    lock = threading.Lock()

    def client_for(enterprise_id: str | None, team_id: str) -> WebClient:
        token = find_bot_token(store, enterprise_id, team_id)
        if token is None:
            raise NotInstalled(f"fwtrend is not installed in workspace {team_id}")
        with lock:
            cached = cache.get((enterprise_id, team_id))
            if cached is None or cached[0] != token:
                cached = cache[(enterprise_id, team_id)] = (token, make_client(token))
            return cached[1]

    return client_for


def settings_client_for_team(settings: Settings | None = None) -> ClientForTeam:
    """The Web API client for each subscribed team, at SLACK_API_URL.

    One workspace (SLACK_BOT_TOKEN): the same client for every team. Many workspaces (the OAuth
    settings, `bot.slack.oauth`): each team's own bot token from the installation store; a team with no
    installation raises `NotInstalled`, which run_digests records as that digest failing.
    Raises MissingSetting (one line, exit 2) when neither is configured."""
    settings = settings or get_settings()
    if oauth.wants_oauth(settings):
        oauth.require_oauth(settings)
        return installed_client_for_team(settings, lambda token: client_with_token(settings, token))
    require(settings, "slack_bot_token")
    client = slack_client(settings)
    return lambda _enterprise_id, _team_id: client
