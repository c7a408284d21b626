"""The asker's time zone: looked up once per user (bounded, with a TTL), UTC when Slack can't tell, and
which date "this month" or "last 6 months" was read at, said only when it changed the reading.

(End to end through the Bolt app: tests/slack/test_slack_messages_and_dates.py.)
"""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from slack_sdk import WebClient

from bot.cli import main
from bot.slack.asker_time import UNKNOWN, AskerZone, AskerZones, read_in_zone, zone_of
from bot.understanding.reader import understand
from tests.support.fake_slack import FakeSlack

NEW_YEAR_03_UTC = datetime(2027, 1, 1, 3, 0, tzinfo=UTC)
LOS_ANGELES = AskerZone("America/Los_Angeles", ZoneInfo("America/Los_Angeles"))


def test_a_users_zone_is_looked_up_once_then_again_after_its_ttl(
    fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    fake_slack.set_user("U1", tz="Asia/Kolkata")
    zones = AskerZones(ttl_s=0.3)
    for _ in range(5):
        assert zones.zone(fake_slack_client, "U1").name == "Asia/Kolkata"
    assert len(fake_slack.calls("users.info")) == 1
    time.sleep(0.35)
    fake_slack.set_user("U1", tz="Europe/Lisbon")  # moved: the new zone is picked up once the entry expires
    assert zones.zone(fake_slack_client, "U1").name == "Europe/Lisbon"
    assert len(fake_slack.calls("users.info")) == 2


def test_the_zone_cache_stays_bounded_and_forgets_the_least_recently_asked(
    fake_slack: FakeSlack, fake_slack_client: WebClient
) -> None:
    zones = AskerZones(limit=3)
    for i in range(10):
        zones.zone(fake_slack_client, f"U{i}")
    assert len(zones._cache) == 3
    zones.zone(fake_slack_client, "U9")  # still cached
    assert len(fake_slack.calls("users.info")) == 10
    zones.zone(fake_slack_client, "U0")  # evicted: asked again
    assert len(fake_slack.calls("users.info")) == 11


@pytest.mark.parametrize("error", ["missing_scope", "ratelimited", "user_not_found", "account_inactive"])
def test_a_failed_lookup_reads_dates_in_utc_and_is_retried_only_after_a_short_wait(
    fake_slack: FakeSlack, fake_slack_client: WebClient, error: str
) -> None:
    fake_slack.fail("users.info", error, headers={"Retry-After": "30"})
    zones = AskerZones(failed_ttl_s=0.3)
    assert zones.zone(fake_slack_client, "U1") == UNKNOWN
    assert zones.zone(fake_slack_client, "U1") == UNKNOWN  # not asked again at once
    assert len(fake_slack.calls("users.info")) == 1
    time.sleep(0.35)
    assert zones.zone(fake_slack_client, "U1").name == "America/New_York"  # the fake's default user


def test_no_user_means_utc_without_asking_slack(fake_slack: FakeSlack, fake_slack_client: WebClient) -> None:
    assert AskerZones().zone(fake_slack_client, "") == UNKNOWN
    assert fake_slack.calls("users.info") == []


@pytest.mark.parametrize(
    "user, name, local",
    [
        ({"tz": None, "tz_offset": 19800}, "UTC+05:30", date(2027, 1, 1)),
        ({"tz": "Not/AZone", "tz_offset": -28800}, "UTC-08:00", date(2026, 12, 31)),
        ({"tz": "Pacific/Kiritimati", "tz_offset": 50400}, "Pacific/Kiritimati", date(2027, 1, 1)),
    ],
)
def test_a_zone_slack_names_oddly_falls_back_to_its_utc_offset(user: dict, name: str, local: date) -> None:
    zone = zone_of(user)
    assert zone.name == name and zone.today(NEW_YEAR_03_UTC) == local


def test_a_user_with_no_zone_at_all_is_an_error_the_lookup_turns_into_utc() -> None:
    with pytest.raises(KeyError):
        zone_of({"id": "B1", "is_bot": True})


def _read(text: str, zone: AskerZone, now: datetime = NEW_YEAR_03_UTC):
    return read_in_zone(lambda day: understand(text, today=day), text, zone, now=now)


@pytest.mark.parametrize(
    "text, phrase, since",
    [
        ("pytorch vs tensorflow stars this year", "this year", date(2026, 1, 1)),
        ("jax ytd", "ytd", date(2026, 1, 1)),
        ("jax this month", "this month", date(2026, 12, 1)),
        ("pytorch vs jax last 6 months", "last 6 months", date(2026, 6, 30)),
    ],
)
def test_relative_dates_are_read_at_the_askers_date_and_the_note_quotes_the_words(
    text: str, phrase: str, since: date
) -> None:
    reading = _read(text, LOS_ANGELES)
    assert reading.today == date(2026, 12, 31) and reading.query.since == since
    assert reading.note is not None
    assert reading.note.startswith(f"“{phrase}” read as ")
    assert reading.note.endswith(" in your time zone (America/Los_Angeles, 2026-12-31).")
    assert reading.note not in json.dumps(reading.query.model_dump(mode="json"))  # never carried by buttons


def test_a_period_named_by_its_own_words_is_given_as_dates() -> None:
    note = _read("pytorch vs jax last 6 months", LOS_ANGELES).note
    assert (
        note == "“last 6 months” read as 2026-06-30 to 2026-12-31 in your time zone (America/Los_Angeles, 2026-12-31)."
    )


@pytest.mark.parametrize("text", ["pytorch vs jax since 2020", "pytorch vs jax in 2023", "jax"])
def test_a_question_whose_reading_the_date_does_not_change_gets_no_note(text: str) -> None:
    assert _read(text, LOS_ANGELES).note is None


def test_an_unknown_zone_reads_at_the_utc_date_without_a_note() -> None:
    reading = _read("jax this year", UNKNOWN)
    assert reading.today == date(2027, 1, 1) and reading.query.since == date(2027, 1, 1) and reading.note is None


def test_the_terminal_reads_dates_at_the_machines_local_date(capsys: pytest.CaptureFixture[str]) -> None:
    # 20:00 on the 31st in Los Angeles is already 2027 in UTC; `fwtrend` on that machine says 2026.
    with time_machine.travel(datetime(2026, 12, 31, 20, 0, tzinfo=ZoneInfo("America/Los_Angeles")), tick=False):
        assert main(["parse", "pytorch vs tensorflow this year"]) == 0
    assert json.loads(capsys.readouterr().out)["since"] == "2026-01-01"
