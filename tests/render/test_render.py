"""Renderers: Slack messages stay within Block Kit's limits, charts are real PNGs, text reads plainly."""

from __future__ import annotations

import dataclasses
import json
from datetime import date

import pytest

from bot.answering.engine import answer_text, strict_answer_text
from bot.render.chart import render_chart, use_log_scale
from bot.render.terminal import render_text
from bot.slack.blocks.answer import render_blocks
from bot.understanding.query import decode_query

TODAY = date(2026, 11, 25)
QUESTIONS = [
    "pytorch vs tensorflow",
    "pytorch vs tensorflow vs jax vs keras vs flax vs mxnet vs onnx vs paddle vs lightning vs sklearn vs transformers",
    "top downloads",
    "jax",
    "help",
    "sources",
    "pytorch vs tenserflow",
    "pytorch vs tensorflow new stars since 2021",
    "<!channel> " + "x" * 5000,
]


def check_limits(message: dict) -> None:
    assert message["text"] and len(message["text"]) <= 3000
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    action_ids = []
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
        if block["type"] == "actions":
            assert len(block["elements"]) <= 25
            for button in block["elements"]:
                assert len(button["text"]["text"]) <= 75
                assert len(button["value"]) <= 2000
                action_ids.append(button["action_id"])
    assert len(action_ids) == len(set(action_ids)), "action ids must be unique within a message"


@pytest.mark.parametrize("text", QUESTIONS)
def test_every_message_is_within_block_kit_limits(seeded_store, text):
    message = render_blocks(answer_text(seeded_store, text, today=TODAY), chart_file_id="F1", today=TODAY)
    check_limits(message)
    json.dumps(message)


def test_user_text_cannot_ping_anyone(seeded_store):
    message = render_blocks(answer_text(seeded_store, "<!here> pytorch vs <!channel>x", today=TODAY), today=TODAY)
    body = json.dumps(message)
    assert "<!here>" not in body and "<!channel>" not in body


def test_unknown_names_are_escaped_when_echoed(seeded_store):
    message = render_blocks(answer_text(seeded_store, "pytorch vs caf<e>", today=TODAY), today=TODAY)
    assert "<e>" not in json.dumps(message)


def test_comparison_has_figures_sources_and_buttons(seeded_store):
    message = render_blocks(answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY), today=TODAY)
    text = json.dumps(message)
    assert "PyTorch" in text and "TensorFlow" in text
    assert "103k" in text and "197k" in text  # GitHub stars, counted at the time
    assert "Top PyPI packages snapshots* to 2026-03-31" in text
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    metric_ids = [e["action_id"] for e in actions[0]["elements"]]
    assert "fwtrend.metric.github_stars" in metric_ids
    period_ids = [e["action_id"] for e in actions[1]["elements"]]
    assert period_ids == ["fwtrend.period.1y", "fwtrend.period.3y", "fwtrend.period.all", "fwtrend.csv"]


def test_buttons_carry_the_query_they_answer(seeded_store):
    message = render_blocks(answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY), today=TODAY)
    button = next(
        e
        for b in message["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == "fwtrend.metric.github_forks"
    )
    query = decode_query(button["value"])
    assert (query.frameworks, query.metric) == (["pytorch", "tensorflow"], "github_forks")


def test_no_button_offers_a_metric_without_figures(seeded_store):
    # The bundle has no Stack Overflow counts: a button for them would only lead to "no figures yet".
    message = render_blocks(answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY), today=TODAY)
    assert "fwtrend.metric.so_questions" not in json.dumps(message)
    assert "fwtrend.metric.pypi_downloads" in json.dumps(message)


def test_private_answers_offer_share_in_channel(seeded_store):
    message = render_blocks(answer_text(seeded_store, "jax vs flax", today=TODAY), private=True, today=TODAY)
    assert "fwtrend.share" in json.dumps(message)


def test_clarification_offers_the_corrected_question_as_a_button(seeded_store):
    message = render_blocks(strict_answer_text(seeded_store, "pytorch vs tenserflow", today=TODAY), today=TODAY)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert actions["elements"][0]["text"]["text"] == "PyTorch vs TensorFlow"


def test_an_ambiguous_name_offers_one_button_per_reading(seeded_store):
    message = render_blocks(answer_text(seeded_store, "how is hf doing", today=TODAY), today=TODAY)
    [actions] = [b for b in message["blocks"] if b["type"] == "actions"]
    assert len(actions["elements"]) >= 2
    assert all(decode_query(e["value"]) for e in actions["elements"])


def test_the_chart_embeds_when_uploaded(seeded_store):
    message = render_blocks(answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY), chart_file_id="F9")
    [image] = [b for b in message["blocks"] if b["type"] == "image"]
    assert image["slack_file"] == {"id": "F9"}
    assert "PyPI downloads per day" in image["alt_text"]


def test_chart_is_a_png(seeded_store):
    png = render_chart(answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 10_000


def test_no_chart_for_help(seeded_store):
    assert render_chart(answer_text(seeded_store, "help", today=TODAY)) is None


def test_log_scale_when_series_differ_by_more_than_fifty_times(seeded_store):
    wide = answer_text(seeded_store, "scikit-learn vs mxnet downloads", today=TODAY).chart
    close = answer_text(seeded_store, "pytorch vs tensorflow stars", today=TODAY).chart
    assert use_log_scale(wide)
    assert not use_log_scale(close)


def test_terminal_text_has_the_table_notes_and_sources(seeded_store):
    text = render_text(answer_text(seeded_store, "pytorch vs tensorflow", today=TODAY))
    assert text.startswith("PyTorch vs TensorFlow\n")
    assert "PyPI downloads" in text and "Stars" in text
    assert "counting changed on 2025-06-30" in text
    assert "Sources:" in text and "CC BY-SA 4.0" in text


def test_no_empty_button_row_when_no_other_metric_has_figures(seeded_store):
    cached = answer_text(seeded_store, "pytorch vs jax downloads", today=TODAY)
    answer = dataclasses.replace(cached, extra={**cached.extra, "metrics_with_data": ["pypi_downloads"]})
    message = render_blocks(answer, today=TODAY)
    assert all(b.get("elements") for b in message["blocks"] if b["type"] == "actions")
