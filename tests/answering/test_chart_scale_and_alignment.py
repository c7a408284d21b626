"""The chart's scale (log on its own past ~30×, or as asked) and aligned timelines ("since launch"),
said in the answer, on the PNG and on the native chart."""

from __future__ import annotations

import json
from datetime import date

import matplotlib.axes
import pytest

from bot.answering.aligned import figure_at_age, months_between
from bot.answering.engine import answer_text
from bot.answering.scale import LOG_SCALE_RATIO, spread, use_log_scale
from bot.cli import main
from bot.render.chart import render_chart
from bot.render.table import answer_rows
from bot.slack.blocks.native_chart import answer_chart
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)


def _labels(monkeypatch: pytest.MonkeyPatch, answer) -> list[str]:
    """The y and x axis labels and titles the PNG chart of `answer` was drawn with."""
    seen: list[str] = []
    for name in ("set_ylabel", "set_xlabel", "set_title"):
        original = getattr(matplotlib.axes.Axes, name)

        def spy(self, label, *args, _original=original, **kwargs):
            seen.append(str(label))
            return _original(self, label, *args, **kwargs)

        monkeypatch.setattr(matplotlib.axes.Axes, name, spy)
    assert render_chart(answer)[:4] == b"\x89PNG"
    return seen


# -- log scale -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "ratio"),
    [("pytorch vs mxnet downloads", 144), ("tensorflow vs mxnet downloads", 37), ("jax vs mxnet downloads", 32)],
)
def test_log_scale_is_chosen_on_its_own_when_the_compared_values_are_more_than_30_times_apart(
    seeded_store, monkeypatch, text, ratio
):
    answer = answer_text(seeded_store, text, today=TODAY)
    assert round(spread(answer.chart)) == ratio and ratio > LOG_SCALE_RATIO
    assert use_log_scale(answer.chart, answer.query.scale)
    said = f"The chart is on a log scale: the values compared are {ratio}× apart"
    assert any(n.startswith(said) for n in answer.notes)
    assert any("(log scale)" in label for label in _labels(monkeypatch, answer))


@pytest.mark.parametrize(
    "text", ["pytorch vs tensorflow stars", "transformers vs flax downloads", "mxnet vs onnx downloads"]
)
def test_a_linear_scale_is_kept_when_the_compared_values_are_within_30_times(seeded_store, monkeypatch, text):
    answer = answer_text(seeded_store, text, today=TODAY)
    assert spread(answer.chart) < LOG_SCALE_RATIO
    assert not use_log_scale(answer.chart, answer.query.scale)
    assert not any("log scale" in n for n in answer.notes)
    assert not any("log scale" in label for label in _labels(monkeypatch, answer))


def test_pytorch_vs_tensorflow_stars_are_1_9_times_apart_and_stay_linear(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs tensorflow stars", today=TODAY)
    assert round(spread(answer.chart), 1) == 1.9 and not use_log_scale(answer.chart)


def test_a_requested_log_scale_is_said_on_the_png_beside_its_unit(seeded_store, monkeypatch):
    answer = answer_text(seeded_store, "pytorch vs tensorflow stars log", today=TODAY)
    assert any(label.endswith("· stars (log scale)") for label in _labels(monkeypatch, answer))


def test_a_requested_linear_scale_takes_log_off_the_png(seeded_store, monkeypatch):
    answer = answer_text(seeded_store, "pytorch vs mxnet downloads linear", today=TODAY)
    assert not any("log scale" in label for label in _labels(monkeypatch, answer))


def test_the_native_chart_on_a_log_scale_says_so_and_plots_log10_of_real_figures(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs mxnet downloads since 2025-07", today=TODAY)
    block = answer_chart(answer)
    assert block["title"].endswith("(log scale)") and block["chart"]["axis_config"]["y_label"].startswith("log10 of")
    torch = next(s for s in block["chart"]["series"] if s["name"] == "PyTorch")
    figure = next(f for f in answer.chart.figures if f.name == "PyTorch")
    last_in_july = [p for p in figure.points if p.date.strftime("%Y-%m") == "2025-07"][-1]
    assert torch["data"][0] == {"label": "2025-07", "value": round(__import__("math").log10(last_in_july.value), 3)}


@pytest.mark.parametrize(("text", "scale"), [("pytorch vs mxnet downloads log", "log"), ("jax stars linear", "linear")])
def test_fwtrend_parse_shows_the_scale_asked_for(capsys, text, scale):
    assert main(["parse", text]) == 0
    assert json.loads(capsys.readouterr().out)["scale"] == scale


# -- aligned timelines ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "pytorch vs jax downloads since launch",
        "pytorch vs jax downloads from launch",
        "pytorch vs jax downloads aligned",
        "pytorch vs jax downloads since their launch",
    ],
)
def test_since_launch_asks_for_aligned_timelines_and_is_not_read_as_a_period(text):
    query = understand(text, today=TODAY)
    assert query.aligned and query.since is None and query.frameworks == ["pytorch", "jax"]
    assert query.metric == "pypi_downloads" and query.unknown == []


