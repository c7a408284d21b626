"""Three `fwtrend serve --http` processes on one shared database (the SQLite store file, then PostgreSQL), many
workspaces (OAuth, two installations): 300 signed requests spread over the three, with Events API retries
sent to another process and one message delivered as two events. Each request is answered exactly once,
with its own workspace's token."""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.slack.oauth import BOT_SCOPES
from tests.support.fake_slack import FakeSlack
from tests.support.serve_process import Serve
from tests.support.signing import app_mention_event, event_body, new_ts, post, slash_command_body

SECRET = "scale-signing-secret"
TEAMS = {"TA300": "xoxb-scale-team-a-token", "TB300": "xoxb-scale-team-b-token"}
REQUESTS = 300


def install(fake: FakeSlack, web: Serve, team_id: str, token: str) -> None:
    """The real install flow through one process: install page, Slack's redirect back with a code."""
    import httpx

    code = f"code-{team_id}"
    fake.add_oauth_code(code, team_id=team_id, bot_token=token, scope=",".join(BOT_SCOPES))
    with httpx.Client(trust_env=False, timeout=10) as http:
        page = http.get(web.url + "/slack/install")
        cookie = page.headers["set-cookie"].split(";", 1)[0]
        state = cookie.split("=", 1)[1]
        done = http.get(
            web.url + "/slack/oauth_redirect", params={"code": code, "state": state}, headers={"Cookie": cookie}
        )
    assert done.status_code == 200, done.text


def request_bodies(fake: FakeSlack) -> list[tuple[str, str, int | None, str]]:
    """(team, body, retry number, channel) for REQUESTS requests, alternating workspaces; every tenth event is
    also retried, and every tenth other one is delivered again as a second event of the same message."""
    out: list[tuple[str, str, int | None, str]] = []
    teams = list(TEAMS)
    for i in range(REQUESTS):
        team = teams[i % 2]
        channel = f"C{team}N{i:03d}"
        if i % 2 == 0:
            body = slash_command_body(
                "pytorch vs tensorflow",
                channel_id=channel,
                team_id=team,
                user_id=f"U{team}{i % 5}",
                response_url=fake.hook_url(f"commands/{team}/{i}/x"),
            )
            out.append((team, body, None, channel))
            continue
        event = app_mention_event(
            "jax vs flax stars", channel=channel, user=f"U{team}{i % 5}", ts=new_ts(), bot_user_id=f"UBOT{team}"
        )
        body = event_body(event, event_id=f"EvScale{i}", team_id=team, bot_user_id=f"UBOT{team}")
        out.append((team, body, None, channel))
        if i % 10 == 1:
            out.append((team, body, 1, channel))  # Slack's retry, to another process
        if i % 10 == 3:
            twin = event_body(event, event_id=f"EvScaleTwin{i}", team_id=team, bot_user_id=f"UBOT{team}")
            out.append((team, twin, None, channel))
    return out


@pytest.fixture(params=["sqlite", "postgresql"])
def shared_settings(request: pytest.FixtureRequest) -> dict[str, str]:
    if request.param == "sqlite":
        return {}
    return {"FWTREND_DATABASE_URL": request.getfixturevalue("postgres_url")}


@pytest.mark.timeout(900)
def test_three_web_processes_answer_300_requests_from_two_workspaces_each_once_with_its_token(
    tmp_path: Path, fake_slack: FakeSlack, shared_settings: dict[str, str]
) -> None:
    settings = {
        "SLACK_CLIENT_ID": fake_slack.client_id,
        "SLACK_CLIENT_SECRET": fake_slack.client_secret,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake_slack.base_url,
        "SLACK_REDIRECT_URI": "https://fwtrend.example/slack/oauth_redirect",
        "FWTREND_RENDER_PROCESSES": "0",
        "FWTREND_JOB_LEASE_S": "30",
        **shared_settings,
    }
    webs = [Serve(tmp_path, f"web{i}", **settings) for i in range(3)]
    try:
        for web in webs:
            web.wait_ready(timeout=240)
        for n, (team, token) in enumerate(TEAMS.items()):
            install(fake_slack, webs[n], team, token)  # installed through one process, seen by all
        fake_slack.reset()
        bodies = request_bodies(fake_slack)

        def send(k: int) -> int:
            _team, body, retry, _channel = bodies[k]
            return post(webs[k % 3].events_url, body, SECRET, retry_num=retry, timeout=30).status_code

        with ThreadPoolExecutor(12) as pool:
            assert set(pool.map(send, range(len(bodies)))) == {200}
        owed = {channel: TEAMS[team] for team, _b, _r, channel in bodies}
        assert len(owed) == REQUESTS
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            posted = {c.params.get("channel") for c in fake_slack.calls("chat.postMessage")}
            if posted >= set(owed):
                break
            time.sleep(0.5)
        time.sleep(4)  # room for any (wrong) second answer
        posts = fake_slack.calls("chat.postMessage")
        per_channel = Counter(c.params.get("channel") for c in posts)
        assert {ch: per_channel[ch] for ch in owed} == dict.fromkeys(owed, 1)
        assert len(posts) == REQUESTS
        tokens = {c.params["channel"]: c.headers.get("authorization") for c in posts}
        assert {ch: tokens[ch] for ch in owed} == {ch: f"Bearer {token}" for ch, token in owed.items()}
        logs = [web.log() for web in webs]
        assert all("Traceback" not in log for log in logs), logs
    finally:
        for web in webs:
            web.stop()
