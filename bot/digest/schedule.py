"""When a subscription's digest is due. Pure functions over aware datetimes; no store, no Slack.

A slot is a local wall-clock time in the subscriber's zone ("Monday 09:00 America/New_York"),
turned into an instant per date, so 09:00 stays 09:00 across daylight-saving changes. The period
key comes from the local date, so a slot can never be posted twice even when the same local time
occurs twice (the autumn fall-back hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

Cadence = Literal["weekly", "daily"]

LATE_WINDOW = timedelta(hours=24)
"""A digest missed while nothing was running is still posted this late; after that it is skipped."""
LOOKBACK = timedelta(days=8)
"""How far back slots are examined on each run: covers the previous weekly slot and a week of daily ones."""

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Schedule:
    cadence: Cadence
    weekday: int
    """0 = Monday … 6 = Sunday; ignored for daily digests."""
    at: time
    tz: str

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    @property
    def period(self) -> timedelta:
        return timedelta(days=7 if self.cadence == "weekly" else 1)

    def describe(self) -> str:
        """'every Monday at 09:00 (America/New_York)'"""
        when = "every day" if self.cadence == "daily" else f"every {WEEKDAYS[self.weekday]}"
        return f"{when} at {self.at:%H:%M} ({self.tz})"


@dataclass(frozen=True)
class Slot:
    at: datetime
    """The instant the digest is due (aware, UTC)."""
    local_date: date
    key: str
    """The period key: ISO week ("2026-W48") for weekly digests, the local date for daily ones."""


def slot_on(schedule: Schedule, local_date: date) -> Slot:
    """The slot on a local date. A time skipped by a spring-forward change lands just after it
    (02:30 → 03:30), which is what zoneinfo does with fold=0."""
    local = datetime.combine(local_date, schedule.at, tzinfo=schedule.zone)
    return Slot(local.astimezone(UTC), local_date, period_key(schedule, local_date))


def period_key(schedule: Schedule, local_date: date) -> str:
    if schedule.cadence == "daily":
        return local_date.isoformat()
    year, week, _ = local_date.isocalendar()
    return f"{year}-W{week:02d}"


def _dates(schedule: Schedule, first: date, last: date) -> list[date]:
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if schedule.cadence == "weekly":
        days = [d for d in days if d.weekday() == schedule.weekday]
    return days


def slots_between(schedule: Schedule, start: datetime, end: datetime) -> list[Slot]:
    """Slots with start < slot.at <= end, oldest first."""
    zone = schedule.zone
    # One day of margin each side: a slot's local date can differ from its UTC date.
    first = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date() + timedelta(days=1)
    slots = (slot_on(schedule, d) for d in _dates(schedule, first, last))
    return [s for s in slots if start < s.at <= end]


def next_slot(schedule: Schedule, after: datetime) -> Slot:
    """The first slot strictly after `after`."""
    found = slots_between(schedule, after, after + timedelta(days=8))
    return found[0]


@dataclass(frozen=True)
class Decision:
    slot: Slot
    action: Literal["post", "skip"]
    late_by: timedelta


def decide(schedule: Schedule, now: datetime, *, active_from: datetime) -> list[Decision]:
    """Every slot in the look-back window that has come round: post it if it is at most
    LATE_WINDOW old, else skip it. Slots before `active_from` (the subscription did not exist or
    was paused) are not owed. The caller drops slots it already recorded."""
    start = max(now - LOOKBACK, active_from)
    out = []
    for slot in slots_between(schedule, start, now):
        late = now - slot.at
        out.append(Decision(slot, "post" if late <= LATE_WINDOW else "skip", late))
    return out
