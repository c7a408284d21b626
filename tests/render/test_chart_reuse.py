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


def test_the_png_encoder_writes_a_png_any_reader_decodes_to_the_same_pixels():
    rng = np.random.default_rng(14)
    rgb = rng.integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    rgb[:10] = 255  # flat rows, as most of a chart is
    png = chart.encode_png(rgb, dpi=120)
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.mode, image.size) == ("PNG", "RGB", (53, 37))
    assert round(image.info["dpi"][0]) == 120
    assert np.array_equal(np.asarray(image), rgb)


def test_a_chart_keeps_its_unit_gaps_and_counting_changes(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs mxnet downloads", today=TODAY)
    assert answer.chart.breaks or chart._chart_breaks(answer.chart)

    def draw_and_keep_texts():
        texts = []
        original = chart._clear

        def spy(f, a):  # read the drawn texts before the figure is cleared for the next chart
            texts.extend(t.get_text() for t in [a.title, a._left_title, *a.texts, *f.texts, f._suptitle] if t)
            texts.extend(str(line.get_linestyle()) for line in a.lines)
            original(f, a)

        chart._clear = spy
        try:
            render_chart(answer)
        finally:
            chart._clear = original
        return texts

    texts = _in_a_new_thread(draw_and_keep_texts)
    assert "all history · downloads/day (log scale)" in texts  # the unit, now beside the period
    assert any(t.startswith("PyTorch ") for t in texts) and any(t.startswith("MXNet ") for t in texts)
    assert ":" in texts  # a change of counting method: a dotted line
    assert any("dotted line: counting method changed" in t for t in texts)
