"""Many workspaces (OAuth) end to end: the real Flask + Bolt app over HTTP on 127.0.0.1, installed into
workspaces through the fake Slack's oauth.v2.access, each workspace answered with its own bot token.

Nothing here reaches slack.com: the authorize link is only read, never followed; the code comes from
`FakeSlack.add_oauth_code`, as Slack would hand it to the redirect URL.
"""

from __future__ import annotations

import html
import re
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from slack_sdk import WebClient
from werkzeug.serving import make_server

from bot.settings import Settings
from bot.slack.clients import NotInstalled, settings_client_for_team
from bot.slack.digest_delivery import run_digests
from bot.slack.oauth import BOT_SCOPES, NOT_INSTALLED_MESSAGE, installation_store, installations_path
from bot.slack.server import create_flask_app
from bot.slack.subscriptions import handle_subscription_command
from bot.store.opening import open_store
from tests.digest.test_digest_post import DUE, SUBSCRIBED_AT, add_series
from tests.slack.test_slack_serve import clean_env
from tests.support.fake_slack import Call, FakeSlack
from tests.support.signing import event_body, post, slash_command_body

ROOT = Path(__file__).resolve().parents[2]
SECRET = "oauth-signing-secret"
TOKEN_A = "xoxb-team-a-secret-token"
TOKEN_B = "xoxb-team-b-secret-token"


@dataclass
class Running:
    fake: FakeSlack
    base: str
    settings: Settings

    def command(self, text: str, team_id: str, channel_id: str = "C111") -> httpx.Response:
        body = slash_command_body(
            text, team_id=team_id, channel_id=channel_id, response_url=self.fake.hook_url(f"commands/{team_id}/1/x")
        )
        return post(self.base + "/slack/events", body, SECRET)


def oauth_settings(fake: FakeSlack, db: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "slack_bot_token": None,  # a developer's SLACK_BOT_TOKEN must not switch the app to one workspace
        "slack_client_id": fake.client_id,
        "slack_client_secret": fake.client_secret,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.base_url,
        "slack_redirect_uri": "https://fwtrend.example/slack/oauth_redirect",
        "fwtrend_db": db,
        "fwtrend_render_processes": 0,
    }
    return Settings(_env_file=None, **(values | overrides))


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Running]:
    db = Path(tmp_path_factory.mktemp("oauth")) / "fwtrend.db"
    with FakeSlack() as fake:
        settings = oauth_settings(fake, db)
        server = make_server("127.0.0.1", 0, create_flask_app(settings), threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        deadline = time.monotonic() + 60
        with httpx.Client(trust_env=False) as http:
            while http.get(base + "/healthz").status_code != 200:
                assert time.monotonic() < deadline, "the app never became ready"
                time.sleep(0.05)
        yield Running(fake, base, settings)
        server.shutdown()
        from bot.slack import server as server_module

        server_module.stop_answering(server_module._services)


@pytest.fixture
def app(running: Running) -> Running:
    running.fake.reset()
    return running


def start_install(base: str) -> tuple[str, str, httpx.Response]:
    """GET /slack/install as a browser would: the authorize URL on the page and the state cookie."""
    with httpx.Client(trust_env=False) as http:
        page = http.get(base + "/slack/install")
    assert page.status_code == 200
    href = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page.text)
    assert href, page.text
    url = html.unescape(href.group(1))
    state = parse_qs(urlsplit(url).query)["state"][0]
    cookie = page.headers["set-cookie"].split(";", 1)[0]
    assert cookie.endswith("=" + state)  # the browser that started the install must be the one that finishes it
    return url, cookie, page


def install(app: Running, code: str, team_id: str, token: str) -> httpx.Response:
    """The whole install: page, Slack's redirect back with a code (made by the fake) and the state."""
    app.fake.add_oauth_code(code, team_id=team_id, bot_token=token, scope=",".join(BOT_SCOPES))
    _, cookie, _ = start_install(app.base)
    state = cookie.split("=", 1)[1]
    with httpx.Client(trust_env=False) as http:
        return http.get(
            app.base + "/slack/oauth_redirect", params={"code": code, "state": state}, headers={"Cookie": cookie}
        )


def web_api_calls(fake: FakeSlack) -> list[Call]:
    return [c for c in fake.calls() if c.method not in ("response_url", "upload")]


