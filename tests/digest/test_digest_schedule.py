"""When digests are due: local wall-clock slots, DST, period keys, the 24 h late window."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.digest.schedule import LATE_WINDOW, Schedule, decide, next_slot, period_key, slots_between

NY = "America/New_York"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def test_weekly_slot_keeps_local_time_across_fall_back():
    schedule = Schedule("weekly", 0, time(9, 0), NY)
    before = next_slot(schedule, utc(2026, 10, 20))
    after = next_slot(schedule, before.at)
    assert before.at == utc(2026, 10, 26, 13)  # 09:00 EDT
    assert after.at == utc(2026, 11, 2, 14)  # 09:00 EST: an hour later in UTC, same on the wall
    assert (before.key, after.key) == ("2026-W44", "2026-W45")


def test_spring_forward_gap_lands_just_after_it():
    schedule = Schedule("daily", 0, time(2, 30), NY)
    slot = next_slot(schedule, utc(2026, 3, 8, 0))
    assert slot.local_date.isoformat() == "2026-03-08"
    assert slot.at == utc(2026, 3, 8, 7, 30)  # 03:30 EDT: 02:30 does not exist that night


def test_fall_back_repeated_hour_is_one_slot():
    schedule = Schedule("daily", 0, time(1, 30), NY)
    slots = slots_between(schedule, utc(2026, 10, 31, 12), utc(2026, 11, 1, 12))
    assert [s.key for s in slots] == ["2026-11-01"]
    assert slots[0].at == utc(2026, 11, 1, 5, 30)  # the first 01:30 (EDT)


def test_period_key_is_iso_week_of_local_date():
    schedule = Schedule("weekly", 6, time(23, 30), "Asia/Tokyo")
    # Sunday 23:30 in Tokyo is still Sunday there though already Sunday 14:30 UTC.
    slot = next_slot(schedule, utc(2026, 11, 28))
    assert slot.local_date.weekday() == 6
    assert slot.key == period_key(schedule, slot.local_date) == "2026-W48"


def test_late_window_posts_at_23_hours_and_skips_at_25():
    schedule = Schedule("weekly", 0, time(9, 0), "UTC")
    due = utc(2026, 11, 30, 9)
    active = utc(2026, 11, 25)
    assert [(d.slot.at, d.action) for d in decide(schedule, due + timedelta(hours=23), active_from=active)] == [
        (due, "post")
    ]
    assert [(d.slot.at, d.action) for d in decide(schedule, due + timedelta(hours=25), active_from=active)] == [
        (due, "skip")
    ]
    assert decide(schedule, due - timedelta(seconds=1), active_from=active) == []


def test_slots_before_subscribing_are_not_owed():
    schedule = Schedule("weekly", 0, time(9, 0), "UTC")
    assert decide(schedule, utc(2026, 11, 30, 10), active_from=utc(2026, 11, 30, 9, 30)) == []


@settings(max_examples=60, deadline=None)
@given(
    tz=st.sampled_from([NY, "Europe/Berlin", "Europe/London", "Australia/Sydney", "Asia/Kolkata", "UTC"]),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    weekday=st.integers(0, 6),
    cadence=st.sampled_from(["weekly", "daily"]),
    start=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)),
    step_minutes=st.sampled_from([5, 17, 60]),
)
def test_polling_posts_each_period_once_at_its_local_time(tz, hour, minute, weekday, cadence, start, step_minutes):
    """A scheduler that polls every few minutes sees each period due exactly once, never early."""
    schedule = Schedule(cadence, weekday, time(hour, minute), tz)
    start = start.replace(tzinfo=UTC)
    recorded: dict[str, datetime] = {}
    now = start
    while now < start + timedelta(days=15):
        for decision in decide(schedule, now, active_from=start):
            if decision.slot.key in recorded:
                continue
            assert decision.action == "post" and decision.slot.at <= now < decision.slot.at + LATE_WINDOW
            recorded[decision.slot.key] = now
        now += timedelta(minutes=step_minutes)
    expected = slots_between(schedule, start, now - timedelta(minutes=step_minutes))
    assert sorted(recorded) == sorted(s.key for s in expected)
    for slot in expected:
        local = slot.at.astimezone(schedule.zone)
        # Local time is the wall time asked for, except inside a spring-forward gap (one hour later).
        assert (local.hour, local.minute) in {(hour, minute), ((hour + 1) % 24, minute)}
        assert recorded[slot.key] - slot.at < timedelta(minutes=step_minutes)
