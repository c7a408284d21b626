"""End to end through the real Bolt app: messages a person shares into the DM, and the asker's date on the
App Home tab, in subscriptions and for users Slack knows only by their UTC offset.

Signed requests in, the fake Slack Web API out (see test_slack_app.py for the app under test).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from bot.slack.messages import FILE_WITHOUT_QUESTION
from tests.slack import test_slack_app
from tests.slack.test_slack_app import Bot, texts
from tests.slack.test_slack_messages_and_dates import CASES, FILE, _period, _question, _quiet, slack_calls
from tests.support.signing import app_home_opened_event, app_mention_event, im_message_event

# The running app (Flask + Bolt + worker, against the fake Slack) and its client, shared with test_slack_app.
running = test_slack_app.running
bot = test_slack_app.bot

TS = "1700000400.000100"
LOS_ANGELES_NEW_YEAR = CASES["los_angeles"][1]  # 2027-01-01 03:00 UTC: still 2026-12-31 in Los Angeles
TOKYO_NEW_YEAR = CASES["tokyo"][1]  # 2026-12-31 20:00 UTC: already 2027-01-01 in Tokyo


def shared(text: str, **fields: Any) -> dict[str, Any]:
    """A message shared or forwarded into a conversation, as Slack puts it in the new message's `attachments`."""
    return {
        "is_share": True,
        "is_msg_unfurl": True,
        "text": text,
        "fallback": f"[November 30th, 2026 9:12 AM] jdoe: {text}",
        "author_id": "U222",
        "author_name": "jdoe",
        "channel_id": "C222",
        "channel_name": "ml",
        "from_url": "https://example.slack.com/archives/C222/p1700000000000050",
        "ts": "1700000000.000050",
        "mrkdwn_in": ["text"],
        "footer": "Posted in #ml",
    } | fields


def dm_with(text: str, *attachments: dict[str, Any], user: str = "USHARER", **fields: Any) -> dict[str, Any]:
    return im_message_event(text, channel="D444", user=user) | {"attachments": list(attachments)} | fields


def _header(params: dict[str, Any]) -> str:
    first = params["blocks"][0]
    assert first["type"] == "header"
    return first["text"]["text"]


# -- A message a person shares or forwards into the DM is a question -----------------------------------------

SHARED_QUESTIONS = {
    "forwarded_with_no_words": (dm_with("", shared("pytorch vs tensorflow")), "PyTorch vs TensorFlow"),
    "forwarded_with_only_spaces": (dm_with("  ", shared("jax vs flax")), "JAX vs Flax"),
    "shared_in_a_thread": (dm_with("", shared("keras vs pytorch"), thread_ts=TS), "Keras vs PyTorch"),
    "shared_with_a_file": (
        dm_with("", shared("pytorch vs jax"), subtype="file_share", files=[FILE]),
        "PyTorch vs JAX",
    ),
    "shared_with_slack_escapes": (dm_with("", shared("pytorch &amp; tensorflow")), "PyTorch vs TensorFlow"),
}


@pytest.mark.parametrize("kind", list(SHARED_QUESTIONS))
def test_a_message_shared_into_the_dm_without_words_is_answered_as_its_shared_text(bot: Bot, kind: str) -> None:
    event, header = SHARED_QUESTIONS[kind]
    assert bot.event(event).status_code == 200
    bot.answered()
    bot.settle()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "D444" and posted.params.get("thread_ts") == event.get("thread_ts")
    assert _header(posted.params) == header


def test_a_mention_that_shares_a_message_is_answered_as_the_shared_text_in_its_thread(bot: Bot) -> None:
    event = app_mention_event("", channel="C222", ts="1700000400.000555") | {"attachments": [shared("jax vs pytorch")]}
    assert bot.event(event).status_code == 200
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "C222" and posted.params["thread_ts"] == event["ts"]
    assert _header(posted.params) == "JAX vs PyTorch"


def test_the_askers_own_words_win_over_the_message_they_shared(bot: Bot) -> None:
    assert bot.event(dm_with("jax vs flax", shared("pytorch vs tensorflow"))).status_code == 200
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert _header(posted.params) == "JAX vs Flax"


@pytest.mark.parametrize(
    "event",
    [
        dm_with("", shared("", files=[FILE], fallback="[November 30th, 2026 9:12 AM] jdoe: benchmark.png")),
        dm_with("", shared("   ")),
        app_mention_event("", channel="C222", ts="1700000400.000666") | {"attachments": [shared("")]},
    ],
    ids=["a_forwarded_image", "a_blank_share", "a_mention_sharing_a_blank_message"],
)
def test_a_share_with_no_readable_text_gets_the_short_reply_to_type_the_question(
    bot: Bot, event: dict[str, Any]
) -> None:
    assert bot.event(event).status_code == 200
    (posted,) = bot.fake.wait_for("chat.postMessage")
    bot.settle()
    assert posted.params["text"] == FILE_WITHOUT_QUESTION
    assert slack_calls(bot) == ["chat.postMessage"]


def test_a_link_preview_with_no_words_is_not_read_as_a_question(bot: Bot) -> None:
    preview = {"original_url": "https://pytorch.org", "title": "PyTorch", "text": "pytorch vs tensorflow"}
    assert bot.event(dm_with("", preview)).status_code == 200
    bot.settle()
    assert slack_calls(bot) == []


# -- The App Home is dated on the user's own date -------------------------------------------------------------


