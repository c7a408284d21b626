"""The clock process runs the refresh once a day at its UTC hour, runs hooked jobs, and survives their failures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from bot.clock import Daily, Every, Scheduler


class FakeTime:
    def __init__(self, start: datetime):
        self.t = start
        self.sleeps: list[float] = []

    def now(self) -> datetime:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += timedelta(seconds=seconds)


def test_refresh_runs_once_a_day_at_its_utc_hour():
    clock = FakeTime(datetime(2026, 9, 20, 1, 0, tzinfo=UTC))
    runs: list[datetime] = []
    sched = Scheduler([Daily("refresh", 4, lambda: runs.append(clock.now()))], now=clock.now, sleep=clock.sleep)
    sched.run_forever(max_ticks=3 * 24 * 60 + 10)  # three days of ticks, at most a minute apart
    assert [r.date().isoformat() for r in runs] == ["2026-09-20", "2026-09-21", "2026-09-22"]
    assert all(r.hour == 4 and r.minute == 0 for r in runs)


def test_a_clock_started_after_the_hour_refreshes_that_day_straight_away():
    clock = FakeTime(datetime(2026, 9, 20, 15, 30, tzinfo=UTC))
    runs: list[datetime] = []
    sched = Scheduler([Daily("refresh", 4, lambda: runs.append(clock.now()))], now=clock.now, sleep=clock.sleep)
    assert sched.tick() == ["refresh"]
    assert sched.tick() == []


def test_hooked_jobs_run_every_interval_alongside_the_refresh():
    clock = FakeTime(datetime(2026, 9, 20, 3, 0, tzinfo=UTC))
    digests: list[datetime] = []
    refreshes: list[datetime] = []
    jobs = [
        Daily("refresh", 4, lambda: refreshes.append(clock.now())),
        Every("digest", timedelta(minutes=5), digests.append),
    ]
    sched = Scheduler(jobs, now=clock.now, sleep=clock.sleep)
    while clock.now() < datetime(2026, 9, 20, 5, 0, tzinfo=UTC):
        sched.tick()
        clock.sleep(sched.seconds_to_next())
    assert len(refreshes) == 1
    assert 23 <= len(digests) <= 25  # two hours of five-minute digests
    assert all(b - a >= timedelta(minutes=5) for a, b in pairwise(digests))


def test_a_failing_job_is_logged_and_the_loop_goes_on(caplog):
    clock = FakeTime(datetime(2026, 9, 20, 4, 0, tzinfo=UTC))
    calls = []

    def broken(now):
        calls.append(now)
        raise RuntimeError("slack is down")

    sched = Scheduler([Every("digest", timedelta(minutes=5), broken)], now=clock.now, sleep=clock.sleep)
    sched.run_forever(max_ticks=30)
    assert len(calls) >= 5
    assert "job digest failed" in caplog.text


def test_the_loop_survives_an_error_outside_any_job():
    clock = FakeTime(datetime(2026, 9, 20, 4, 0, tzinfo=UTC))
    broken_once = iter([True])

    def now():
        if next(broken_once, False):
            raise OSError("clock read failed")
        return clock.now()

    runs = []
    sched = Scheduler([Every("digest", timedelta(minutes=5), runs.append)], now=now, sleep=clock.sleep)
    sched.run_forever(max_ticks=3)
    assert runs  # the loop carried on after the error