def answered_with(fake: FakeSlack, token: str) -> None:
    """The answer (message, chart upload, chart embedded) went out, every Web API call with `token`."""
    fake.wait_for("files.completeUploadExternal", timeout=15)
    fake.wait_for("chat.update", timeout=15)
    calls = web_api_calls(fake)
    assert {c.method for c in calls} >= {"chat.postMessage", "files.getUploadURLExternal", "chat.update"}
    assert {c.headers.get("authorization") for c in calls} == {f"Bearer {token}"}


# -- the install flow ------------------------------------------------------------------------------------
def test_install_page_links_to_slacks_authorize_url_with_state_scopes_and_redirect(app: Running) -> None:
    url, _, page = start_install(app.base)
    query = parse_qs(urlsplit(url).query)
    assert query["client_id"] == [app.fake.client_id]
    assert query["scope"] == [",".join(BOT_SCOPES)]
    assert query["redirect_uri"] == ["https://fwtrend.example/slack/oauth_redirect"]
    assert "Secure" in page.headers["set-cookie"] and "HttpOnly" in page.headers["set-cookie"]
    assert web_api_calls(app.fake) == []  # showing the page costs no Slack call


def test_redirect_exchanges_the_code_and_stores_the_installation(app: Running) -> None:
    done = install(app, "code-a", "TA111", TOKEN_A)
    assert done.status_code == 200, done.text
    (exchange,) = app.fake.calls("oauth.v2.access")
    assert exchange.params["code"] == "code-a"
    assert exchange.params["redirect_uri"] == "https://fwtrend.example/slack/oauth_redirect"
    assert exchange.headers["authorization"].startswith("Basic ")  # client credentials, never a bot token
    bot = installation_store(app.settings).find_bot(enterprise_id=None, team_id="TA111")
    assert bot is not None and bot.bot_token == TOKEN_A and bot.bot_user_id == "UBOTTA111"
    assert bot.bot_id == "BTA111"  # from auth.test with the new token, at SLACK_API_URL
    path = installations_path(app.settings)
    assert path.parent == app.settings.db_path.parent
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # it holds tokens


def test_redirect_with_a_state_this_browser_did_not_get_installs_nothing(app: Running) -> None:
    app.fake.add_oauth_code("code-forged", team_id="TFORGED", bot_token="xoxb-forged")
    _, cookie, _ = start_install(app.base)
    with httpx.Client(trust_env=False) as http:
        resp = http.get(
            app.base + "/slack/oauth_redirect",
            params={"code": "code-forged", "state": "not-it"},
            headers={"Cookie": cookie},
        )
    assert resp.status_code == 400
    assert app.fake.calls("oauth.v2.access") == []
    assert installation_store(app.settings).find_bot(enterprise_id=None, team_id="TFORGED") is None


# -- answering each workspace with its own token ----------------------------------------------------------
def test_a_command_from_an_installed_workspace_is_answered_with_its_token(app: Running) -> None:
    install(app, "code-a1", "TA111", TOKEN_A)
    app.fake.reset()
    resp = app.command("pytorch vs tensorflow", team_id="TA111")
    assert resp.status_code == 200 and resp.text == ""
    answered_with(app.fake, TOKEN_A)


def test_a_second_workspace_gets_its_own_token(app: Running) -> None:
    install(app, "code-a2", "TA111", TOKEN_A)
    assert install(app, "code-b", "TB222", TOKEN_B).status_code == 200
    app.fake.reset()
    app.command("jax vs keras", team_id="TB222", channel_id="C222")
    answered_with(app.fake, TOKEN_B)
    app.fake.reset()
    app.command("jax vs keras", team_id="TA111", channel_id="C222")
    answered_with(app.fake, TOKEN_A)


def test_a_workspace_that_never_installed_gets_no_slack_call(app: Running) -> None:
    resp = app.command("pytorch vs tensorflow", team_id="TNEVER")
    assert resp.status_code == 200
    (reply,) = app.fake.wait_for("response_url")
    assert reply.params["text"] == NOT_INSTALLED_MESSAGE
    time.sleep(0.3)
    assert web_api_calls(app.fake) == []


def test_uninstalling_deletes_the_installation(app: Running) -> None:
    install(app, "code-c", "TC333", "xoxb-team-c-secret-token")
    event = {"type": "app_uninstalled", "event_ts": "1700000000.000001"}
    resp = post(app.base + "/slack/events", event_body(event, event_id="EvUninstallC", team_id="TC333"), SECRET)
    assert resp.status_code == 200
    deadline = time.monotonic() + 5
    while installation_store(app.settings).find_bot(enterprise_id=None, team_id="TC333") is not None:
        assert time.monotonic() < deadline, "app_uninstalled did not delete the installation"
        time.sleep(0.05)
    app.fake.reset()
    app.command("pytorch", team_id="TC333")
    app.fake.wait_for("response_url")
    assert web_api_calls(app.fake) == []


