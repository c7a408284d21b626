"""The chart of an answer as PNG bytes (matplotlib, Agg), sized to read well in Slack's preview.

One line per framework in its catalog colour, a label at each line's end, gaps left open,
changes of counting method marked, log scale when the compared values differ by more than ~30× or when
asked (`bot.answering.scale`), and said on the axis label.
"""

from __future__ import annotations

import io
import sys
import threading
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure as MplFigure
from matplotlib.ticker import FuncFormatter, MaxNLocator, ScalarFormatter
from PIL import Image

from bot import format as fmt
from bot.answering.languages import OTHER, Make
from bot.answering.model import Answer, Comparison, Figure, MethodBreak
from bot.answering.scale import use_log_scale
from bot.answering.series import DAYS_PER_MONTH, find_breaks
from bot.catalog import catalog

WIDTH_IN, HEIGHT_IN, DPI = 8.0, 4.5, 120
PNG_COMPRESS_LEVEL = 1
"""zlib's fastest level: a fifth of a chart's render time at level 6, for files ~15% bigger (under 100 KB)."""
# Glyphs drawn without hinting: no visible difference at this size, and a sixth less drawing time. Set once
# for the process (rcParams are global: switching them per chart would race between threads).
matplotlib.rcParams["text.hinting"] = "none"


def _x(figure: Figure, day: date, aligned: bool) -> date | float:
    """Where `day` sits on the x axis: the date, or on an aligned chart months since the line's first figure."""
    if not aligned:
        return day
    return (day - figure.points[0].date).days / DAYS_PER_MONTH


def _segments(figure: Figure, aligned: bool = False) -> list[tuple[list[date | float], list[float]]]:
    """Split a series at its gaps so no line is drawn through missing figures."""
    gaps = {b for _, b in figure.gaps}
    segments: list[tuple[list[date | float], list[float]]] = []
    xs: list[date | float] = []
    ys: list[float] = []
    for p in figure.points:
        if p.date in gaps and xs:
            segments.append((xs, ys))
            xs, ys = [], []
        xs.append(_x(figure, p.date, aligned))
        ys.append(p.value)
    if xs:
        segments.append((xs, ys))
    return segments


def render_chart(answer: Answer) -> bytes | None:
    """PNG bytes of the answer's chart, or None when it has nothing worth drawing."""
    if answer.kind == "languages":
        makes = answer.extra.get("languages") or []
        return render_languages(makes) if makes else None
    comparison = answer.chart
    if comparison is None:
        return None
    used = {p.source for f in comparison.figures for p in f.points}
    names = [s.name for s in answer.sources if s.id in used]
    title = f"top {len(comparison.figures)}" if answer.kind == "leaderboard" else answer.title
    log = use_log_scale(comparison, answer.query.scale)
    aligned = answer.query.aligned and answer.kind != "leaderboard"
    return render_comparison(comparison, title=title, sources=names, log=log, aligned=aligned)


def render_comparison(
    comparison: Comparison, *, title: str, sources: list[str], log: bool | None = None, aligned: bool = False
) -> bytes:
    """PNG bytes of one comparison's lines; `log` None: the scale `use_log_scale` chooses; `aligned`: the x
    axis is months since each line's first figure (`bot.answering.aligned`)."""
    fig, ax = _canvas()
    try:
        ends = _draw(ax, comparison, aligned)
        log = use_log_scale(comparison) if log is None else log
        if log:
            ax.set_yscale("log")
        _label_line_ends(ax, ends)
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt.human(v)))
        if aligned:
            ax.set_xlabel("months since each one's first figure in the source", fontsize=9, color="#555555")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.xaxis.set_major_formatter(ScalarFormatter())
        else:
            ax.xaxis.set_major_locator(mdates.AutoDateLocator())
            ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(ax.xaxis.get_major_locator()))
        unit = comparison.unit + (" (log scale)" if log else "")
        fig.suptitle(f"{comparison.label}: {title}", x=0.01, ha="left", fontsize=12, fontweight="bold")
        # The unit goes with the period above the plot, not in a y-axis label: matplotlib places an axis label
        # by measuring every tick label, on every draw. A fixed y, for the same reason.
        subtitle = comparison.period_label + (" · aligned on each one's first figure" if aligned else "")
        ax.set_title(f"{subtitle} · {unit}", loc="left", fontsize=9, color="#555555", y=1.0, pad=6)
        caption = "Source: " + "; ".join(sources) if sources else ""
        if _chart_breaks(comparison):
            caption += "   ┆ dotted line: counting method changed"
        fig.text(0.01, 0.01, caption[:160], fontsize=7, color="#777777", ha="left", va="bottom")
        return _png(fig)
    finally:
        _clear(fig, ax)


