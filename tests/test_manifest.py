"""manifest.yml keeps what the app relies on, and no scope beyond the allowed set.

Self-contained on purpose: CI may not have Slack's JSON schema, so the schema limits that matter
are restated here (``check-manifest`` does the full validation where the schema is available).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

MANIFEST = Path(__file__).resolve().parent.parent / "manifest.yml"

# Every bot scope the app may ask for, each tied to an API call or event it uses. Adding one means
# adding the code that needs it; channels:read/groups:read only if conversations.info gets used.
ALLOWED_BOT_SCOPES = {
    "commands",
    "chat:write",
    "files:write",
    "channels:join",
    "app_mentions:read",
    "im:history",
    "users:read",
    "channels:read",
    "groups:read",
    "links:read",
    "links:write",
}
REQUIRED_BOT_SCOPES = {"commands", "chat:write", "files:write", "app_mentions:read", "im:history"}
# Slack refuses an event subscription whose scope is missing.
EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "link_shared": "links:read",
    "app_home_opened": None,
    "app_uninstalled": None,
    "tokens_revoked": None,
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_display_information(manifest: dict[str, Any]) -> None:
    info = manifest["display_information"]
    assert info["name"] == "fwtrend"
    assert 1 <= len(info["description"]) <= 140
    assert 175 <= len(info["long_description"]) <= 4000
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", info["background_color"])


def test_slash_command(manifest: dict[str, Any]) -> None:
    commands = {c["command"]: c for c in manifest["features"]["slash_commands"]}
    fwtrend = commands["/fwtrend"]
    assert fwtrend["description"] and len(fwtrend["description"]) <= 2000
    assert fwtrend["usage_hint"] and len(fwtrend["usage_hint"]) <= 1000
    assert fwtrend["should_escape"] is False
    assert "url" not in fwtrend  # Socket Mode: a request URL would be ignored and confuse readers


def test_bot_user_and_home(manifest: dict[str, Any]) -> None:
    features = manifest["features"]
    assert features["bot_user"] == {"display_name": "fwtrend", "always_online": True}
    assert features["app_home"] == {
        "home_tab_enabled": True,
        "messages_tab_enabled": True,
        "messages_tab_read_only_enabled": False,
    }


def test_events_and_settings(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == set(EVENT_SCOPES)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["socket_mode_enabled"] is True
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False


def test_scopes_are_minimal_and_sufficient(manifest: dict[str, Any]) -> None:
    bot = manifest["oauth_config"]["scopes"]["bot"]
    assert len(bot) == len(set(bot)), "duplicate scope"
    assert set(bot) <= ALLOWED_BOT_SCOPES, f"unexpected scopes: {set(bot) - ALLOWED_BOT_SCOPES}"
    assert set(bot) >= REQUIRED_BOT_SCOPES, f"missing scopes: {REQUIRED_BOT_SCOPES - set(bot)}"
    for event in manifest["settings"]["event_subscriptions"]["bot_events"]:
        needed = EVENT_SCOPES[event]
        assert needed is None or needed in bot, f"{event} needs {needed}"
    assert "user" not in manifest["oauth_config"]["scopes"]  # the app never acts as a user


def test_unfurl_domains_are_sites_fwtrend_reads_and_within_slacks_limit(manifest: dict[str, Any]) -> None:
    from bot.slack.unfurls import UNFURL_DOMAINS

    domains = manifest["features"]["unfurl_domains"]
    assert 1 <= len(domains) <= 5  # Slack's limit (manifest schema: maxItems 5)
    assert set(domains) <= set(UNFURL_DOMAINS)
    assert {"links:read", "links:write"} <= set(manifest["oauth_config"]["scopes"]["bot"])
