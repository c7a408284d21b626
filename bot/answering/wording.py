"""Sentences an answer is made of: verdicts, headlines, notes and exact figures (no store reads).

Every sentence is built from figures already computed (`Comparison`, `Figure`); nothing here fetches
or estimates one.
"""

from __future__ import annotations

from datetime import date

from bot import format as fmt
from bot.answering.model import Comparison
from bot.catalog import Catalog


def verdict(c: Comparison, cat: Catalog) -> str:
    """One sentence: who leads, by how much, and who is growing faster."""
    figs = c.with_data
    unit = c.unit
    if not figs:
        return f"No {c.label} figures yet for {', '.join(f.name for f in c.figures)}."
    if len(figs) == 1:
        f = figs[0]
        text = f"{f.name}, {c.label}: {fmt.quantity(f.latest.value, unit)} ({fmt.day(f.latest.date)})"
        if f.change_pct is not None:
            text += f", {fmt.pct(f.change_pct)} {c.change_label}"
        missing = [x.name for x in c.figures if not x.has_data]
        if missing:
            text += f"; no figures for {', '.join(missing)}"
        return text + "."
    ranked = sorted(figs, key=lambda f: f.latest.value, reverse=True)
    first, second = ranked[0], ranked[1]
    if c.metric.kind == "share":
        best, runner_up = fmt.human(first.latest.value, unit), fmt.human(second.latest.value, unit)
        lead = f"{first.name} leads with {best} vs {second.name}'s {runner_up}"
    elif second.latest.value > 0:
        ratio = first.latest.value / second.latest.value
        times = f"{ratio:.1f}×" if ratio < 10 else f"{ratio:.0f}×"
        lead = f"{first.name} leads on {c.label}, {times} {second.name}"
    else:
        lead = f"{first.name} leads on {c.label}"
    if not c.comparable_dates:
        lead += " (latest figures from different dates)"
    growth = [f for f in figs if f.change_pct is not None]
    if len(growth) >= 2:
        fastest = max(growth, key=lambda f: f.change_pct)
        verb = "grew fastest" if fastest.change_pct >= 0 else "fell least"
        lead += f"; {fastest.name} {verb} ({fmt.pct(fastest.change_pct)}, {c.change_label}"
        lead += ", across a change of counting method)" if fastest.breaks else ")"
    if c.crossovers:
        last = c.crossovers[-1]
        lead += f". {cat[last.leader].name} passed {cat[last.passed].name} {fmt.span(last.before, last.after)}"
    return lead + "."


def comparison_notes(comparisons: list[Comparison], cat: Catalog, *, detail_first_only: bool = False) -> list[str]:
    """Method changes, stale figures and gaps, one line per metric and kind, so nothing is hidden.

    In an overview of many metrics only the charted (first) one gets stale and gap lines; the table
    marks stale figures itself.
    """
    notes: list[str] = []
    for index, c in enumerate(comparisons):
        breaks: dict[tuple[date, str, str], None] = {}
        for b in c.breaks:
            breaks[(b.date, b.before, b.after)] = None
        for when, before, after in breaks:
            notes.append(f"{c.label}: counting changed on {fmt.day(when)} ({before} → {after}).")
        if detail_first_only and index > 0:
            continue
        stale = [f for f in c.with_data if f.stale]
        if stale:
            by_date: dict[date, list[str]] = {}
            for f in stale:
                by_date.setdefault(f.latest.date, []).append(f.name)
            parts = [
                f"{', '.join(names)} {fmt.day(day)}" if len(by_date) > 1 or len(stale) < len(c.with_data) else
                fmt.day(day)
                for day, names in sorted(by_date.items(), reverse=True)
            ]  # fmt: skip
            notes.append(f"{c.label}: newest figures are from {'; '.join(parts)}, older than usual.")
        gaps: dict[tuple[date, date], None] = {}
        for f in c.with_data:
            for gap in f.gaps:
                gaps[gap] = None
        if gaps:
            shown = ", ".join(f"{fmt.day(a)} → {fmt.day(b)}" for a, b in list(gaps)[-3:])
            more = f" and {len(gaps) - 3} more" if len(gaps) > 3 else ""
            notes.append(f"{c.label}: no figures {shown}{more} (gaps left open on the chart).")
        if c.metric.note and c.metric.id in ("github_stars_retained", "pwc_paper_share"):
            notes.append(f"{c.label}: {c.metric.note}.")
    return notes


def overview_headline(comparisons: list[Comparison], cat: Catalog) -> str:
    """Who leads on each of the first few metrics, in one sentence."""
    parts = []
    for c in comparisons[:3]:
        figs = sorted(c.with_data, key=lambda f: f.latest.value, reverse=True)
        if len(figs) < 2:
            continue
        first, second = figs[0], figs[1]
        ratio = f" ({first.latest.value / second.latest.value:.1f}× {second.name})" if second.latest.value > 0 else ""
        parts.append(f"{first.name} leads on {c.label}{ratio}")
    if not parts:
        return comparisons[0].verdict
    crossovers = [x for c in comparisons for x in c.crossovers if x.after.year >= 2015]
    text = "; ".join(parts) + "."
    if crossovers and comparisons[0].crossovers:
        last = comparisons[0].crossovers[-1]
        text += f" {cat[last.leader].name} passed {cat[last.passed].name} on {comparisons[0].label} "
        text += f"{fmt.span(last.before, last.after)}."
    return text


def period_phrase(label: str | None) -> str:
    if not label:
        return "in that period"
    if label.startswith("last"):
        return f"in the {label}"
    if label[0].isdigit():
        return f"in {label}"
    return label


def exact(value: float, unit: str) -> str:
    """A figure to check against a quote: 172,239 rather than 172k (the table keeps the short form)."""
    if unit.startswith("%") or abs(value) >= 1e7:
        return fmt.human(value, unit)
    return f"{value:,.0f}" if abs(value) >= 100 or value == int(value) else f"{value:,.1f}"


def with_unit(value: float, unit: str) -> str:
    """'172,239 stars', '8.6% of respondents'."""
    return f"{exact(value, unit)}{unit[1:]}" if unit.startswith("%") else f"{exact(value, unit)} {unit}"
