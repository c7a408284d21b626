"""Digest subscriptions: the table, the `subscribe` arguments, and what subscribing changes.

The Slack replies to `/fwtrend subscribe | unsubscribe | subscriptions` are `bot.slack.subscriptions`
(the user's time zone comes from Slack there) and `bot.slack.blocks.subscriptions`.

Subscriptions are keyed by (enterprise, team, channel): every read and write here takes all three,
so no workspace can see or change another's.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import delete, select, update

from bot.catalog import catalog
from bot.digest.schedule import WEEKDAYS, Schedule, next_slot
from bot.store.connection import Store
from bot.store.digests import NO_ENTERPRISE, most_asked, subscriptions
from bot.understanding.name_match import names_in, suggest

log = logging.getLogger("fwtrend.digest")

DEFAULT_FRAMEWORKS = ("pytorch", "tensorflow", "jax")
MAX_FRAMEWORKS = 5
DEFAULT_TIME = time(9, 0)
DEFAULT_WEEKDAY = 0


@dataclass
class Subscription:
    enterprise_id: str
    team_id: str
    channel_id: str
    schedule: Schedule
    frameworks: list[str]
    created_by: str
    created_at: datetime
    active_from: datetime
    paused: bool = False
    paused_reason: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.enterprise_id, self.team_id, self.channel_id)


# -- table --------------------------------------------------------------------------------------------
def _row_to_sub(row: dict[str, Any]) -> Subscription:
    hh, mm = row["time"].split(":")
    return Subscription(
        enterprise_id=row["enterprise_id"],
        team_id=row["team_id"],
        channel_id=row["channel_id"],
        schedule=Schedule(row["cadence"], int(row["weekday"]), time(int(hh), int(mm)), row["tz"]),
        frameworks=json.loads(row["frameworks"]),
        created_by=row["created_by"],
        created_at=datetime.fromisoformat(row["created_at"]),
        active_from=datetime.fromisoformat(row["active_from"]),
        paused=bool(row["paused"]),
        paused_reason=row["paused_reason"],
    )


def _key_where(enterprise_id: str | None, team_id: str, channel_id: str) -> list:
    c = subscriptions.c
    return [c.enterprise_id == (enterprise_id or NO_ENTERPRISE), c.team_id == team_id, c.channel_id == channel_id]


def get_subscription(store: Store, enterprise_id: str | None, team_id: str, channel_id: str) -> Subscription | None:
    with store.shared.read() as conn:
        row = conn.execute(select(subscriptions).where(*_key_where(enterprise_id, team_id, channel_id))).mappings()
        first = row.first()
    return _row_to_sub(dict(first)) if first else None


def list_subscriptions(
    store: Store, enterprise_id: str | None = None, team_id: str | None = None, *, include_paused: bool = True
) -> list[Subscription]:
    """All subscriptions, or one workspace's when team_id is given."""
    c = subscriptions.c
    query = select(subscriptions)
    if team_id is not None:
        query = query.where(c.enterprise_id == (enterprise_id or NO_ENTERPRISE), c.team_id == team_id)
    if not include_paused:
        query = query.where(c.paused == 0)
    query = query.order_by(c.enterprise_id, c.team_id, c.channel_id)
    with store.shared.read() as conn:
        return [_row_to_sub(dict(r)) for r in conn.execute(query).mappings()]


def save_subscription(store: Store, sub: Subscription) -> None:
    shared = store.shared
    values = {
        "enterprise_id": sub.enterprise_id or NO_ENTERPRISE,
        "team_id": sub.team_id,
        "channel_id": sub.channel_id,
        "cadence": sub.schedule.cadence,
        "weekday": sub.schedule.weekday,
        "time": f"{sub.schedule.at:%H:%M}",
        "tz": sub.schedule.tz,
        "frameworks": json.dumps(sub.frameworks),
        "created_by": sub.created_by,
        "paused": int(sub.paused),
        "paused_reason": sub.paused_reason,
        "created_at": sub.created_at.isoformat(),
        "active_from": sub.active_from.isoformat(),
    }
    stmt = shared.insert(subscriptions).values(**values)
    kept = ("cadence", "weekday", "time", "tz", "frameworks", "created_by", "paused", "paused_reason", "active_from")
    stmt = stmt.on_conflict_do_update(
        index_elements=["enterprise_id", "team_id", "channel_id"], set_={k: stmt.excluded[k] for k in kept}
    )
    with shared.write() as conn:
        conn.execute(stmt)


