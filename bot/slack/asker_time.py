"""The asker's date: "this year", "last 6 months", "this month" read in the asking user's time zone.

Relative periods are read against a date, and in Slack that date is the asker's: at 2027-01-01 03:00 UTC
it is still 2026-12-31 in Los Angeles, so "this year" there means 2026. Slack gives each user's IANA zone
(`tz`) and offset in seconds (`tz_offset`) in `users.info` (scope `users:read`).

- `AskerZones.zone()` looks a user's zone up once and keeps it (bounded, with a TTL), so a question costs
  no Web API call after the first; when `users.info` fails (missing scope, ratelimited, user_not_found,
  no network) the answer is read in UTC rather than failing, and the failure is kept for a few minutes
  so a workspace without the scope is not asked again for every question.
- `read_in_zone()` reads a text at the asker's local date and, when that gives another reading than the
  UTC date would, adds a note saying which date was used.

The terminal (`fwtrend ask`) reads dates at the machine's local date instead; it has no asker.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError

from bot.understanding.grammar import Query

log = logging.getLogger("fwtrend.asker_time")

ZONE_TTL_S = 6 * 3600  # people rarely change zone; travellers get their new one within hours
FAILED_TTL_S = 5 * 60  # a failed lookup is retried after this, not on every question
MAX_USERS = 4096


@dataclass(frozen=True)
class AskerZone:
    """A user's time zone: `name` is the IANA name ("America/Los_Angeles") or "UTC" when unknown;
    `known` is False when Slack could not tell us and UTC is a fallback."""

    name: str
    zone: tzinfo
    known: bool = True

    def today(self, now: datetime | None = None) -> date:
        """The asker's local date at `now` (an aware datetime; default: the current time)."""
        return (now or datetime.now(UTC)).astimezone(self.zone).date()


UNKNOWN = AskerZone("UTC", UTC, known=False)


def zone_of(user: dict) -> AskerZone:
    """The zone in a `users.info` user object: its IANA `tz`, else its `tz_offset` (seconds east of UTC).

    Raises KeyError / TypeError / ValueError when neither is usable (bots and deleted users may have none).
    """
    name = user.get("tz")
    if isinstance(name, str) and name:
        try:
            return AskerZone(name, ZoneInfo(name))
        except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError; "../x" is a ValueError
            pass
    offset = timedelta(seconds=int(user["tz_offset"]))
    return AskerZone(f"UTC{_hhmm(offset)}", timezone(offset))


def _hhmm(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class AskerZones:
    """Users' time zones from `users.info`, cached per user id: bounded LRU, entries expire.

    Keyed by the user id alone: Slack user ids are unique across workspaces (and one person in an
    Enterprise Grid org keeps one id), so a button click, which carries no team, hits the same entry.
    Thread-safe: the answer worker's threads share one instance (`Services.asker_zones`)."""

    def __init__(self, *, ttl_s: float = ZONE_TTL_S, failed_ttl_s: float = FAILED_TTL_S, limit: int = MAX_USERS):
        self.ttl_s = ttl_s
        self.failed_ttl_s = failed_ttl_s
        self.limit = limit
        self._cache: OrderedDict[str, tuple[float, AskerZone]] = OrderedDict()
        self._lock = threading.Lock()

    def zone(self, client: WebClient, user: str) -> AskerZone:
        """The user's zone, from the cache or `users.info`; UTC (`known=False`) when Slack can't tell."""
        if not user:
            return UNKNOWN
        key = user
        now = time.monotonic()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] > now:
                self._cache.move_to_end(key)
                return hit[1]
        zone, ttl = self._look_up(client, user), self.ttl_s
        if not zone.known:
            ttl = self.failed_ttl_s
        with self._lock:
            self._cache[key] = (now + ttl, zone)
            self._cache.move_to_end(key)
            while len(self._cache) > self.limit:
                self._cache.popitem(last=False)
        return zone

    @staticmethod
    def _look_up(client: WebClient, user: str) -> AskerZone:
        try:
            return zone_of(client.users_info(user=user)["user"])
        except (SlackApiError, SlackRequestError, OSError, KeyError, TypeError, ValueError) as exc:
            # Never fail an answer over this: read its dates in UTC. The error code, never the token.
            code = exc.response.get("error") if isinstance(exc, SlackApiError) else type(exc).__name__
            log.warning("no time zone for user %s (%s): reading their dates in UTC", user, code)
            return UNKNOWN


# Words that make a reading depend on today's date; quoted back in the note.
_RELATIVE = re.compile(
    r"\b(?:(?:this|last|past|previous)\s+(?:\d+\s+|few\s+|couple\s+(?:of\s+)?)?"
    r"(?:years?|months?|weeks?|days?|quarters?|decades?)|ytd|year[\s-]+to[\s-]+date|today|yesterday"
    r"|\d+\s+(?:years?|months?|weeks?|days?)\s+ago)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AskerReading:
    """A text read for an asker: the `query`, the asker's local `today` it was read at, and a `note`
    saying which date was used, or None when that made no difference."""

    query: Query
    today: date
    note: str | None = None


def read_in_zone(
    read: Callable[[date], Query], text: str, zone: AskerZone, *, now: datetime | None = None
) -> AskerReading:
    """`read(today)` at the asker's local date; with a note when the UTC date would have read it otherwise.

    `read` turns a date into a Query (e.g. `lambda d: understand(text, today=d)`); `text` is what was
    typed (to quote the date words). No note when the zone is unknown (we can't tell whether the
    asker's date differs) or when the date makes no difference ("since 2020").

    The note belongs to this asker's message only, so it is not put in the Query: queries are shared by
    the answer caches and carried in buttons, where "read as 2026" would outlive the period it describes.
    """
    now = now or datetime.now(UTC)
    local, utc = zone.today(now), now.astimezone(UTC).date()
    query = read(local)
    if local == utc or not zone.known or read(utc).cache_key() == query.cache_key():
        return AskerReading(query, local)
    return AskerReading(query, local, date_note(text, query, zone, local))


def date_note(text: str, query: Query, zone: AskerZone, local: date) -> str:
    """'“this year” read as 2026 so far in your time zone (America/Los_Angeles, 2026-12-31).'"""
    where = f"in your time zone ({zone.name}, {local.isoformat()})"
    found = _RELATIVE.search(text)
    if found is None:
        return f"Dates read {where}."
    phrase = found.group(0)
    label = query.period_label
    if not label or label.lower() == phrase.lower():
        if query.since is not None:
            label = f"{query.since.isoformat()} to {(query.until or local).isoformat()}"
        elif query.at is not None:
            label = query.at.isoformat()
        else:
            return f"“{phrase}” read {where}."
    return f"“{phrase}” read as {label} {where}."


def user_tz_name(client: WebClient, user: str, zones: AskerZones | None = None) -> str | None:
    """The user's IANA zone name ("Europe/Berlin") through `zones` (the shared cache, so a user asked about
    for a question is not asked again), or None when Slack gives none that ZoneInfo knows: a subscription's
    schedule needs a named zone, and an offset alone (`tz_offset`) won't follow daylight saving."""
    zone = (zones or AskerZones()).zone(client, user)
    return zone.name if zone.known and isinstance(zone.zone, ZoneInfo) else None
