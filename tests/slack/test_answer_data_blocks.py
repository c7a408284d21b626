"""Answers as Slack `table` and `data_visualization` blocks, from the real engine and the bundled figures:
what fits goes native, what doesn't keeps the monospace table and the PNG, and every figure is a stored one."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.aligned import months_between
from bot.answering.engine import answer_text
from bot.answering.scale import use_log_scale
from bot.render.chart import render_chart
from bot.render.table import answer_rows
from bot.slack.blocks.answer import render_blocks
from bot.slack.blocks.native_chart import answer_chart
from bot.slack.blocks.table import MAX_CELLS, answer_table, table_block
from tests.support.block_kit_rules import message_errors

TODAY = date(2026, 11, 25)


def _types(payload) -> list[str]:
    return [b["type"] for b in payload["blocks"]]


def _cell_text(cell) -> str:
    if cell["type"] == "raw_text":
        return cell["text"]
    return "".join(e["text"] for section in cell["elements"] for e in section["elements"])


@pytest.mark.parametrize(
    "text", ["pytorch vs tensorflow", "jax", "top stars", "is jax growing faster than pytorch?", "keras vs onnx forks"]
)
def test_the_figures_go_in_a_table_block_with_the_same_cells_as_the_terminal_table(seeded_store, text):
    answer = answer_text(seeded_store, text, today=TODAY)
    block = answer_table(answer)
    assert [[_cell_text(c).strip() for c in row] for row in block["rows"]] == answer_rows(answer)
    payload = render_blocks(answer, today=TODAY)
    assert _types(payload).count("table") == 1 and message_errors(payload) == []
    assert not any(b["type"] == "section" and "```" in b["text"]["text"] for b in payload["blocks"])


def test_the_classic_message_keeps_the_monospace_table_and_no_new_blocks(seeded_store):
    answer = answer_text(seeded_store, "jax vs flax downloads last 12 months", today=TODAY)
    classic = render_blocks(answer, today=TODAY, native=False)
    assert "table" not in _types(classic) and "data_visualization" not in _types(classic)
    assert any(b["type"] == "section" and "```" in b["text"]["text"] for b in classic["blocks"])


def test_rows_beyond_slacks_table_limits_keep_the_monospace_table():
    assert table_block([["x"] * MAX_CELLS] * 100) is not None
    assert table_block([["x"] * (MAX_CELLS + 1)] * 2) is None
    assert table_block([["x", "y"]] * 101) is None


@pytest.mark.parametrize(
    "text",
    [
        "jax vs flax downloads last 12 months",
        "jax",
        "xgboost vs lightgbm stars",
        "pytorch vs mxnet downloads since 2025-07",
    ],
)
def test_a_chart_within_the_limits_goes_native_with_a_stored_figure_in_every_category(seeded_store, text):
    answer = answer_text(seeded_store, text, today=TODAY)
    block = answer_chart(answer)
    assert block is not None and message_errors(render_blocks(answer, today=TODAY)) == []
    chart = block["chart"]
    assert chart["type"] == "line" and 2 <= len(chart["axis_config"]["categories"]) <= 20
    assert len(block["title"]) <= 50
    if "log scale" in block["title"]:
        return  # the log10 values are checked in test_chart_scale_and_alignment
    for series in chart["series"]:
        figure = next(f for f in answer.chart.figures if f.name == series["name"])
        stored = {round(p.value, 4) for p in figure.points}
        assert all(round(point["value"], 4) in stored for point in series["data"])


def test_a_category_holds_the_last_stored_figure_dated_within_it(seeded_store):
    answer = answer_text(seeded_store, "jax vs flax downloads last 12 months", today=TODAY)
    block = answer_chart(answer)
    jax = next(f for f in answer.chart.figures if f.name == "JAX")
    first = jax.points[0].date
    for point in block["chart"]["series"][0]["data"]:
        month = point["label"]
        within = [p for p in jax.points if p.date.strftime("%Y-%m") == month]
        assert point["value"] == pytest.approx(within[-1].value, abs=1e-4)
        assert months_between(first, within[-1].date) >= 0


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("pytorch vs tensorflow", "spans the 2025-06-30 change of counting method (dotted on the PNG)"),
        ("is jax growing faster than pytorch?", "spans the change of counting method"),
        ("pytorch vs tensorflow stars", "a long history with gaps in the weekly snapshots"),
    ],
)
def test_charts_that_dont_fit_keep_the_png(seeded_store, text, why):
    answer = answer_text(seeded_store, text, today=TODAY)
    assert answer_chart(answer) is None, why
    assert render_chart(answer)[:4] == b"\x89PNG"
    assert "data_visualization" not in _types(render_blocks(answer, today=TODAY))


@pytest.mark.parametrize("text", ["top stars", "top new stars since 2024", "top downloads linear"])
def test_a_leaderboard_is_a_bar_chart_of_each_latest_figure(seeded_store, text):
    answer = answer_text(seeded_store, text, today=TODAY)
    block = answer_chart(answer)
    assert block["chart"]["type"] == "bar"
    ranked = [f for f in answer.comparisons[0].figures if f.latest]
    assert block["chart"]["axis_config"]["categories"] == [f.name for f in ranked][:20]
    assert [p["value"] for p in block["chart"]["series"][0]["data"]] == pytest.approx(
        [f.latest.value for f in ranked][:20], abs=1e-4
    )


def test_a_leaderboard_on_a_log_scale_keeps_the_png_because_a_bar_is_its_figure(seeded_store):
    answer = answer_text(seeded_store, "top downloads", today=TODAY)  # ~340× between first and last
    assert use_log_scale(answer.comparisons[0], answer.query.scale)
    assert answer_chart(answer) is None
    assert render_chart(answer)[:4] == b"\x89PNG"


@pytest.mark.parametrize("text", ["help", "sources", "article", "pytorch languages"])
def test_answers_without_figures_over_time_have_no_native_chart(seeded_store, text):
    answer = answer_text(seeded_store, text, today=TODAY)
    payload = render_blocks(answer, today=TODAY)
    assert "data_visualization" not in _types(payload) and message_errors(payload) == []