def delete_subscription(store: Store, enterprise_id: str | None, team_id: str, channel_id: str) -> bool:
    with store.shared.write() as conn:
        gone = conn.execute(delete(subscriptions).where(*_key_where(enterprise_id, team_id, channel_id)))
    return gone.rowcount > 0


def pause_subscription(store: Store, key: tuple[str, str, str], reason: str) -> None:
    with store.shared.write() as conn:
        conn.execute(update(subscriptions).where(*_key_where(*key)).values(paused=1, paused_reason=reason))


# -- arguments ----------------------------------------------------------------------------------------
@dataclass
class SubscribeArgs:
    cadence: str | None = None
    weekday: int | None = None
    at: time | None = None
    tz: str | None = None
    frameworks: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


_DAY_NAMES = {name.lower(): i for i, name in enumerate(WEEKDAYS)}
_DAY_NAMES |= {name.lower()[:3]: i for i, name in enumerate(WEEKDAYS)}
_DAY_NAMES |= {"tues": 1, "wednes": 2, "thur": 3, "thurs": 3}
_TIME = re.compile(r"^(?:at)?(\d{1,2})(?::?(\d{2}))?\s*(am|pm|h)?$")
_FILLER = {"on", "at", "every", "each", "in", "and", "for", "of", "the", "digest", "a", "me", "us", "weekly,"}


def parse_time(token: str) -> time | None:
    token = token.lower().replace(".", ":")
    if token == "noon":
        return time(12, 0)
    match = _TIME.match(token)
    if not match:
        return None
    hour, minute, suffix = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if suffix in ("am", "pm"):
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match.group(2) is None and suffix is None:
        return None  # a bare number is too ambiguous to be a time ("3" frameworks?)
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def parse_subscribe_args(args: str) -> SubscribeArgs:
    """'weekly friday 4:30pm pytorch jax' → cadence, day, time, frameworks. Unknown words become errors
    (as typed: the Slack reply escapes them)."""
    cat = catalog()
    out = SubscribeArgs()
    words: list[str] = []
    text = re.sub(r"\s+(am|pm)\b", r"\1", args.strip(), flags=re.I)  # "9 am" → "9am"
    for token in re.split(r"[\s,;+&/]+", text):
        low = token.lower().rstrip(".")
        if not low or low in _FILLER:
            continue
        if low in ("weekly", "week", "weekly.") or low == "weeks":
            out.cadence = "weekly"
        elif low in ("daily", "day", "days", "everyday"):
            out.cadence = "daily"
        elif low.rstrip("s") in _DAY_NAMES:
            out.weekday = _DAY_NAMES[low.rstrip("s")]
        elif (parsed := parse_time(low)) is not None:
            out.at = parsed
        elif "/" in token or low == "utc":
            try:
                ZoneInfo("UTC" if low == "utc" else token)
                out.tz = "UTC" if low == "utc" else token
            except (ZoneInfoNotFoundError, ValueError):
                out.errors.append(f"I don't know the time zone `{token}`")
        else:
            words.append(low)
    found, leftover = names_in(" ".join(words), cat)
    out.frameworks = list(dict.fromkeys(found))
    for word in leftover:
        hint = suggest(word, cat)
        did_you_mean = f" (did you mean {' or '.join(cat[h].name for h in hint)}?)" if hint else ""
        out.errors.append(f"I don't understand `{word[:40]}`{did_you_mean}")
    if out.weekday is not None and out.cadence == "daily":
        out.errors.append("a daily digest can't also have a weekday")
    if len(out.frameworks) > MAX_FRAMEWORKS:
        out.errors.append(f"a digest covers at most {MAX_FRAMEWORKS} frameworks, so the chart stays readable")
    return out


