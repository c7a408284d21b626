"""The Bolt app: settings and a Web API client in, listeners from `handlers/` registered. Wiring only."""

from __future__ import annotations

from slack_bolt import App
from slack_sdk import WebClient

from bot.settings import Settings
from bot.slack import oauth
from bot.slack.clients import slack_client
from bot.slack.interactions import Services
from bot.slack.middleware import drop_duplicate_events, inject
from bot.slack.redaction import quiet_bolt_token_warning
from handlers import register_all


def create_app(settings: Settings, services: Services, *, client: WebClient | None = None) -> App:
    quiet_bolt_token_warning()
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    client = client or slack_client(settings)
    # Many workspaces: Bolt authorizes each request from the installation store; its per-request
    # client copies base_url and retries from `client` (which has no token here).
    extra = oauth.app_kwargs(settings, client) if oauth.oauth_mode(settings) else {}
    with oauth.bolt_env_fallback_off():
        # process_before_response: the handlers record their job in the durable queue BEFORE Slack gets the
        # ack (Bolt would otherwise ack events before running their listener); recording takes milliseconds.
        app = App(client=client, signing_secret=secret, name="fwtrend", process_before_response=True, **extra)
    if extra:
        app.enable_token_revocation_listeners()  # app_uninstalled / tokens_revoked delete the installation
    app.use(drop_duplicate_events(services.seen_before))
    app.use(inject("fwtrend", services))
    register_all(app, many_workspaces=bool(extra))
    return app
