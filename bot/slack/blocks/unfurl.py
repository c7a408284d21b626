"""A pasted link's unfurl: the project's headline figures and their trend, in a few compact blocks.

One project (a GitHub repository, a PyPI or npm package page, a pepy.tech or pypistats.org page): a
section with up to `MAX_METRICS` metrics as fields (latest figure, its 12-month trend, its date). Several
(a star-history.com or npmtrends.com page): a compact comparison, one field per project with its figure on
the page's metric and one more. A context line says where to get the whole answer with its chart, what the
`*` and `!` marks mean and whose figures they are. Only figures the answer holds, with their marks: stale
figures keep `*`, a change across a change of counting method keeps `!`.

Where Slack's `data_visualization` block can draw the first headline metric (`native_chart`: no gap, no
change of counting method, within the block's limits), the unfurl carries it below the figures: an unfurl
can hold no uploaded PNG. A workspace that refuses the newer blocks gets the unfurl without it.
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.blocks import Block, ContextBlock, MarkdownTextObject, SectionBlock

from bot import format as fmt
from bot.answering.model import OVERVIEW_METRICS, Answer, Comparison, Figure
from bot.answering.scale import use_log_scale
from bot.render.table import STALE_MARK
from bot.slack.blocks.answer import clip, escape
from bot.slack.blocks.native_chart import comparison_chart
from bot.understanding.grammar import query_text

MAX_METRICS = 4
"""Metrics shown for one project (Slack allows 10 fields; four keep the unfurl short)."""
MAX_PROJECTS = 10
"""Projects shown side by side (a section holds at most 10 fields)."""
COMPARED_METRICS = 2
MAX_FIELD = 2000


def headline_comparisons(answer: Answer, first: str | None = None) -> list[Comparison]:
    """The answer's comparisons worth a headline, with figures: the overview metrics in their usual order
    (downloads, stars, npm, questions, models, papers, forks, contributors), `first` (the metric the pasted
    page is about, e.g. stars for star-history.com) ahead of them when it has figures."""
    order = [first, *OVERVIEW_METRICS] if first else list(OVERVIEW_METRICS)
    by_metric: dict[str, Comparison] = {}
    for c in answer.comparisons:
        if c.with_data and c.metric.id in order and not c.rate:
            by_metric.setdefault(c.metric.id, c)
    return [by_metric[m] for m in dict.fromkeys(order) if m in by_metric]


def _arrow(change_pct: float | None) -> str:
    if change_pct is None:
        return ""
    return "↗ " if change_pct > 0.5 else "↘ " if change_pct < -0.5 else "→ "


def _figure_text(c: Comparison, f: Figure, *, label: str) -> str:
    """'Stars 103k* ↗ +11% (12-month change), as of 2026-08-22' (the label left out when empty).

    The figure is not bolded: mrkdwn would read a stale mark `*` after it as the end of the bold."""
    value = fmt.human(f.latest.value, c.unit) + (STALE_MARK if f.stale else "")
    text = f"{label} {value}" if label else value
    if f.change_pct is not None:
        text += f" {_arrow(f.change_pct)}{fmt.pct(f.change_pct)}{'!' if f.breaks else ''} ({c.change_label})"
    return text + f", as of {fmt.day(f.latest.date)}"


def _legend(comparisons: list[Comparison], answer: Answer) -> str:
    marks = []
    figures = [f for c in comparisons for f in c.with_data]
    if any(f.stale for f in figures):
        marks.append(f"{STALE_MARK} older than the source's usual freshness")
    if any(f.breaks for f in figures):
        marks.append("! the change spans a change of counting method")
    used = {p.source for c in comparisons for f in c.with_data for p in f.points}
    sources = [s.name for s in answer.sources if s.id in used]
    if sources:
        marks.append("Sources: " + "; ".join(sources))
    return " · ".join(marks)


def unfurl_blocks(
    answer: Answer, *, first_metric: str | None = None, native: bool = True
) -> list[dict[str, Any]] | None:
    """The unfurl's blocks for a profile or comparison answer, or None when it has no figures to show.
    `native`: add the first headline metric's chart as a `data_visualization` block where it fits."""
    comparisons = headline_comparisons(answer, first_metric)
    if answer.kind not in ("profile", "compare") or not comparisons:
        return None
    names = {f.framework: f.name for c in comparisons for f in c.with_data}
    if len(names) == 1:
        shown = comparisons[:MAX_METRICS]
        (name,) = names.values()
        title = f"*{escape(name)}* on fwtrend"
        fields = [f"*{escape(c.label)}*\n{_figure_text(c, f, label='')}" for c in shown for f in c.with_data]
    else:
        shown = comparisons[:COMPARED_METRICS]
        title = f"*{escape(' vs '.join(list(names.values())[:MAX_PROJECTS]))}* on fwtrend"
        fields = []
        for fid, name in list(names.items())[:MAX_PROJECTS]:
            lines = [_figure_text(c, f, label=c.metric.short) for c in shown for f in c.with_data if f.framework == fid]
            fields.append(f"*{escape(name)}*\n" + "\n".join(lines))
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=clip(f"{title}\n{escape(answer.headline)}", 3000))),
        SectionBlock(fields=[MarkdownTextObject(text=clip(t, MAX_FIELD)) for t in fields[:MAX_PROJECTS]]),
    ]
    more = f"`/fwtrend {escape(query_text(answer.query))}` for every figure and the chart"
    legend = _legend(shown, answer)
    elements = [MarkdownTextObject(text=clip(more, 3000))]
    # A project the page names that has none of these figures is said to have none, never left out unseen.
    named = {f.framework: f.name for c in answer.comparisons for f in c.figures}
    missing = [name for fid, name in named.items() if fid not in names]
    if missing:
        what = shown[0].label if len(shown) == 1 else "these figures"
        elements.append(MarkdownTextObject(text=clip(escape(f"No {what} for {', '.join(missing)}."), 3000)))
    if legend:
        elements.append(MarkdownTextObject(text=clip(escape(legend), 3000)))
    blocks.append(ContextBlock(elements=elements))
    out = [b.to_dict() for b in blocks]
    chart = comparison_chart(shown[0], log=use_log_scale(shown[0], answer.query.scale)) if native else None
    if chart is not None:
        out.insert(2, chart)
    return out