def is_paused(store: Store, key: tuple[str, str, str]) -> bool:
    """True when the subscription is paused, or gone (unsubscribed mid-run)."""
    with store.shared.read() as conn:
        row = conn.execute(select(subscriptions.c.paused).where(*_key_where(*key))).first()
    return bool(row is None or row[0])


# -- subscribing ------------------------------------------------------------------------------------------
def plain_date(moment: datetime, tz: str) -> str:
    return f"{moment.astimezone(ZoneInfo(tz)):%a %-d %b %Y %H:%M} {tz}"


def describe(sub: Subscription) -> str:
    names = ", ".join(catalog()[f].name for f in sub.frameworks)
    return f"{names}, {sub.schedule.describe()}"


@dataclass
class Subscribed:
    """What `subscribe` saved: the subscription, how (`verb`: Subscribed, Updated, Resumed and updated),
    why these frameworks when none were named (`chosen_by`, "" or a parenthesis), and its first slot."""

    sub: Subscription
    verb: str
    chosen_by: str
    first: datetime


def subscribe(
    store: Store,
    *,
    enterprise_id: str | None,
    team_id: str,
    channel_id: str,
    user_id: str,
    parsed: SubscribeArgs,
    tz: str,
    now: datetime,
) -> Subscribed:
    """Save (or update, or resume) the channel's subscription from arguments without errors, in zone `tz`
    (an IANA name) unless the arguments named one. Whatever they leave out keeps its current value on an
    update, else takes the default; frameworks default to the workspace's most asked, then a fixed set."""
    existing = get_subscription(store, enterprise_id, team_id, channel_id)
    tz = parsed.tz or tz
    if parsed.cadence:
        cadence = parsed.cadence
    elif parsed.weekday is not None or existing is None:
        cadence = "weekly"
    else:
        cadence = existing.schedule.cadence
    frameworks = parsed.frameworks
    chosen_by = ""
    if not frameworks and existing:
        frameworks = existing.frameworks
    if not frameworks:
        frameworks = most_asked(store, team_id)
        chosen_by = " (the frameworks this workspace asks about most)"
    if not frameworks:
        frameworks = list(DEFAULT_FRAMEWORKS)
        chosen_by = " (a default set: name frameworks to choose your own)"
    weekday = parsed.weekday
    if weekday is None:
        weekday = existing.schedule.weekday if existing else DEFAULT_WEEKDAY
    at = parsed.at or (existing.schedule.at if existing else DEFAULT_TIME)
    schedule = Schedule(cadence=cadence, weekday=weekday, at=at, tz=tz)  # type: ignore[arg-type]
    sub = Subscription(
        enterprise_id=enterprise_id or NO_ENTERPRISE,
        team_id=team_id,
        channel_id=channel_id,
        schedule=schedule,
        frameworks=frameworks,
        created_by=user_id,
        created_at=existing.created_at if existing else now,
        # A new or changed schedule starts with its next slot: no "late" post for a slot that
        # passed before the command was typed.
        active_from=now,
    )
    save_subscription(store, sub)
    verb = "Resumed and updated" if existing and existing.paused else "Updated" if existing else "Subscribed"
    log.info("subscription saved %s/%s/%s: %s", enterprise_id or "-", team_id, channel_id, schedule.describe())
    return Subscribed(sub, verb, chosen_by, next_slot(schedule, now).at)


def unsubscribe(store: Store, *, enterprise_id: str | None, team_id: str, channel_id: str) -> bool:
    """Remove the channel's subscription; False when it had none."""
    if delete_subscription(store, enterprise_id, team_id, channel_id):
        log.info("subscription removed %s/%s/%s", enterprise_id or "-", team_id, channel_id)
        return True
    return False
