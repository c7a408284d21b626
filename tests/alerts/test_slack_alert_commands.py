"""The alert commands through fwtrend's real Bolt app: signed `/fwtrend alert …`, `alerts`, `alert remove N`
and mentions in; Block Kit replies out (checked by the fake Slack). Alerts belong to the channel where they
were set; bad input is answered with the reason (and the current figure where that is the reason)."""

from __future__ import annotations

import pytest
from slack_bolt import BoltRequest

from bot.store.alerts import channel_alerts
from tests.alerts.world import World
from tests.digest.test_digest_post import SECRET
from tests.support.block_kit_rules import message_errors
from tests.support.signing import app_mention_event, event_body, signed_headers


def ask(world: World, text: str, channel: str = "C111") -> tuple[str, str]:
    """(response_type, text) of the reply to `/fwtrend TEXT` in `channel`."""
    reply = world.slash(text, channel=channel)
    assert message_errors(reply) == []
    return reply["response_type"], reply["text"]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("alert zzqqxx 5k stars", "I don't know “zzqqxx”"),
        ("alert onnxruntime 5k stars", "I don't track “onnxruntime”"),
        ("alert pytroch 200k stars", "Did you mean PyTorch"),
        ("alert jax 50k bananas", "I don't know the figure “bananas”. Alerts watch stars, forks"),
        ("alert jax", "Say what to wait for"),
        ("alert when jax passes 40k", "Which figure should I watch?"),
        ("alert when pytorch passes stars", "Name two projects"),
        ("alert flax 2m npm downloads", "I have no npm downloads per day figures for Flax"),
    ],
)
def test_an_alert_that_cannot_be_read_is_answered_privately_with_the_reason_and_nothing_is_stored(world, text, said):
    visibility, reply = ask(world, text)
    assert visibility == "ephemeral"
    assert said in reply
    assert channel_alerts(world.store, ("", "T111", "C111")) == []


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("alert jax 30k stars", "JAX is already past 30,000 stars: 33,831 stars on 2025-10-30. No alert set."),
        ("alert tensorflow 150k stars", "TensorFlow is already past 150,000 stars: 197,212 stars on 2026-08-22."),
        (
            "alert when tensorflow passes pytorch in stars",
            "TensorFlow is already ahead of PyTorch on GitHub stars: 197,212 stars against 102,527 stars on "
            "2026-08-22.",
        ),
    ],
)
def test_an_alert_already_met_says_so_with_the_current_figure(world, text, said):
    visibility, reply = ask(world, text)
    assert visibility == "ephemeral" and said in reply
    assert channel_alerts(world.store, ("", "T111", "C111")) == []


def test_a_relative_alert_met_when_set_is_kept_and_waits_for_the_next_time(world):
    visibility, reply = ask(world, "alert polars downloads +5% month")
    assert visibility == "in_channel"
    assert (
        "It is met already (+10%: 1.54M downloads/day on 2026-03-31, from 1.40M downloads/day on 2026-02-28)" in reply
    )
    _, out = world.alerts("--dry-run")
    assert out.startswith("No alert or milestone")


def test_the_same_alert_twice_in_a_channel_is_refused_naming_the_first(world):
    ask(world, "alert jax 50k stars")
    visibility, reply = ask(world, "alert jax 50,000 stars")
    assert (visibility, reply) == (
        "ephemeral",
        "This channel already has that alert: #1, JAX reaches 50,000 GitHub stars.",
    )
    assert ask(world, "alert jax 50k stars", channel="C222")[0] == "in_channel"  # another channel's own


def test_alerts_are_listed_per_channel_numbered_and_removed_by_number(world):
    ask(world, "alert jax 50k stars")
    ask(world, "alert when pytorch passes tensorflow in stars")
    ask(world, "alert keras 80k stars", channel="C222")
    visibility, listing = ask(world, "alerts")
    assert visibility == "ephemeral"
    assert "This channel has 2 alerts" in listing
    assert "1. JAX reaches 50,000 GitHub stars" in listing and "2. PyTorch passes TensorFlow on GitHub stars" in listing
    assert "Keras" not in listing
    visibility, removed = ask(world, "alert remove 1")
    assert (visibility, removed) == ("in_channel", "Removed alert 1: JAX reaches 50,000 GitHub stars.")
    assert "1. PyTorch passes TensorFlow" in ask(world, "alerts")[1]


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("alert remove 3", "There is no alert 3 here: this channel has 1 (1 to 1)."),
        ("alert remove 0", "There is no alert 0 here"),
        ("alert remove", "Say which alert to remove by its number"),
    ],
)
def test_removing_an_alert_number_out_of_range_says_which_numbers_there_are(world, text, said):
    ask(world, "alert jax 50k stars")
    visibility, reply = ask(world, text)
    assert visibility == "ephemeral" and said in reply
    assert len(channel_alerts(world.store, ("", "T111", "C111"))) == 1


def test_no_alerts_yet_says_how_to_set_one(world):
    assert "No alerts in this channel yet. Set one, e.g. `/fwtrend alert jax 50k stars`" in ask(world, "alerts")[1]


def test_tell_me_when_in_a_mention_sets_the_alert_for_that_channel_and_answers_in_the_thread(world):
    body = event_body(app_mention_event("<@UBOT> tell me when jax passes 50k stars", channel="C333", ts="1.333"))
    response = world.app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
    assert response.status == 200
    (sent,) = world.fake.wait_for("chat.postMessage")
    assert message_errors(sent.params) == []
    assert (sent.params["channel"], sent.params["thread_ts"]) == ("C333", "1.333")
    assert "Alert #1 set: JAX reaches 50,000 GitHub stars." in sent.params["text"]
    (alert,) = channel_alerts(world.store, ("", "T111", "C333"))
    assert (alert.kind, alert.framework, alert.threshold, alert.created_by) == ("threshold", "jax", 50_000, "U111")


def test_a_refused_alert_in_a_mention_answers_the_asker_only(world):
    body = event_body(app_mention_event("<@UBOT> let me know when zzqqxx hits 5k stars", channel="C333", ts="1.334"))
    world.app.dispatch(BoltRequest(body=body, headers=signed_headers(SECRET, body)))
    (sent,) = world.fake.wait_for("chat.postEphemeral")
    assert (sent.params["channel"], sent.params["user"]) == ("C333", "U111")
    assert "I don't know “zzqqxx”" in sent.params["text"]