def _home(bot: Bot, user: str, moment: datetime) -> str:
    with time_machine.travel(moment, tick=True):
        bot.event(app_home_opened_event(user=user))
        (published,) = bot.fake.wait_for("views.publish", timeout=15)
    assert published.params["user_id"] == user
    return texts(published.params["view"]["blocks"])


@pytest.mark.parametrize(
    ("zone", "moment", "local"),
    [
        ("America/Los_Angeles", LOS_ANGELES_NEW_YEAR, "2026-12-31"),
        ("Asia/Tokyo", TOKYO_NEW_YEAR, "2027-01-01"),
        ("Europe/Berlin", datetime(2026, 6, 15, 12, 0, tzinfo=UTC), "2026-06-15"),
    ],
)
def test_app_home_says_it_was_updated_on_the_users_own_date(bot: Bot, zone: str, moment: datetime, local: str) -> None:
    user = "UHOME" + zone.split("/")[1].upper().replace("_", "")
    bot.fake.set_user(user, tz=zone)
    assert f"Updated {local} when you opened this tab." in _home(bot, user, moment)
    assert [c.params["user"] for c in bot.fake.calls("users.info")] == [user]


def test_app_home_for_a_user_slack_wont_give_a_zone_is_dated_in_utc(bot: Bot) -> None:
    bot.fake.fail("users.info", "missing_scope")
    assert "Updated 2027-01-01 when you opened this tab." in _home(bot, "UHOMENOZONE", LOS_ANGELES_NEW_YEAR)


def test_app_home_and_questions_share_one_time_zone_lookup(bot: Bot) -> None:
    bot.fake.set_user("UHOMEASKS", tz="America/Los_Angeles")
    _home(bot, "UHOMEASKS", LOS_ANGELES_NEW_YEAR)
    with time_machine.travel(LOS_ANGELES_NEW_YEAR, tick=True):
        params = _question(bot, "dm", "pytorch vs tensorflow stars this year", "UHOMEASKS")
        _home(bot, "UHOMEASKS", LOS_ANGELES_NEW_YEAR)
    assert _period(params)[0] == date(2026, 1, 1)
    assert len(bot.fake.calls("users.info")) == 1


# -- Users Slack knows only by their UTC offset -------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "moment", "year", "name", "local"),
    [
        (-8 * 3600, LOS_ANGELES_NEW_YEAR, 2026, "UTC-08:00", "2026-12-31"),
        (5 * 3600 + 1800, TOKYO_NEW_YEAR, 2027, "UTC+05:30", "2027-01-01"),
    ],
)
def test_a_user_with_only_a_utc_offset_has_this_year_read_at_that_offset(
    bot: Bot, offset: int, moment: datetime, year: int, name: str, local: str
) -> None:
    user = f"UOFFSET{abs(offset)}"
    bot.fake.set_user(user, tz="", tz_offset=offset)
    with time_machine.travel(moment, tick=True):
        params = _question(bot, "dm", "pytorch vs tensorflow stars this year", user)
    assert _period(params) == (date(year, 1, 1), f"{year} so far")
    note = f"“this year” read as {year} so far in your time zone ({name}, {local})."
    assert note in json.dumps(params["blocks"], ensure_ascii=False)


def test_app_home_for_a_user_with_only_a_utc_offset_is_dated_at_that_offset(bot: Bot) -> None:
    bot.fake.set_user("UHOMEOFFSET", tz="", tz_offset=-8 * 3600)
    assert "Updated 2026-12-31 when you opened this tab." in _home(bot, "UHOMEOFFSET", LOS_ANGELES_NEW_YEAR)


# -- The digests' subscribe confirmation reads the zone from the same cache --------------------------------


def _subscribe(bot: Bot, user: str, channel: str) -> str:
    """`/fwtrend subscribe` in `channel` as `user`: the confirmation (its text and blocks) as JSON."""
    bot.command("subscribe", channel_id=channel, user_id=user)
    (reply,) = bot.fake.wait_for("response_url", timeout=15)
    return json.dumps(reply.params, ensure_ascii=False)


def test_subscribing_after_a_question_uses_the_cached_time_zone(bot: Bot) -> None:
    bot.fake.set_user("USUBASKS", tz="America/Los_Angeles")
    _question(bot, "command", "pytorch vs tensorflow", "USUBASKS")
    bot.fake.reset()
    bot.fake.set_user("USUBASKS", tz="America/Los_Angeles")
    confirmation = _subscribe(bot, "USUBASKS", "CSUBCACHED")
    assert "(America/Los_Angeles)" in confirmation
    assert bot.fake.calls("users.info") == []  # read from the cache the question filled


def test_a_question_after_subscribing_needs_no_second_time_zone_lookup(bot: Bot) -> None:
    bot.fake.set_user("USUBFIRST", tz="Asia/Tokyo")
    assert "(Asia/Tokyo)" in _subscribe(bot, "USUBFIRST", "CSUBFIRST")
    _quiet(bot)
    _question(bot, "dm", "keras vs jax this year", "USUBFIRST")
    assert len(bot.fake.calls("users.info")) == 1


def test_subscribing_as_a_user_with_only_a_utc_offset_says_the_times_are_utc(bot: Bot) -> None:
    # A schedule must follow daylight saving, which an offset alone cannot: UTC, and the reply says so.
    bot.fake.set_user("USUBOFFSET", tz="", tz_offset=3600)
    confirmation = _subscribe(bot, "USUBOFFSET", "CSUBOFFSET")
    assert "(UTC)" in confirmation and "couldn't read your time zone" in confirmation
