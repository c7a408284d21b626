"""End to end through the real Bolt app: which message subtypes get an answer, and dates in the asker's zone.

Signed requests in, the fake Slack Web API out (see test_slack_app.py for the app under test).
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine

from bot.slack.messages import FILE_WITHOUT_QUESTION
from bot.understanding.query import decode_query
from tests.slack import test_slack_app
from tests.slack.test_slack_app import Bot
from tests.support.signing import app_mention_event, im_message_event

# The running app (Flask + Bolt + worker, against the fake Slack) and its client, shared with test_slack_app.
running = test_slack_app.running
bot = test_slack_app.bot

DM = "D333"
TS = "1700000100.000100"
THREAD = "1700000000.000050"
FILE = {"id": "F0FILE1", "name": "benchmark.png", "mimetype": "image/png", "filetype": "png", "user": "U111"}


def dm(text: str, **fields: Any) -> dict[str, Any]:
    """A new message in the DM (its own ts: Slack gives every message one, and fwtrend takes each once)."""
    return im_message_event(text, channel=DM) | fields


def slack_calls(bot: Bot) -> list[str]:
    """Every Web API call the app made (Bolt's own auth.test, which it makes once and caches, aside)."""
    return [c.method for c in bot.fake.calls() if c.method != "auth.test"]


# -- Task: subtypes that carry a person's words are answered, once, in the right place ---------------------

ANSWERED_DMS = {
    "plain": (dm("pytorch vs tensorflow"), None),
    "file_share": (dm("jax vs flax", subtype="file_share", files=[FILE], upload=False), None),
    "file_share_in_a_thread": (dm("jax vs flax", subtype="file_share", files=[FILE], thread_ts=THREAD), THREAD),
    "me_message": (dm("wonders about pytorch vs jax", subtype="me_message"), None),
    "thread_broadcast": (
        dm(
            "keras vs pytorch",
            subtype="thread_broadcast",
            thread_ts=THREAD,
            root={"type": "message", "user": "U111", "text": "earlier question", "ts": THREAD, "thread_ts": THREAD},
        ),
        THREAD,
    ),
}


@pytest.mark.parametrize("kind", list(ANSWERED_DMS))
def test_a_dm_a_person_wrote_is_answered_once_in_the_dm_whatever_its_subtype(bot: Bot, kind: str) -> None:
    event, thread = ANSWERED_DMS[kind]
    assert bot.event(event).status_code == 200
    bot.answered()
    bot.settle()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == DM and posted.params.get("thread_ts") == thread
    assert posted.params["blocks"][0]["type"] == "header" and " vs " in posted.params["blocks"][0]["text"]["text"]
    assert len(bot.fake.uploaded_files()) == 1


ANSWERED_MENTIONS = {
    "with_a_file": app_mention_event("jax vs flax", channel="C222") | {"files": [FILE]},
    "thread_broadcast": app_mention_event("pytorch vs jax", channel="C222")
    | {"subtype": "thread_broadcast", "thread_ts": THREAD},
}


@pytest.mark.parametrize("kind", list(ANSWERED_MENTIONS))
def test_a_mention_a_person_wrote_is_answered_once_in_its_thread(bot: Bot, kind: str) -> None:
    event = ANSWERED_MENTIONS[kind]
    assert bot.event(event).status_code == 200
    bot.answered()
    bot.settle()
    (posted,) = bot.fake.calls("chat.postMessage")
    assert posted.params["channel"] == "C222" and posted.params["thread_ts"] == event.get("thread_ts", event["ts"])


def _hidden(subtype: str, **fields: Any) -> dict[str, Any]:
    event = {"type": "message", "subtype": subtype, "hidden": True, "channel": DM, "channel_type": "im"}
    return event | {"ts": TS, "event_ts": TS} | fields


_ORIGINAL = {"type": "message", "user": "U111", "text": "pytorch vs jax", "ts": THREAD}

# Real shapes (docs.slack.dev/reference/events/message/<subtype>), each carrying a question-like text so
# that only the subtype can be why it is not answered.
IGNORED = {
    "bot_message": dm("pytorch vs jax", subtype="bot_message", bot_id="B999", username="otherbot") | {"user": None},
    "message_changed": _hidden(
        "message_changed",
        message=_ORIGINAL | {"text": "pytorch vs keras", "edited": {"user": "U111", "ts": TS}},
        previous_message=_ORIGINAL,
    ),
    "message_deleted": _hidden("message_deleted", deleted_ts=THREAD, previous_message=_ORIGINAL),
    "message_replied": _hidden("message_replied", message=_ORIGINAL | {"thread_ts": THREAD, "reply_count": 1}),
    "channel_join": dm("<@U111> has joined the channel", subtype="channel_join", inviter="U222"),
    "channel_leave": dm("<@U111> has left the channel", subtype="channel_leave"),
    "group_join": dm("<@U111> has joined the group", subtype="group_join"),
    "channel_topic": dm(
        "<@U111> set the channel topic: pytorch vs jax", subtype="channel_topic", topic="pytorch vs jax"
    ),
    "channel_purpose": dm("<@U111> set the channel purpose: jax", subtype="channel_purpose", purpose="jax"),
    "channel_name": dm(
        '<@U111> renamed the channel from "ml" to "jax"', subtype="channel_name", old_name="ml", name="jax"
    ),
    "channel_archive": dm("<@U111> archived the channel", subtype="channel_archive"),
    "pinned_item": dm("<@U111> pinned a message: pytorch vs jax", subtype="pinned_item"),
    "tombstone": _hidden("tombstone", user="USLACKBOT", text="This message was deleted."),
    "ekm_access_denied": dm(
        "Your admins have suspended everyone's access to this content.", subtype="ekm_access_denied"
    ),
    "assistant_app_thread": dm(
        "Chats from 2026-11-30", subtype="assistant_app_thread", thread_ts=TS, assistant_app_thread={"title": "jax"}
    ),
    "huddle_thread": dm("", subtype="huddle_thread", room={"id": "R1", "name": "pytorch vs jax"}),
    "a_subtype_slack_adds_later": dm("pytorch vs jax", subtype="something_new"),
    "another_apps_plain_message": dm("pytorch vs jax", bot_id="B999"),
    "our_own_chart_echoed_as_a_file_share": dm("", subtype="file_share", user="UBOT", files=[FILE], thread_ts=TS),
    "a_channel_message_not_addressed_to_us": dm("pytorch vs jax", channel="C222", channel_type="channel"),
    "a_mention_by_another_bot": app_mention_event("pytorch vs jax", channel="C222") | {"bot_id": "B999"},
}


@pytest.mark.parametrize("kind", list(IGNORED))
def test_messages_no_person_wrote_to_us_are_acked_and_make_no_slack_call(bot: Bot, kind: str) -> None:
    resp = bot.event(IGNORED[kind])
    assert resp.status_code == 200
    bot.settle()
    assert slack_calls(bot) == []


@pytest.mark.parametrize(
    "event, thread",
    [
        (dm("", subtype="file_share", files=[FILE]), None),
        (dm(" ", subtype="file_share", files=[FILE], thread_ts=THREAD), THREAD),
        (app_mention_event("", channel="C222", ts="1700000100.000777") | {"files": [FILE]}, "1700000100.000777"),
    ],
    ids=["dm", "dm_thread", "mention"],
)
def test_a_file_shared_without_words_gets_one_short_reply_saying_to_type_the_question(
    bot: Bot, event: dict[str, Any], thread: str | None
) -> None:
    assert bot.event(event).status_code == 200
    (posted,) = bot.fake.wait_for("chat.postMessage")
    bot.settle()
    assert posted.params["text"] == FILE_WITHOUT_QUESTION and posted.params.get("thread_ts") == thread
    assert slack_calls(bot) == ["chat.postMessage"]  # no chart, no time zone lookup


# -- Task: relative dates are read in the asker's time zone ------------------------------------------------


def _question(bot: Bot, how: str, text: str, user: str) -> dict[str, Any]:
    """Ask `text` as `user` by DM, mention or /fwtrend; the posted answer's params.

    Each user has their own DM and thread, so no earlier question is followed up on."""
    if how == "dm":
        bot.event(im_message_event(text, channel=f"D{user[1:]}", user=user))
    elif how == "mention":
        bot.event(app_mention_event(text, channel="C222", user=user, ts=f"1700000300.{abs(hash(user)) % 10**6:06d}"))
    else:
        bot.command(text, channel_id="C111", user_id=user)
    answer = bot.fake.wait_for("chat.postMessage", timeout=15)[0].params
    _quiet(bot)
    return answer


def _quiet(bot: Bot, seconds: float = 0.6, timeout: float = 15) -> None:
    """Wait until the app has made no Slack call for `seconds` (its chart upload and embed are done)."""
    deadline = time.monotonic() + timeout
    count = -1
    while count != len(bot.fake.calls()):
        assert time.monotonic() < deadline, "the app kept calling Slack"
        count = len(bot.fake.calls())
        time.sleep(seconds)


def _period(params: dict[str, Any]) -> tuple[date | None, str | None]:
    """The (since, period label) the answer was computed for, read from its first button."""
    for block in params["blocks"]:
        if block["type"] == "actions":
            query = decode_query(block["elements"][0]["value"])
            assert query is not None
            return query.since, query.period_label
    raise AssertionError("the answer has no buttons")


CASES = {
    # at 03:00 UTC on New Year's Day it is still the 31st in Los Angeles
    "los_angeles": ("America/Los_Angeles", datetime(2027, 1, 1, 3, 0, tzinfo=UTC), 2026, "2026-12-31"),
    # at 20:00 UTC on the 31st it is already New Year's Day in Tokyo
    "tokyo": ("Asia/Tokyo", datetime(2026, 12, 31, 20, 0, tzinfo=UTC), 2027, "2027-01-01"),
}


@pytest.mark.parametrize("how", ["dm", "mention", "command"])
@pytest.mark.parametrize("case", list(CASES))
def test_this_year_is_read_in_the_askers_time_zone_and_the_answer_says_so(bot: Bot, case: str, how: str) -> None:
    zone, moment, year, local = CASES[case]
    user = f"U{case.upper().replace('_', '')}{how.upper()}"
    bot.fake.set_user(user, tz=zone)
    with time_machine.travel(moment, tick=True):
        params = _question(bot, how, "pytorch vs tensorflow stars this year", user)
    assert _period(params) == (date(year, 1, 1), f"{year} so far")
    note = f"“this year” read as {year} so far in your time zone ({zone}, {local})."
    assert note in json.dumps(params["blocks"], ensure_ascii=False)
    assert [c.params["user"] for c in bot.fake.calls("users.info")] == [user]


def test_a_date_that_reads_the_same_in_utc_gets_no_time_zone_note(bot: Bot) -> None:
    bot.fake.set_user("USAMEYEAR", tz="America/Los_Angeles")
    with time_machine.travel(CASES["los_angeles"][1], tick=True):
        params = _question(bot, "dm", "pytorch vs tensorflow stars since 2020", "USAMEYEAR")
    assert _period(params)[0] == date(2020, 1, 1)
    assert "your time zone" not in json.dumps(params["blocks"])


def test_an_asker_on_the_same_date_as_utc_gets_no_time_zone_note(bot: Bot) -> None:
    bot.fake.set_user("USAMEDAY", tz="Europe/Berlin")
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=UTC), tick=True):
        params = _question(bot, "dm", "pytorch vs jax this year", "USAMEDAY")
    assert _period(params) == (date(2026, 1, 1), "2026 so far")
    assert "your time zone" not in json.dumps(params["blocks"])


