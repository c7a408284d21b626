"""A digest in words: its title, lines and freshness (the Slack message is `bot.slack.blocks.digest`),
its chart PNG, and the plain text for the terminal.

Short by construction: at most MAX_METRIC_LINES metric lines of at most MAX_MOVERS movers each,
three lines of milestones/leaders/crossovers, and one freshness line. A quiet period is one line.
"""

from __future__ import annotations

from bot import format as fmt
from bot.digest.compose import MAX_METRIC_LINES, Digest, MetricMoves, Move
from bot.digest.tracked import tracked_lines
from bot.render.chart import render_comparison

MAX_MOVERS = 3
MAX_EVENTS = 3


def title(digest: Digest) -> str:
    kind = "Weekly" if digest.cadence == "weekly" else "Daily"
    return f"{kind} trend: {', '.join(digest.names)}"


def period_text(digest: Digest) -> str:
    if digest.cadence == "weekly":
        return f"week to {digest.end:%a %-d %b %Y}"
    return f"{digest.end:%a %-d %b %Y}"


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _vs(pct: float | None, what: str) -> str | None:
    return None if pct is None else f"{fmt.pct(pct)} vs {what}"


def mover_text(metric: MetricMoves, move: Move, period: str) -> str:
    unit = metric.metric.unit
    value = fmt.signed(move.current, unit) if metric.gains else fmt.human(move.current, unit)
    parts = [
        _vs(move.vs_previous_pct, f"last {period}"),
        _vs(move.vs_average_pct, f"4-{period} avg"),
    ]
    detail = ", ".join(p for p in parts if p)
    return f"{move.name} {value}" + (f" ({detail})" if detail else "")


def metric_line(metric: MetricMoves, period: str) -> str:
    label = f"{metric.metric.label} gained" if metric.gains else metric.metric.label
    movers = "; ".join(mover_text(metric, m, period) for m in metric.movers[:MAX_MOVERS])
    return f"{label}: {movers}"


def more_metrics(digest: Digest) -> str:
    """What a digest had no room for, and where to see it."""
    extra = digest.movers[MAX_METRIC_LINES:]
    names = ", ".join(m.metric.label for m in extra)
    return f"{len(extra)} more moved ({names}): `/fwtrend` with those metrics shows them"


def event_lines(digest: Digest) -> list[str]:
    events = digest.milestones + digest.leaders + digest.crossovers
    out = events[:MAX_EVENTS]
    if len(events) > MAX_EVENTS:
        out.append(f"…and {len(events) - MAX_EVENTS} more")
    return out


def freshness_line(digest: Digest) -> str:
    if not digest.freshness:
        return "No figures yet for these frameworks."
    parts = []
    for s in digest.freshness:
        text = f"{s.name} to {fmt.day(s.newest)}"
        if s.stale:
            text += " (stale)"
        if s.last_refresh_failed:
            text += " (last refresh failed)"
        parts.append(text)
    return "Data: " + " · ".join(parts)


def quiet_line(digest: Digest) -> str:
    """The whole digest when nothing moved: one line, naming any stale source (the reason may be ours)."""
    what = "nothing moved much" if digest.metrics else "no new figures"
    when = f"this week ({period_text(digest)})" if digest.cadence == "weekly" else f"on {period_text(digest)}"
    line = f"{title(digest)}: {what} {when}."
    stale = digest.stale
    if stale:
        line += " Stale: " + ", ".join(f"{s.name} (newest {fmt.day(s.newest)})" for s in stale) + "."
    return line


def chart_title(digest: Digest) -> str:
    return " vs ".join(digest.names)


def chart_alt(digest: Digest) -> str:
    c = digest.chart
    return f"Chart of {c.label} for {chart_title(digest)}, {c.period_label}" if c else chart_title(digest)


def render_chart(digest: Digest) -> bytes | None:
    if digest.chart is None:
        return None
    used = {p.source for f in digest.chart.figures for p in f.points}
    names = [s.name for s in digest.freshness if s.source in used] or sorted(used)
    return render_comparison(digest.chart, title=chart_title(digest), sources=names)


TRACKED_HEADING = "Tracked projects"


def render_text(digest: Digest) -> str:
    """The digest as a person reads it in a terminal (`fwtrend digest --dry-run`)."""
    tracked = [f"{TRACKED_HEADING}", *(f"  • {line}" for line in tracked_lines(digest.tracked))]
    if digest.quiet:
        return "\n".join([quiet_line(digest), *(tracked if digest.tracked else [])]) + "\n"
    out = [f"{title(digest)} — {period_text(digest)}", ""]
    movers = digest.movers[:MAX_METRIC_LINES]
    if movers:
        out.append("Movers")
        out += [f"  • {metric_line(m, digest.period_word)}" for m in movers]
        if len(digest.movers) > MAX_METRIC_LINES:
            out.append(f"  • …and {more_metrics(digest)}")
    events = event_lines(digest)
    if events:
        out.append("Milestones and crossovers")
        out += [f"  • {e}" for e in events]
    if digest.tracked:
        out += tracked
    if digest.chart is not None:
        out.append(f"Chart: {digest.chart.label}, {digest.chart.period_label}")
    out.append(freshness_line(digest))
    return "\n".join(out) + "\n"