_reused = threading.local()


def _canvas() -> tuple[MplFigure, Axes]:
    """This thread's figure and axes, styled once.

    Building a figure and its axes, and the ticks matplotlib creates on its first draw, is a third of a
    chart's render time; so each thread keeps one figure and `_clear` takes each chart's lines and texts off
    it again. A bare Figure on the Agg canvas, not pyplot: no figure manager to register and close.
    """
    made = getattr(_reused, "canvas", None)
    if made is None:
        fig = MplFigure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
        # The figure's own Agg canvas, kept: `savefig` would make a new canvas and renderer per chart, and
        # with them lose matplotlib's cache of text sizes (measuring text is a fifth of a render).
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
        ax.set_axisbelow(True)
        fig.subplots_adjust(left=0.09, right=0.79, top=0.86, bottom=0.14)
        # No axis labels (the unit is in the subtitle): fixed label positions spare measuring the tick labels.
        ax.xaxis.set_label_coords(0.5, -0.1)
        ax.yaxis.set_label_coords(-0.1, 0.5)
        made = _reused.canvas = (fig, ax)
    return made


def _png(fig: MplFigure) -> bytes:
    """Draw the figure and encode it as PNG bytes."""
    canvas = fig.canvas
    canvas.draw()
    return encode_png(np.asarray(canvas.buffer_rgba())[..., :3], dpi=DPI)


def encode_png(rgb: np.ndarray, *, dpi: int) -> bytes:
    """An RGB image (height × width × 3, uint8) as PNG bytes, by Pillow (matplotlib's own PNG writer), at
    zlib's fastest level, with the dpi recorded. The figure is opaque, so its alpha channel is dropped."""
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, format="PNG", compress_level=PNG_COMPRESS_LEVEL, dpi=(dpi, dpi))
    return buf.getvalue()


def _clear(fig: MplFigure, ax: Axes) -> None:
    """Back to the state `_canvas` made: no lines, no texts, linear scale, limits found from the data again."""
    for artist in [*ax.lines, *ax.texts, *fig.texts]:
        artist.remove()
    ax.set_yscale("linear")
    ax.set_xlabel("")
    ax.relim()
    ax.set_autoscale_on(True)
    ax.set_xlim(0, 1)  # a new axes' limits, so nothing of the last chart's span reaches the next
    ax.set_ylim(0, 1)
    ax.set_autoscale_on(True)


