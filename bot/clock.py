"""The `clock` process: runs the refresh once a day at a fixed UTC hour, and any other registered jobs.

The refresh is `fwtrend refresh`, which ends by posting the alerts and milestones its new figures met
(`bot.cli.alerts.after_refresh`), so alerts need no job of their own here.

    python -m bot.clock            # forever; the refresh at FWTREND_REFRESH_HOUR (UTC, default 4)

With several machines (docs/deploying.md): FWTREND_SNAPSHOT_PUBLISH makes the refresh publish a snapshot of the
figures afterwards; on the other machines FWTREND_SNAPSHOT_FROM replaces the refresh: the snapshot is applied
to this machine's store whenever a new one is published (checked every SNAPSHOT_EVERY).

Later features add their own periodic jobs to HOOKS (the digest job: every few minutes):

    from bot.clock import HOOKS, Every
    HOOKS.append(Every("digest", timedelta(minutes=5), post_due_digests))

A job that raises is logged and tried again at its next due time; the loop itself never stops.
"""

from __future__ import annotations

import logging
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from bot.ingest.seeded import open_seeded_store
from bot.settings import get_settings
from bot.slack.digest_delivery import clock_job

log = logging.getLogger("fwtrend.clock")

REFRESH_TIMEOUT = 6 * 3600
MAX_SLEEP = 60.0  # wake at least once a minute, so a changed wall clock is noticed soon


class Job(Protocol):
    """What the scheduler needs of a job: when it is due, and how to run it."""

    name: str

    def due(self, now: datetime) -> bool: ...

    def ran(self, now: datetime) -> None: ...

    def next_due(self, now: datetime) -> datetime: ...

    def run(self, now: datetime) -> None: ...


@dataclass
class Daily(Job):
    """Once per UTC day, at or after `hour`; a process started after the hour runs it that day straight away."""

    name: str
    hour: int
    fn: Callable[[], object]
    last_day: date | None = None

    def due(self, now: datetime) -> bool:
        return now.hour >= self.hour and self.last_day != now.date()

    def ran(self, now: datetime) -> None:
        self.last_day = now.date()

    def next_due(self, now: datetime) -> datetime:
        today_at = now.replace(hour=self.hour, minute=0, second=0, microsecond=0)
        return today_at if self.due(now) or now < today_at else today_at + timedelta(days=1)

    def run(self, now: datetime) -> None:
        self.fn()


@dataclass
class Every(Job):
    """Every `interval`, first at start."""

    name: str
    interval: timedelta
    fn: Callable[[datetime], object]
    last: datetime | None = None

    def due(self, now: datetime) -> bool:
        return self.last is None or now - self.last >= self.interval

    def ran(self, now: datetime) -> None:
        self.last = now

    def next_due(self, now: datetime) -> datetime:
        return now if self.last is None else self.last + self.interval

    def run(self, now: datetime) -> None:
        self.fn(now)


DIGEST_EVERY = timedelta(minutes=5)
HOOKS: list[Job] = []
"""Extra jobs that `python -m bot.clock` runs alongside the daily refresh and the digests."""


def refresh_in_subprocess() -> int:
    """A separate process, so a hung or crashing refresh cannot take the clock down with it."""
    proc = subprocess.run([sys.executable, "-m", "bot", "refresh", "--quiet"], timeout=REFRESH_TIMEOUT, check=False)
    if proc.returncode != 0:
        log.warning("daily refresh exited %s (see its stderr for the failed sources)", proc.returncode)
    return proc.returncode


@dataclass
class Scheduler:
    jobs: list[Job]
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    sleep: Callable[[float], None] = time.sleep

    def tick(self) -> list[str]:
        """Run every job that is due now; return their names. Exceptions are logged, never raised."""
        ran = []
        for job in list(self.jobs):
            now = self.now()
            if not job.due(now):
                continue
            try:
                job.run(now)
            except Exception:
                log.exception("job %s failed; it will run again when next due", job.name)
            # marked as run either way: a job that always fails must not spin the loop
            job.ran(now)
            ran.append(job.name)
        return ran

    def seconds_to_next(self) -> float:
        now = self.now()
        soonest = min((job.next_due(now) for job in self.jobs), default=now + timedelta(seconds=MAX_SLEEP))
        return min(MAX_SLEEP, max(1.0, (soonest - now).total_seconds()))

    def run_forever(self, max_ticks: int | None = None) -> None:
        ticks = 0
        while max_ticks is None or ticks < max_ticks:
            try:
                self.tick()
                self.sleep(self.seconds_to_next())
            except KeyboardInterrupt:
                raise
            except Exception:  # even a broken clock or logger must not end the process
                log.exception("scheduler loop error")
                self.sleep(MAX_SLEEP)
            ticks += 1


SNAPSHOT_EVERY = timedelta(minutes=5)


def refresh_and_publish(refresh: Callable[[], object], dest: Path) -> Callable[[], object]:
    """The daily refresh, then a snapshot of the figures published to `dest` (also after a partial refresh:
    the figures that did arrive are worth carrying)."""

    def run() -> object:
        from bot.store.snapshot import SnapshotError, publish

        outcome = refresh()
        try:
            published = publish(open_seeded_store(), dest)
        except SnapshotError as exc:
            log.error("%s", exc)
        else:
            log.info("published the figures to %s (%s)", published.path, published.published_at)
        return outcome

    return run


def apply_published_snapshot(src: Path) -> Callable[[datetime], object]:
    """Apply the snapshot at `src` when a new one was published; a missing or unreadable one is logged and
    tried again next time (this machine goes on answering from the figures it has)."""

    def run(_now: datetime) -> object:
        from bot.store.snapshot import SnapshotError, apply

        try:
            applied = apply(open_seeded_store(), src)
        except SnapshotError as exc:
            log.warning("%s; trying again in %s", exc, SNAPSHOT_EVERY)
            return None
        if not applied.skipped:
            changed = sum(applied.changed.values())
            log.info("applied the snapshot published %s: %d rows changed", applied.published_at, changed)
        return applied

    return run


def post_due_digests(now: datetime) -> object:
    """Post every digest that is due; the store's lock keeps a second scheduler from posting too."""
    return clock_job(open_seeded_store(), now)


def default_jobs(refresh: Callable[[], object] = refresh_in_subprocess) -> list[Job]:
    settings = get_settings()
    source, dest = settings.fwtrend_snapshot_from, settings.fwtrend_snapshot_publish
    if source is not None:  # another machine refreshes: its snapshot is this store's figures
        figures: Job = Every("snapshot", SNAPSHOT_EVERY, apply_published_snapshot(source))
    else:
        daily = refresh if dest is None else refresh_and_publish(refresh, dest)
        figures = Daily("refresh", settings.fwtrend_refresh_hour, daily)
    return [figures, Every("digest", DIGEST_EVERY, post_due_digests), *HOOKS]


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    log.info("clock started")
    Scheduler(default_jobs()).run_forever()


if __name__ == "__main__":
    main()