def test_a_period_is_not_an_alignment(capsys):
    assert not understand("pytorch vs jax downloads since 2021", today=TODAY).aligned
    assert main(["parse", "pytorch vs jax downloads since launch"]) == 0
    assert json.loads(capsys.readouterr().out)["aligned"] is True


def test_an_aligned_answer_names_each_ones_first_figure_in_the_source_not_a_launch(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs jax downloads since launch", today=TODAY)
    note = next(n for n in answer.notes if n.startswith("Timelines aligned"))
    assert "PyTorch since its first figure in the source, 2018-02" in note
    assert "JAX since its first figure in the source, 2019-03" in note
    assert "not a launch date" in note


def test_an_aligned_table_shows_each_ones_stored_figure_at_equal_ages(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs jax downloads since launch", today=TODAY)
    rows = answer_rows(answer)
    assert rows[0] == ["", "PyTorch", "JAX"] and rows[1] == ["first figure", "2018-02", "2019-03"]
    by_name = {f.name: f for f in answer.chart.figures}
    for row in rows[3:]:
        age = int(row[0].split()[1])
        for name, cell in zip(rows[0][1:], row[1:], strict=True):
            point = figure_at_age(by_name[name], age)
            if point is None:
                assert cell == "–"  # a gap at that age stays a gap
                continue
            assert point in by_name[name].points and months_between(by_name[name].points[0].date, point.date) == age
            assert cell.endswith(f"({point.date:%Y-%m})")


def test_an_aligned_png_counts_months_since_each_ones_first_figure(seeded_store, monkeypatch):
    answer = answer_text(seeded_store, "keras vs flax stars since launch", today=TODAY)
    labels = _labels(monkeypatch, answer)
    assert "months since each one's first figure in the source" in labels
    assert any("aligned on each one's first figure" in label for label in labels)


def test_an_aligned_native_chart_starts_every_line_at_its_first_figure(seeded_store):
    answer = answer_text(seeded_store, "jax vs flax downloads last 12 months aligned", today=TODAY)
    block = answer_chart(answer)
    assert block["chart"]["axis_config"]["categories"][0] == "first"
    for series in block["chart"]["series"]:
        figure = next(f for f in answer.chart.figures if f.name == series["name"])
        first_month = [p for p in figure.points if months_between(figure.points[0].date, p.date) == 0]
        assert series["data"][0]["value"] == pytest.approx(first_month[-1].value, abs=1e-4)


def test_aligning_an_answer_without_a_timeline_says_it_was_not_done(seeded_store):
    answer = answer_text(seeded_store, "pytorch languages since launch", today=TODAY)
    assert "I didn't align the timelines: this answer has no timeline to align." in answer.notes


@pytest.mark.parametrize(
    ("text", "aligned", "scale"), [("since launch?", True, None), ("and on a log scale?", False, "on a log scale")]
)
def test_a_thread_follow_up_can_ask_for_aligned_timelines_or_a_scale(text, aligned, scale):
    earlier = understand("pytorch vs jax downloads", today=TODAY)
    query = understand(text, today=TODAY, context=earlier)
    assert query.followup and query.frameworks == ["pytorch", "jax"] and query.metric == "pypi_downloads"
    assert (query.aligned, query.scale) == (aligned, scale)
