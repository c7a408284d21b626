"""`alert …`, `alerts`, `alert remove N` for one channel: checked, stored, listed and removed, with a reply
in plain text (the Slack layer lays it out as Block Kit). No Slack here.

An alert is refused, with the reason, when a name or the figure can't be read, when the store has no
figures it could ever fire on, when it is met already (a threshold passed, a project already ahead: the
reply gives the current figures), or when the channel has the same alert. A relative alert met when set is
kept, and that run of figures is recorded as skipped: it fires the next time the change happens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from bot.alerts.check import alert_crossing
from bot.alerts.wording import dated, describe_rule, figure, name
from bot.answering.series import load_points
from bot.answering.watch_list import unknown_lines
from bot.catalog import catalog
from bot.metrics import METRICS
from bot.store.alerts import Alert, ChannelKey, add_alert, channel_alerts, posted_rows, record_skip, remove_alert
from bot.store.alerts import same_alert as stored_same_alert
from bot.store.connection import Store
from bot.understanding.metric_words import metric_word
from bot.understanding.query import Query

EXAMPLES = "`alert jax 50k stars`, `alert when pytorch passes tensorflow in stars`, `alert polars downloads +50% month`"
ALERT_METRICS = ("github_stars", "github_forks", "github_contributors", "pypi_downloads", "npm_downloads")
ALERT_METRICS += ("so_questions", "hf_models", "arxiv_papers")


@dataclass(frozen=True)
class AlertReply:
    """What to say: a headline and further lines (plain text). `failed`: nothing was done for a reason."""

    headline: str
    lines: list[str] = field(default_factory=list)
    failed: bool = False


def _metric_words() -> str:
    return ", ".join(w for w in (metric_word(m) for m in ALERT_METRICS) if w)


def _refused(headline: str, *lines: str) -> AlertReply:
    return AlertReply(headline, list(lines), failed=True)


def set_alert(
    store: Store, query: Query, channel: ChannelKey, *, user_id: str, now: datetime, prefix: str = "/fwtrend "
) -> AlertReply:
    """Check and store the alert `query` (intent "alert") asks for in `channel`; say what was done."""
    rule = query.alert
    cat = catalog()
    if rule is None or rule.kind is None:
        return _refused(rule.problem if rule and rule.problem else f"Say what to wait for, e.g. {EXAMPLES}.")
    wanted = 2 if rule.kind == "passes" else 1
    if query.unknown and (len(query.frameworks) < wanted or query.metric is not None):
        return _refused(*unknown_lines(query, cat))
    if rule.problem:
        return _refused(rule.problem)
    if len(query.frameworks) != wanted:
        return _refused(f"Name one project for this alert, e.g. `{prefix}alert jax 50k stars`.")
    if query.metric is None:
        what = f"I don't know the figure “{query.unknown[0]}”." if query.unknown else "Which figure should I watch?"
        return _refused(f"{what} Alerts watch {_metric_words()}, e.g. `{prefix}alert jax 50k stars`.")
    label = METRICS[query.metric].label
    for project in query.frameworks:
        if not load_points(store, query.metric, [project])[project]:
            return _refused(f"I have no {label} figures for {name(project)}, so that alert could never fire.")
    draft = _rule(query)
    probe = Alert(0, *channel, **draft, created_by=user_id, created_at=now.isoformat())  # type: ignore[arg-type]
    crossing = alert_crossing(store, probe, now.date())
    if crossing is not None and probe.kind == "threshold":
        return _refused(
            f"{name(probe.framework)} is already past {figure(probe.threshold, probe.metric)}: "
            f"{dated(crossing.latest, probe.metric)}. No alert set."
        )
    if crossing is not None and probe.kind == "passes":
        assert crossing.other_latest is not None  # a passes crossing always has B's figure
        return _refused(
            f"{name(probe.framework)} is already ahead of {name(probe.other)} on {label}: "
            f"{figure(crossing.latest.value, probe.metric)} against {figure(crossing.other_latest.value, probe.metric)}"
            f" on {crossing.latest.date.isoformat()}. No alert set."
        )
    if probe.kind == "passes" and not _counted_together(store, probe):
        return _refused(
            f"{name(probe.framework)} and {name(probe.other)} have no {label} figures counted on the same date, "
            "so I could never compare them."
        )
    same = stored_same_alert(store, channel, draft)
    if same is not None:
        number = [a.id for a in channel_alerts(store, channel)].index(same.id) + 1
        return _refused(f"This channel already has that alert: #{number}, {describe_rule(same)}.")
    alert_id = add_alert(store, channel, draft, created_by=user_id, now=now)
    if alert_id is None:  # set by someone else between the check and the insert
        return _refused("This channel already has that alert.")
    number = len(channel_alerts(store, channel))
    when = "each time" if probe.kind == "change" else "once,"
    lines = [_now_line(store, probe, now), f"I'll post here {when} when a refresh stores figures that meet it."]
    if crossing is not None:  # a change already happening: this run of figures is not news
        record_skip(store, channel, f"alert:{alert_id}", crossing.key, "met when the alert was set", now)
        base = f", from {dated(crossing.base, probe.metric)}" if crossing.base else ""
        lines[-1] = (
            f"It is met already ({crossing.change_pct:+.0f}%: {dated(crossing.latest, probe.metric)}{base}), "
            "so I'll post the next time it happens."
        )
    return AlertReply(f"Alert #{number} set: {describe_rule(_with_id(probe, alert_id))}.", [*lines, *query.notes])


def _rule(query: Query) -> dict[str, object]:
    rule = query.alert
    assert rule is not None and rule.kind is not None  # checked by set_alert
    out: dict[str, object] = {"kind": rule.kind, "framework": query.frameworks[0], "metric": query.metric}
    out["other"] = query.frameworks[1] if rule.kind == "passes" else ""
    out["threshold"] = float(rule.threshold or 0) if rule.kind == "threshold" else 0.0
    out["change_pct"] = float(rule.change_pct or 0) if rule.kind == "change" else 0.0
    out["window"] = rule.window or "" if rule.kind == "change" else ""
    out["text"] = query.args.strip() or query.text
    return out


def _with_id(alert: Alert, alert_id: int) -> Alert:
    return Alert(alert_id, *[getattr(alert, f) for f in Alert.__dataclass_fields__ if f != "id"])


def _counted_together(store: Store, alert: Alert) -> bool:
    """Whether the two projects have a figure on some common date (they are compared only on such dates)."""
    points = load_points(store, alert.metric, [alert.framework, alert.other])
    return bool({p.date for p in points[alert.framework]} & {p.date for p in points[alert.other]})


def _now_line(store: Store, alert: Alert, now: datetime) -> str:
    """Where the figures stand now (the latest stored, with its date)."""
    points = load_points(store, alert.metric, [alert.framework, alert.other] if alert.other else [alert.framework])
    latest = [p for p in points[alert.framework] if p.date <= now.date()][-1:]
    if not latest:
        return "No figure is stored up to today yet."
    line = f"Now: {name(alert.framework)} {dated(latest[0], alert.metric)}"
    if alert.other:
        other = [p for p in points[alert.other] if p.date <= now.date()][-1:]
        if other:
            line += f", {name(alert.other)} {dated(other[0], alert.metric)}"
    return line + "."


def list_alerts(
    store: Store, channel: ChannelKey, *, mention: Callable[[str], str] = str, prefix: str = "/fwtrend "
) -> AlertReply:
    """The channel's alerts, numbered as `alert remove N` takes them, with who set each and what was posted."""
    alerts = channel_alerts(store, channel)
    if not alerts:
        examples = EXAMPLES.replace("`alert", f"`{prefix}alert")
        return AlertReply(f"No alerts in this channel yet. Set one, e.g. {examples}.")
    lines = []
    for number, alert in enumerate(alerts, 1):
        by = f" by {mention(alert.created_by)}" if alert.created_by else ""
        posted = [r for r in posted_rows(store, alert.subject) if r["status"] == "posted"]
        fired = f"; posted {len(posted)}×, last on {posted[-1]['posted_at'][:10]}" if posted else ""
        lines.append(f"{number}. {describe_rule(alert)}: set{by} on {alert.created_at[:10]}{fired}")
    count = f"{len(alerts)} alert{'s' if len(alerts) != 1 else ''}"
    return AlertReply(f"This channel has {count} (remove one with `{prefix}alert remove N`):", lines)


def remove_numbered(store: Store, query: Query, channel: ChannelKey, *, prefix: str = "/fwtrend ") -> AlertReply:
    """`alert remove N`: remove the channel's alert number N (as `alerts` lists them)."""
    rule = query.alert
    if rule is None or rule.number is None:
        return _refused(rule.problem if rule and rule.problem else "Say which alert to remove, e.g. `alert remove 2`.")
    alerts = channel_alerts(store, channel)
    if not 1 <= rule.number <= len(alerts):
        have = f"this channel has {len(alerts)} (1 to {len(alerts)})" if alerts else "this channel has none"
        return _refused(f"There is no alert {rule.number} here: {have}. `{prefix}alerts` lists them.")
    alert = alerts[rule.number - 1]
    remove_alert(store, alert.id)
    return AlertReply(f"Removed alert {rule.number}: {describe_rule(alert)}.")