def _draw(ax, comparison: Comparison, aligned: bool = False) -> list[tuple[float, Figure, date | float]]:
    ends: list[tuple[float, Figure, date | float]] = []
    for figure in comparison.figures:
        if not figure.points:
            continue
        for xs, ys in _segments(figure, aligned):
            if len(xs) == 1:
                ax.plot(xs, ys, marker="o", markersize=4, color=figure.colour, linestyle="none")
            else:
                ax.plot(xs, ys, color=figure.colour, linewidth=2.0, solid_capstyle="round")
        ends.append((figure.points[-1].value, figure, _x(figure, figure.points[-1].date, aligned)))
    by_id = {f.framework: f for f in comparison.figures if f.points}
    for brk in _chart_breaks(comparison, aligned):
        at = _x(by_id[brk.framework], brk.date, aligned) if aligned else brk.date
        ax.axvline(at, color="#999999", linestyle=":", linewidth=1)
        ax.annotate(
            _break_label(brk),
            xy=(at, 0.98),
            xycoords=("data", "axes fraction"),
            xytext=(-3, 0),
            textcoords="offset points",
            fontsize=7,
            color="#777777",
            va="top",
            ha="right",
            rotation=90,
        )
    if aligned:
        ax.set_xlim(0, max((x for _, _, x in ends), default=1) * 1.02 + 0.5)
        return ends
    all_dates = [p.date for f in comparison.figures for p in f.points]
    if all_dates:
        lo, hi = min(all_dates), max(all_dates)
        pad = timedelta(days=max(7, (hi - lo).days // 50))
        ax.set_xlim(lo - pad, hi + pad)
    return ends


def _break_label(brk: MethodBreak) -> str:
    """The part of the counting method that changed, e.g. 'all installers' or 'calendar month (ClickHouse)'."""
    before, after = brk.before.split(", "), brk.after.split(", ")
    changed = [a for a, b in zip(after, before, strict=False) if a != b]
    label = ", ".join(changed) or brk.after
    return label.split(" (")[0]


def _chart_breaks(comparison: Comparison, aligned: bool = False) -> list[MethodBreak]:
    """Every change of counting method in the drawn series (not only within the change's span); on an
    aligned chart each line's own, since one date sits at a different age on each line."""
    seen: dict[date | tuple[str, date], MethodBreak] = {}
    for figure in comparison.figures:
        for brk in find_breaks(figure.framework, figure.points):
            seen.setdefault((figure.framework, brk.date) if aligned else brk.date, brk)
    return sorted(seen.values(), key=lambda b: b.date)


def _label_line_ends(ax, ends: list[tuple[float, Figure, date | float]]) -> None:
    """Name each line at its right end, spreading labels apart (in axes space) so they never overlap."""
    if not ends:
        return
    to_axes = ax.transAxes.inverted()
    placed: list[tuple[float, Figure]] = []
    for _value, figure, x in sorted(ends, key=lambda e: e[0]):
        last = figure.points[-1]
        x_num = mdates.date2num(x) if isinstance(x, date) else x
        _, y = to_axes.transform(ax.transData.transform((x_num, last.value)))
        placed.append((float(y), figure))
    min_gap = 0.065
    ys = [y for y, _ in placed]
    for i in range(1, len(ys)):
        ys[i] = max(ys[i], ys[i - 1] + min_gap)
    overflow = ys[-1] - 1.0 if ys else 0
    if overflow > 0:
        ys = [y - overflow for y in ys]
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = min(ys[i], ys[i + 1] - min_gap)
    for y, (_, figure) in zip(ys, placed, strict=True):
        ax.annotate(
            f"{figure.name} {fmt.human(figure.points[-1].value)}",
            xy=(1.01, y),
            xycoords="axes fraction",
            fontsize=9,
            color=figure.colour,
            fontweight="bold",
            va="center",
            annotation_clip=False,
        )


def render_languages(makes: Sequence[Make]) -> bytes:
    """The language make-up of repositories: a compact horizontal-bar panel per framework."""
    heights = [0.28 * max(1, len(m.shares)) + 0.45 for m in makes]
    fig, axes = plt.subplots(
        len(makes), 1, squeeze=False, figsize=(6.0, sum(heights) + 0.2), dpi=110, gridspec_kw={"height_ratios": heights}
    )
    try:
        for ax, make in zip(axes[:, 0], makes, strict=True):
            langs = [lang for lang, _, _ in make.shares][::-1]
            shares = [share for _, _, share in make.shares][::-1]
            colours = ["#B0B0B0" if lang == OTHER else make.colour for lang in langs]
            bars = ax.barh(langs, shares, color=colours, height=0.7)
            for bar, share in zip(bars, shares, strict=True):
                y = bar.get_y() + bar.get_height() / 2
                ax.text(bar.get_width() + 1, y, f"{share:.1f}%", va="center", fontsize=8)
            ax.set_xlim(0, 112)
            ax.set_title(f"{make.name}: bytes of code by language ({make.date.isoformat()})", fontsize=9, loc="left")
            ax.tick_params(axis="both", labelsize=8, length=0)
            ax.set_xticks([])
            for side in ("top", "right", "bottom"):
                ax.spines[side].set_visible(False)
        repos = ", ".join(f"/repos/{catalog()[m.framework].github}/languages" for m in makes)
        fig.text(0.99, 0.005, f"Source: GitHub {repos}", ha="right", va="bottom", fontsize=6)
        fig.tight_layout(pad=0.4)
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()
    finally:
        plt.close(fig)


def write_chart(png: bytes | None, path: str, *, prog: str = "fwtrend") -> bool:
    """Write a chart for `--chart PATH`; with no chart, write nothing and say so on stderr."""
    if png is None:
        print(f"{prog}: no chart for this answer; {path} not written", file=sys.stderr)
        return False
    Path(path).write_bytes(png)
    print(f"{prog}: chart written to {path}", file=sys.stderr)
    return True
