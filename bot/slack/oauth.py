"""Many workspaces: Slack's OAuth install flow, the stores it writes, and a bot token per workspace.

OAuth mode is on when SLACK_CLIENT_ID and SLACK_CLIENT_SECRET are set and SLACK_BOT_TOKEN is not
(a bot token means one workspace, as before). Installations and OAuth states live in SQLite next to
the metrics store (`slack-installations.db`), or, with FWTREND_DATABASE_URL, in that shared database
(slack_sdk's SQLAlchemy stores), so a restart forgets neither and every web process sees every install.
Every Web API client here (the code exchange, the
per-request clients Bolt copies from `app.client`, the digest job's clients in `bot.slack.clients`)
uses SLACK_API_URL.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from slack_bolt.authorization.authorize import InstallationStoreAuthorize
from slack_bolt.oauth import OAuthFlow
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient
from slack_sdk.oauth.installation_store import InstallationStore
from slack_sdk.oauth.installation_store.sqlite3 import SQLite3InstallationStore
from slack_sdk.oauth.state_store import OAuthStateStore
from slack_sdk.oauth.state_store.sqlite3 import SQLite3OAuthStateStore

from bot.settings import Settings, require

DATABASE_URL_ENV = "FWTREND_DATABASE_URL"  # as bot.store.shared reads it (not imported: see _shared_engine)

# The one list of bot scopes: manifest.yml must ask for the same ones (tests/slack/test_slack_oauth.py checks).
BOT_SCOPES: tuple[str, ...] = (
    "commands",
    "chat:write",
    "files:write",
    "channels:join",
    "app_mentions:read",
    "im:history",
    "users:read",
    "links:read",
    "links:write",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
INSTALLATIONS_FILE = "slack-installations.db"
STATE_EXPIRATION_S = 600
NOT_INSTALLED_MESSAGE = (
    ":warning: fwtrend is not installed in this workspace (or was uninstalled). "
    "Ask an admin to install it again from the app's install page."
)

log = logging.getLogger("fwtrend.oauth")


def _is_set(value: str | SecretStr | None) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return bool(value)


def wants_oauth(settings: Settings) -> bool:
    """No bot token but some OAuth credential: the operator means many workspaces."""
    return not _is_set(settings.slack_bot_token) and (
        _is_set(settings.slack_client_id) or _is_set(settings.slack_client_secret)
    )


def oauth_mode(settings: Settings) -> bool:
    return (
        not _is_set(settings.slack_bot_token)
        and _is_set(settings.slack_client_id)
        and _is_set(settings.slack_client_secret)
    )


def require_oauth(settings: Settings, *extra: str) -> None:
    """One line naming whatever OAuth mode still lacks (MissingSetting), never a value."""
    require(settings, "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", *extra)


def scopes(settings: Settings) -> list[str]:
    """SLACK_SCOPES (comma-separated, as Bolt reads it) or the manifest's bot scopes."""
    given = [s.strip() for s in (settings.slack_scopes or "").split(",") if s.strip()]
    return given or list(BOT_SCOPES)


def installations_path(settings: Settings) -> Path:
    return settings.db_path.expanduser().parent / INSTALLATIONS_FILE


def _private_file(path: Path) -> str:
    """The database holds bot tokens: create it readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    return str(path)


def preload_shared_stores() -> None:
    """With FWTREND_DATABASE_URL set, import slack_sdk's SQLAlchemy stores now, before any other thread starts:
    imported later on one thread while another (the warm-up) imports SQLAlchemy too, a thread can be handed
    the other's half-initialised module ("partially initialized module 'sqlalchemy.orm.exc'")."""
    if os.environ.get(DATABASE_URL_ENV):
        import slack_sdk.oauth.installation_store.sqlalchemy
        import slack_sdk.oauth.state_store.sqlalchemy  # noqa: F401


def _shared_engine() -> Any | None:
    """The shared database's engine, its slack_sdk tables created (once, under a lock against racing
    processes); None when the installations stay in their SQLite file."""
    url = os.environ.get(DATABASE_URL_ENV) or None
    if url is None:
        return None
    # Here, not at the top: gunicorn's master imports this module, and SQLAlchemy and the store are start-up
    # cost it never needs.
    from sqlalchemy import text

    from bot.store.shared import shared_state

    state = shared_state(url)
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

    with state.write() as conn:
        if not state.is_sqlite:
            conn.execute(text("SELECT pg_advisory_xact_lock(73572)"))
        SQLAlchemyInstallationStore(client_id="-", engine=state.engine).metadata.create_all(conn)
        SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_S, engine=state.engine).metadata.create_all(conn)
    return state.engine


def installation_store(settings: Settings) -> InstallationStore:
    assert settings.slack_client_id is not None
    engine = _shared_engine()
    if engine is not None:
        from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore

        return SQLAlchemyInstallationStore(client_id=settings.slack_client_id, engine=engine)
    store = SQLite3InstallationStore(
        database=_private_file(installations_path(settings)), client_id=settings.slack_client_id
    )
    store.init()  # tables now, not racing on the first two concurrent requests
    return store


def state_store(settings: Settings) -> OAuthStateStore:
    engine = _shared_engine()
    if engine is not None:
        from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore

        return SQLAlchemyOAuthStateStore(expiration_seconds=STATE_EXPIRATION_S, engine=engine)
    store = SQLite3OAuthStateStore(
        database=_private_file(installations_path(settings)), expiration_seconds=STATE_EXPIRATION_S
    )
    store.init()
    return store


def oauth_flow(settings: Settings, client: WebClient, store: InstallationStore) -> OAuthFlow:
    """The install flow. OAuthSettings has no base URL, so the code exchange gets our client explicitly."""
    assert settings.slack_client_id is not None and settings.slack_client_secret is not None
    oauth_settings = OAuthSettings(
        client_id=settings.slack_client_id,
        client_secret=settings.slack_client_secret.get_secret_value(),
        scopes=scopes(settings),
        user_scopes=[],  # bot-only app; an empty list also stops Bolt reading SLACK_USER_SCOPES behind our back
        redirect_uri=settings.slack_redirect_uri or None,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=store,
        state_store=state_store(settings),
        state_expiration_seconds=STATE_EXPIRATION_S,
    )
    return OAuthFlow(client=client, settings=oauth_settings)


def app_kwargs(settings: Settings, client: WebClient) -> dict[str, Any]:
    """What `App(...)` needs for many workspaces, all sharing `client`'s base URL and retries."""
    store = installation_store(settings)
    flow = oauth_flow(settings, client, store)
    authorize = InstallationStoreAuthorize(
        logger=log,
        installation_store=store,
        client_id=flow.settings.client_id,
        client_secret=flow.settings.client_secret,
        client=client,  # token rotation calls oauth.v2.access; it must go to SLACK_API_URL too
        # Without the cache every request spends an auth.test round trip before ack(). The cache is
        # keyed by token and consulted only after the store lookup, so an uninstall still takes effect.
        cache_enabled=True,
    )
    return {
        "installation_store": store,
        "oauth_flow": flow,
        "authorize": authorize,
        "user_facing_authorize_error_message": NOT_INSTALLED_MESSAGE,
    }


@contextmanager
def bolt_env_fallback_off() -> Iterator[None]:
    """Bolt's App builds its own OAuth settings (file stores under ~) whenever SLACK_CLIENT_ID and
    SLACK_CLIENT_SECRET are in the environment, and then drops the bot token. fwtrend decides the mode
    itself, so those two are hidden from os.environ while App() is built (at start-up, on one thread)."""
    saved = {name: os.environ.pop(name) for name in ("SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET") if name in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)
