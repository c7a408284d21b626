"""A live look-up finding two unlinked packages of one name, through the real Bolt app: the "Looking up …"
message becomes the question, one button per reading, and each click redraws that message as its reading's
answer (looked up then, without counting against the hourly limit)."""

from __future__ import annotations

import time

from tests.live.test_live_readings import two_packages
from tests.live.test_live_slack import bot, live_app, registries  # noqa: F401 (fixtures)
from tests.slack.test_slack_app import Bot, texts
from tests.support.signing import app_mention_event


def _buttons(blocks: list[dict]) -> dict[str, dict]:
    return {e["text"]["text"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def _update_with(slack: Bot, word: str, count: int = 1, timeout: float = 30) -> dict:
    """The first chat.update (from the `count`-th on) whose blocks name `word`."""
    deadline = time.monotonic() + timeout
    while True:
        calls = slack.fake.wait_for("chat.update", count=count, timeout=max(0.1, deadline - time.monotonic()))
        for call in calls[count - 1 :]:
            if word in texts(call.params.get("blocks") or []):
                return call.params
        count = len(calls) + 1


def test_looking_up_becomes_which_react_and_each_button_answers_its_reading_in_place(bot, registries):  # noqa: F811
    two_packages(registries, "react", "facebook/react", None, "Reactive programming for Python")
    bot.command("react", team_id="T-READ-1", channel_id="C-READ-1")
    posted = bot.fake.wait_for("chat.postMessage", timeout=5)[0].params
    assert posted["text"] == "Looking up react on PyPI, npm and GitHub…"
    question = _update_with(bot, "Which “react”?")
    ts = question["ts"]
    assert "Which “react”? the npm package react (facebook/react, “react package”) or the PyPI package react" in texts(
        question["blocks"]
    )
    buttons = _buttons(question["blocks"])
    assert set(buttons) == {"npm:react", "pypi:react"}
    assert all(b["action_id"].startswith("fwtrend.reading.") for b in buttons.values())
    assert len(bot.fake.calls("chat.postMessage")) == 1  # the question is the looking-up message, updated

    for label, metric in [("npm:react", "npm downloads"), ("pypi:react", "PyPI downloads")]:
        bot.settle(0.2)
        bot.fake.reset()
        button = buttons[label]
        bot.click(button["action_id"], button["value"], channel_id="C-READ-1", message_ts=ts, team_id="T-READ-1")
        answer = _update_with(bot, metric)
        assert answer["ts"] == ts and answer["channel"] == "C-READ-1"  # the same message, redrawn
        shown = texts(answer["blocks"])
        assert "Which “react”?" not in shown and "react" in shown
        assert bot.fake.calls("chat.postMessage") == []
        first = bot.fake.calls("chat.update")[0].params
        assert (
            first["ts"] == ts
            and first["text"] == f"Looking up {label} on {label.split(':')[0].replace('pypi', 'PyPI')} and GitHub…"
        )
    # Each reading is stored now; the question took one look-up from the limit (3 an hour per workspace)
    # and the clicks none, so two more questions are still looked up.
    for name in ("zz-after-a", "zz-after-b"):
        bot.settle(0.2)
        bot.fake.reset()
        bot.command(name, team_id="T-READ-1", channel_id="C-READ-1")
        shown = texts(_update_with(bot, name)["blocks"])
        assert f"I found no PyPI or npm package or GitHub repository named “{name}”" in shown


def test_in_a_mention_a_name_with_two_readings_is_asked_in_its_thread(bot, registries):  # noqa: F811
    two_packages(registries, "jest", "jestjs/jest", "someone/jest-py", "A JSON test tool")
    event = app_mention_event("how is jest doing?", channel="C-READ-2", ts="5.100")
    bot.event(event)
    posted = bot.fake.wait_for("chat.postMessage", timeout=5)[0].params
    assert posted["thread_ts"] == "5.100"
    question = _update_with(bot, "Which “jest”?")
    assert set(_buttons(question["blocks"])) == {"npm:jest", "pypi:jest"}
    assert "jestjs/jest" in texts(question["blocks"]) and "someone/jest-py" in texts(question["blocks"])


def test_a_metric_only_one_reading_has_answers_that_reading_in_slack_with_no_question(bot, registries):  # noqa: F811
    two_packages(registries, "colors", "Marak/colors.js", "verigak/colors", "Print colored text")
    bot.command("colors npm downloads", team_id="T-READ-3", channel_id="C-READ-3")
    answer = _update_with(bot, "npm downloads")
    shown = texts(answer["blocks"])
    assert "Which “colors”?" not in shown and _buttons(answer["blocks"]).keys().isdisjoint({"pypi:colors"})
    assert "I read “colors” as the npm package `colors`, the one with npm downloads" in shown
    assert "ask `pypi:colors` for its figures" in shown


def test_a_reading_whose_registry_fails_at_the_click_is_said_plainly_in_the_same_message(bot, registries):  # noqa: F811
    two_packages(registries, "vitestlike", "vite-org/vitestlike", None, "A Python thing")
    bot.command("vitestlike", team_id="T-READ-4", channel_id="C-READ-4")
    question = _update_with(bot, "Which “vitestlike”?")
    bot.settle(0.2)
    bot.fake.reset()
    registries.fault("npm-registry", status=503)
    button = _buttons(question["blocks"])["npm:vitestlike"]
    bot.click(
        button["action_id"], button["value"], channel_id="C-READ-4", message_ts=question["ts"], team_id="T-READ-4"
    )
    answer = _update_with(bot, "couldn't reach")
    assert answer["ts"] == question["ts"]
    assert "I couldn't reach npm (GET /npm-registry/vitestlike: HTTP 503 after 2 tries)" in texts(answer["blocks"])
    assert "try again later" in texts(answer["blocks"])


def test_where_the_bot_cannot_post_the_question_and_the_picked_answer_replace_the_private_reply(bot, registries):  # noqa: F811
    two_packages(registries, "hooksy", "hooks-org/hooksy", None, "Hooks for Python")
    bot.fake.set_channel("G-READ", is_private=True, is_member=False)
    bot.command("hooksy", channel_id="G-READ", team_id="T-READ-5")
    replies = bot.fake.wait_for("response_url", count=2, timeout=20)
    assert replies[0].params["text"] == "Looking up hooksy on PyPI, npm and GitHub…"
    question = replies[1].params
    assert question.get("replace_original") in (True, "true") and "Which “hooksy”?" in texts(question["blocks"])
    button = _buttons(question["blocks"])["pypi:hooksy"]
    bot.settle(0.2)
    bot.fake.reset()
    bot.click(button["action_id"], button["value"], channel_id="G-READ", is_ephemeral=True, team_id="T-READ-5")
    answer = bot.fake.wait_for("response_url", timeout=20)[-1].params
    assert answer.get("replace_original") in (True, "true")
    shown = texts(answer["blocks"])
    assert "hooksy" in shown and "PyPI downloads" in shown and "Which “hooksy”?" not in shown
    assert "couldn't" not in shown


def test_a_picked_reading_whose_look_up_crashes_says_so_in_the_same_message(bot, registries, monkeypatch):  # noqa: F811
    from bot.slack import lookup_flow

    two_packages(registries, "crashy", "crash-org/crashy", None, "Crashes")
    bot.command("crashy", team_id="T-READ-6", channel_id="C-READ-6")
    question = _update_with(bot, "Which “crashy”?")
    bot.settle(0.2)
    bot.fake.reset()

    def broken(*args, **kwargs):
        raise RuntimeError("the store went away")

    from bot.ingest.live import lookup  # lookup_flow imports look_up from it when a click needs it

    monkeypatch.setattr(lookup, "look_up", broken)
    button = _buttons(question["blocks"])["npm:crashy"]
    bot.click(
        button["action_id"], button["value"], channel_id="C-READ-6", message_ts=question["ts"], team_id="T-READ-6"
    )
    answer = _update_with(bot, "the look-up went wrong")
    assert answer["ts"] == question["ts"] and answer["text"] == lookup_flow.LOOKUP_FAILED