def test_the_askers_time_zone_is_looked_up_once_for_several_questions(bot: Bot) -> None:
    bot.fake.set_user("UREPEAT", tz="Asia/Tokyo")
    for i, text in enumerate(["pytorch vs jax", "keras vs jax this year", "top stars last 6 months"], start=1):
        bot.event(im_message_event(text, channel="DREPEAT", user="UREPEAT", ts=f"1700000200.00000{i}"))
        bot.fake.wait_for("chat.postMessage", count=i, timeout=15)
        _quiet(bot)
    assert len(bot.fake.calls("users.info")) == 1


@pytest.mark.parametrize("error", ["missing_scope", "ratelimited", "user_not_found", "invalid_auth"])
def test_when_slack_wont_tell_the_time_zone_dates_are_read_in_utc_and_the_answer_still_comes(
    bot: Bot, error: str
) -> None:
    user = f"UNOZONE{error.upper().replace('_', '')}"
    bot.fake.fail("users.info", error, headers={"Retry-After": "30"} if error == "ratelimited" else None)
    with time_machine.travel(CASES["los_angeles"][1], tick=True):  # UTC says 2027
        params = _question(bot, "dm", "pytorch vs tensorflow stars this year", user)
    assert _period(params) == (date(2027, 1, 1), "2027 so far")
    assert "your time zone" not in json.dumps(params["blocks"])


def _button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id)


def test_period_buttons_count_back_from_the_askers_date_also_after_a_click(bot: Bot) -> None:
    bot.fake.set_user("UBUTTONS", tz="America/Los_Angeles")
    with time_machine.travel(CASES["los_angeles"][1], tick=True):  # 2026-12-31 in Los Angeles, 2027 in UTC
        posted = _question(bot, "command", "pytorch vs tensorflow", "UBUTTONS")
        year = decode_query(_button(posted["blocks"], "fwtrend.period.1y")["value"])
        assert year is not None and year.since == date(2025, 12, 31)
        metric = _button(posted["blocks"], "fwtrend.metric.pypi_downloads")
        bot.fake.reset()
        bot.click(metric["action_id"], metric["value"], channel_id="C111", message_ts=TS, user_id="UBUTTONS")
        update = bot.fake.wait_for("chat.update", timeout=15)[0].params
        _quiet(bot)
    year = decode_query(_button(update["blocks"], "fwtrend.period.1y")["value"])
    assert year is not None and year.since == date(2025, 12, 31)
