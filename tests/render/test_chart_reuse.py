"""Charts are drawn on one reused figure per thread (for speed): nothing of one chart reaches the next."""

from __future__ import annotations

import io
import threading
from datetime import date

import numpy as np
from PIL import Image

from bot.answering.engine import answer_text
from bot.render import chart
from bot.render.chart import render_chart, use_log_scale

TODAY = date(2026, 11, 25)


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGBA"))


def _in_a_new_thread(fn):
    out = []
    thread = threading.Thread(target=lambda: out.append(fn()))
    thread.start()
    thread.join()
    return out[0]


def test_a_chart_drawn_after_other_charts_is_the_same_as_one_drawn_on_a_fresh_figure(seeded_store):
    log = answer_text(seeded_store, "pytorch vs mxnet downloads", today=TODAY)
    gaps_and_breaks = answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY)
    five_lines = answer_text(seeded_store, "top downloads", today=TODAY)
    assert use_log_scale(log.chart) and not use_log_scale(gaps_and_breaks.chart)
    for answer in (log, gaps_and_breaks, five_lines):
        alone = _in_a_new_thread(lambda a=answer: render_chart(a))  # a thread's first chart: a fresh figure
        after = _in_a_new_thread(lambda a=answer: [render_chart(b) for b in (five_lines, log, gaps_and_breaks, a)][-1])
        assert np.array_equal(_pixels(alone), _pixels(after)), answer.title


def test_a_reused_figure_keeps_no_line_or_text_of_the_chart_before(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY)

    def draw_then_look():
        render_chart(answer)
        fig, ax = chart._canvas()
        return len(ax.lines), len(ax.texts), len(fig.texts), ax.get_yscale()

    assert _in_a_new_thread(draw_then_look) == (0, 0, 0, "linear")


def test_charts_drawn_on_several_threads_at_once_are_each_whole_pngs(seeded_store):
    answers = [answer_text(seeded_store, q, today=TODAY) for q in ("pytorch vs tensorflow", "top downloads", "jax")]
    expected = [render_chart(a) for a in answers]
    results: dict[int, bytes | None] = {}

    def draw(i: int) -> None:
        results[i] = render_chart(answers[i % 3])

    threads = [threading.Thread(target=draw, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, png in results.items():
        assert png is not None and png.startswith(b"\x89PNG")
        assert np.array_equal(_pixels(png), _pixels(expected[i % 3]))