# -- digests: each workspace's token from the installation store ------------------------------------------
def test_digest_client_lookup_returns_each_workspaces_token(app: Running) -> None:
    install(app, "code-a3", "TA111", TOKEN_A)
    install(app, "code-b3", "TB222", TOKEN_B)
    client_for = settings_client_for_team(app.settings)
    a, b = client_for(None, "TA111"), client_for(None, "TB222")
    assert (a.token, b.token) == (TOKEN_A, TOKEN_B)
    assert a.base_url == app.fake.base_url  # SLACK_API_URL, not slack.com
    assert client_for(None, "TA111") is a  # one client per workspace while its token holds
    with pytest.raises(NotInstalled, match="TNEVER"):
        client_for(None, "TNEVER")


def test_digest_run_posts_with_each_token_and_records_a_workspace_without_installation(
    app: Running, tmp_path: Path
) -> None:
    install(app, "code-a4", "TA111", TOKEN_A)
    store = open_store(tmp_path / "digests.db")
    add_series(store)
    helper = WebClient(token="xoxb-setup", base_url=app.fake.base_url)
    for team in ("TA111", "TNEVER"):
        handle_subscription_command(
            store, helper, enterprise_id=None, team_id=team, channel_id="C900", user_id="U111",
            intent="subscribe", args="pytorch tensorflow", now=SUBSCRIBED_AT,
        )  # fmt: skip
    app.fake.reset()
    report = run_digests(store, DUE, client_for_team=settings_client_for_team(app.settings), post_interval=0)
    outcomes = {o.channel[1]: o for o in report.outcomes}
    assert outcomes["TA111"].status == "posted"
    assert outcomes["TNEVER"].status == "failed" and outcomes["TNEVER"].error == "NotInstalled"
    (posted,) = app.fake.calls("chat.postMessage")
    assert posted.headers["authorization"] == f"Bearer {TOKEN_A}"


# -- settings ---------------------------------------------------------------------------------------------
def run_serve(tmp_path: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", "serve", "--http"],
        cwd=tmp_path,
        env=clean_env(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"SLACK_CLIENT_ID": "111.222", "SLACK_CLIENT_SECRET": "oauth-client-secret"}, ["SLACK_SIGNING_SECRET"]),
        ({"SLACK_CLIENT_ID": "111.222"}, ["SLACK_CLIENT_SECRET", "SLACK_SIGNING_SECRET"]),
    ],
)
def test_oauth_mode_with_a_missing_setting_stops_with_one_line_naming_it(
    tmp_path: Path, given: dict[str, str], named: list[str]
) -> None:
    result = run_serve(tmp_path, **given)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    for name in named:
        assert name in line
    assert "SLACK_BOT_TOKEN" not in line  # OAuth mode needs no bot token
    assert "oauth-client-secret" not in result.stderr + result.stdout


def test_a_bot_token_keeps_one_workspace_even_with_oauth_credentials_in_the_environment(
    fake_slack: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.slack.app import create_app
    from bot.slack.server import build_services

    # Bolt on its own would switch to OAuth (file stores under ~) and drop the token.
    monkeypatch.setenv("SLACK_CLIENT_ID", fake_slack.client_id)
    monkeypatch.setenv("SLACK_CLIENT_SECRET", fake_slack.client_secret)
    settings = oauth_settings(fake_slack, tmp_path / "fwtrend.db", slack_bot_token="xoxb-single")
    services = build_services(settings)
    try:
        bolt = create_app(settings, services)
    finally:
        services.worker.shutdown()
    assert bolt.oauth_flow is None and bolt.installation_store is None
    assert bolt.client.token == "xoxb-single"
    assert not installations_path(settings).exists()


def test_manifest_asks_for_exactly_the_oauth_bot_scopes() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    assert manifest["oauth_config"]["scopes"]["bot"] == list(BOT_SCOPES)


def test_slack_scopes_setting_overrides_the_default(fake_slack: FakeSlack, tmp_path: Path) -> None:
    from bot.slack.oauth import scopes

    settings = oauth_settings(fake_slack, tmp_path / "fwtrend.db", slack_scopes="commands, chat:write")
    assert scopes(settings) == ["commands", "chat:write"]
    assert scopes(oauth_settings(fake_slack, tmp_path / "fwtrend.db")) == list(BOT_SCOPES)
