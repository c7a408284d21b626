"""Which alerts and milestones the stored figures meet as of a date, for every channel: `met_alerts` and
`met_milestones` read the store and return what each channel would be posted. Whether it was posted already
is the ledger's business (`bot.store.alerts`), and posting is the Slack layer's (`bot.slack.alert_delivery`).

Milestones go to channels subscribed to digests, for the frameworks of their subscription plus their
workspace's watch list, on `MILESTONE_METRICS`; only a figure stored by a refresh after the channel
subscribed can cross one (`new_dates`), so subscribing never floods a channel with history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.alerts.conditions import (
    Crossing,
    change_crossing,
    milestone_crossing,
    passes_crossing,
    stored_after,
    threshold_crossing,
)
from bot.alerts.wording import fired_text, milestone_text
from bot.answering.series import load_points
from bot.digest.subscriptions import list_subscriptions
from bot.store.alerts import Alert, ChannelKey, every_alert
from bot.store.connection import Store
from bot.store.watch_list import watched

MILESTONE_METRICS = ("github_stars",)
"""Running totals counted at the time: a round number passed stays passed (a rate would cross back and forth)."""

LIVE_SOURCES = ("github", "pypistats", "clickhouse", "npm", "stackexchange", "huggingface", "arxiv")
"""The sources a refresh writes: only their figures are "newly stored" (never the bundled history)."""


@dataclass(frozen=True)
class Met:
    """One crossing for one channel: the ledger's (channel, subject, crossing) and what to post.
    `alert` is None for a milestone; `created_by` is whom to tell if the channel can't take the post."""

    channel: ChannelKey
    subject: str
    crossing: str
    text: str
    created_by: str
    alert: Alert | None = None


def alert_crossing(store: Store, alert: Alert, as_of: date) -> Crossing | None:
    """The crossing the stored figures dated up to `as_of` meet for this alert, or None."""
    frameworks = [alert.framework, alert.other] if alert.kind == "passes" else [alert.framework]
    points = load_points(store, alert.metric, frameworks)
    if alert.kind == "threshold":
        return threshold_crossing(points[alert.framework], alert.threshold, as_of)
    if alert.kind == "passes":
        return passes_crossing(points[alert.framework], points[alert.other], as_of)
    return change_crossing(points[alert.framework], alert.change_pct, alert.window, as_of)


def met_alerts(store: Store, as_of: date, mention: Callable[[str], str] = str) -> list[Met]:
    """Every alert whose condition the figures dated up to `as_of` meet, with its message."""
    out = []
    for alert in every_alert(store):
        crossing = alert_crossing(store, alert, as_of)
        if crossing is not None:
            text = fired_text(alert, crossing, mention)
            out.append(Met(alert.channel, alert.subject, crossing.key, text, alert.created_by, alert))
    return out


def new_dates(store: Store, project: str, metric: str, after: datetime) -> set[date]:
    """Dates of this project's figures that a refresh stored after `after` (the store's own rows, live sources).

    `fetched_at` is kept to the second: a figure fetched in the same second as `after` counts as after it (a
    refresh right after `/fwtrend subscribe` would otherwise miss its milestones one time in a few)."""
    marks = ", ".join("?" for _ in LIVE_SOURCES)
    rows = store.db.execute(
        f"SELECT date FROM main.observations WHERE framework = ? AND metric = ? AND fetched_at >= ? "
        f"AND source IN ({marks})",
        [project, metric, after.isoformat(timespec="seconds"), *LIVE_SOURCES],
    ).fetchall()
    return {date.fromisoformat(r[0]) for r in rows}


def met_milestones(store: Store, as_of: date) -> list[Met]:
    """Every round number a subscribed channel's frameworks and tracked projects passed in figures stored
    after it subscribed, dated up to `as_of`: the highest such mark of each series."""
    out = []
    for sub in list_subscriptions(store, include_paused=False):
        projects = list(dict.fromkeys([*sub.frameworks, *(w.project for w in watched(store, sub.team_id))]))
        for metric in MILESTONE_METRICS:
            points = load_points(store, metric, projects)
            for project in projects:
                fresh = new_dates(store, project, metric, sub.created_at)
                crossing = milestone_crossing(points[project], as_of, stored_after(fresh)) if fresh else None
                if crossing is not None:
                    text = milestone_text(project, metric, crossing)
                    out.append(Met(sub.key, f"milestone:{project}:{metric}", crossing.key, text, sub.created_by))
    return out
