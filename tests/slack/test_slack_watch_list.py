"""The watch list through fwtrend's real Bolt app: signed `/fwtrend track | untrack | tracking` commands and
mentions in, ephemeral Block Kit confirmations out (checked by the fake Slack), one list per workspace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from slack_bolt import App, BoltRequest

from bot.store.connection import Store
from bot.store.opening import open_store
from bot.store.watch_list import watched
from tests.digest.test_digest_post import SECRET, bolt_app, slash
from tests.support.block_kit_rules import message_errors
from tests.support.fake_slack import FakeSlack
from tests.support.signing import app_mention_event, event_body, signed_headers


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_store(tmp_path / "watch.db")


@pytest.fixture
def app(fake_slack: FakeSlack, store: Store) -> App:
    return bolt_app(fake_slack, store)


def reply(app: App, fake: FakeSlack, text: str, team_id: str = "T111", user_id: str = "U111") -> tuple[dict, str]:
    """The ephemeral reply to `/fwtrend TEXT` from this workspace and user, and its blocks as text."""
    params = slash(app, fake, text, team_id=team_id, user_id=user_id)
    assert message_errors(params) == []
    assert params["response_type"] == "ephemeral"
    return params, json.dumps(params["blocks"], ensure_ascii=False)


def test_track_in_slack_adds_the_project_to_the_workspaces_list_and_confirms_privately(app, fake_slack, store):
    _, words = reply(app, fake_slack, "track polars")
    assert "Now tracking polars (PyPI polars · GitHub pola-rs/polars): the daily refresh covers it." in words
    (row,) = watched(store, "T111")
    assert (row.project, row.added_by) == ("polars", "U111")
    assert not fake_slack.calls("chat.postMessage")  # nothing posted in the channel


def test_tracking_in_slack_lists_the_projects_with_who_added_them(app, fake_slack):
    reply(app, fake_slack, "track pola-rs/polars, pypi:duckdb")
    _, words = reply(app, fake_slack, "tracking")
    assert "This workspace tracks 2 projects besides the built-in frameworks:" in words
    assert "• polars (PyPI polars · GitHub pola-rs/polars), added by <@U111> on " in words
    assert "The 11 built-in frameworks are always covered" in words


def test_untrack_in_slack_takes_the_project_off_the_list(app, fake_slack, store):
    reply(app, fake_slack, "track polars")
    _, words = reply(app, fake_slack, "untrack polars")
    assert "Stopped tracking polars." in words
    assert watched(store, "T111") == []


def test_two_workspaces_do_not_see_each_others_watch_list(app, fake_slack, store):
    reply(app, fake_slack, "track polars", team_id="T111")
    reply(app, fake_slack, "track duckdb", team_id="T222", user_id="U222")
    _, first = reply(app, fake_slack, "tracking", team_id="T111")
    _, second = reply(app, fake_slack, "tracking", team_id="T222", user_id="U222")
    assert "polars" in first and "duckdb" not in first
    assert "duckdb" in second and "polars" not in second
    _, untracked = reply(app, fake_slack, "untrack polars", team_id="T222", user_id="U222")
    assert "polars was not on this workspace's watch list." in untracked
    assert [w.project for w in watched(store, "T111")] == ["polars"]


@pytest.mark.parametrize("name", ["pytorch", "jax", "hf transformers"])
def test_tracking_a_built_in_framework_in_slack_says_it_is_always_covered(app, fake_slack, store, name):
    _, words = reply(app, fake_slack, f"track {name}")
    assert "is one of the 11 built-in frameworks: the daily refresh always covers it" in words
    assert watched(store, "T111") == []


def test_a_name_found_nowhere_gets_the_not_tracked_answer_and_nothing_is_stored(app, fake_slack, store):
    _, words = reply(app, fake_slack, "track zzqqxx")
    assert "I don't know “zzqqxx”" in words
    _, separate = reply(app, fake_slack, "track onnxruntime")
    assert "I don't track “onnxruntime”" in separate
    assert watched(store, "T111") == []


def test_track_with_no_name_says_how_to_name_one(app, fake_slack):
    _, words = reply(app, fake_slack, "track")
    assert "Name a project to track, e.g. `/fwtrend track polars`" in words


def test_keep_an_eye_on_in_a_mention_tracks_it_and_confirms_to_the_asker_only(app, fake_slack, store):
    body = event_body(app_mention_event("<@UBOT> keep an eye on polars", channel="C311", ts="1.311"), team_id="T333")
    response = app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
    assert response.status == 200
    (sent,) = fake_slack.wait_for("chat.postEphemeral")
    assert message_errors(sent.params) == []
    assert (sent.params["channel"], sent.params["user"]) == ("C311", "U111")
    assert "Now tracking polars" in json.dumps(sent.params["blocks"], ensure_ascii=False)
    assert [w.project for w in watched(store, "T333")] == ["polars"]
