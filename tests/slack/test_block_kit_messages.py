"""Every kind of message the bot can send is Block Kit Slack accepts, and long answers are laid out, not cut."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import pytest

from bot.answering.article import check_article
from bot.answering.engine import answer_text
from bot.digest.compose import compose
from bot.digest.subscriptions import list_subscriptions
from bot.slack.blocks.answer import encode_query, render_blocks, with_chart
from bot.slack.blocks.digest import render_blocks as render_digest
from bot.slack.blocks.home import home_view
from bot.slack.blocks.layout import body_sections
from bot.slack.blocks.modal import ask_modal
from bot.slack.blocks.subscriptions import message, subscriptions_message
from bot.slack.delivery import with_note
from bot.slack.home import freshness, headlines
from tests.digest.test_digest_compose import END, steady, weekly
from tests.support.block_kit_rules import message_errors, view_errors

TODAY = date(2026, 11, 25)
ALL_ELEVEN = (
    "pytorch vs tensorflow vs jax vs keras vs flax vs mxnet vs onnx vs paddle vs lightning vs sklearn vs transformers"
)
QUESTIONS = [
    "pytorch vs tensorflow",
    ALL_ELEVEN,
    ALL_ELEVEN + " stars in january 2023",
    "jax",
    "top downloads",
    "top new stars since 2024",
    "is jax growing faster than pytorch?",
    "is jax, keras, flax, mxnet, onnx, tensorflow, pytorch, transformers, scikit-learn, paddlepaddle growing faster?",
    "when did pytorch overtake tensorflow in downloads?",
    "pytorch vs tensorflow stars in january 2023",
    "tensorflow languages",
    "article",
    "was the 2023 article right?",
    "sources",
    "help",
    "",
    "pytroch vs tenserflow",
    "hf",
    "foobarbaz vs quuxframework",
    "subscribe",
    "<!channel> " + "x" * 5000,
    "pytorch " + "<@U123> *bold* `code` ```pre``` <https://evil.example|click> &amp; " * 80,
    "pytorch vs " + "a" * 5000,
]


def assert_valid(message: dict) -> None:
    assert message_errors(message) == [], json.dumps(message)[:2000]
    assert message["text"].strip(), "a message with blocks still needs its notification text"


@pytest.mark.parametrize("text", QUESTIONS)
@pytest.mark.parametrize("private", [False, True])
def test_every_answer_is_block_kit_slack_accepts(seeded_store, text, private):
    message = render_blocks(answer_text(seeded_store, text, today=TODAY), private=private, today=TODAY)
    assert_valid(message)
    assert_valid(with_chart(message, "F123", "Chart title " * 300))
    assert_valid(with_note(message, ":lock: Only you can see this."))
    for block in message["blocks"]:
        for button in block.get("elements", []) if block["type"] == "actions" else []:
            json.loads(button["value"])  # a whole query, never a truncated one


def test_the_article_shows_all_seven_claims_and_no_empty_section(seeded_store):
    message = render_blocks(answer_text(seeded_store, "article", today=TODAY), today=TODAY)
    assert_valid(message)
    text = json.dumps(message, ensure_ascii=False)
    numbers = [int(n) for n in re.findall(r"\*(\d)\. ", text)]
    assert numbers == list(range(1, len(check_article(seeded_store)) + 1)) and len(numbers) == 7
    assert "Still true" in text and "Cannot check" in text


def test_long_answers_are_split_over_sections_not_cut(seeded_store):
    answer = answer_text(seeded_store, QUESTIONS[7], today=TODAY)
    assert len(answer.lines) > 10
    message = render_blocks(answer, today=TODAY)
    shown = "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")
    assert all(line in shown for line in answer.lines if line.strip())


def test_what_cannot_fit_is_counted_and_says_where_to_see_it():
    lines = [f"line {i} " + "x" * 2500 for i in range(30)]
    more = "`fwtrend ask growth` in a terminal shows them all"
    sections = body_sections(lines, max_sections=5, more=more, chars=100_000)
    assert len(sections) == 5 and all(0 < len(s) <= 3000 for s in sections)
    shown = sum(s.count("line ") for s in sections[:-1])
    assert (
        sections[-1] == f"_…{30 - shown} more lines not shown here: `fwtrend ask growth` in a terminal shows them all._"
    )


def test_a_5000_character_line_is_split_at_spaces_into_sections():
    sections = body_sections(["word " * 1000, "x" * 5000], max_sections=20, more="", chars=100_000)
    assert all(0 < len(s) <= 3000 for s in sections)
    assert "".join(sections).replace(" ", "") == ("word" * 1000) + "x" * 5000


def test_button_values_hold_whole_queries_even_for_eleven_frameworks(seeded_store):
    answer = answer_text(seeded_store, ALL_ELEVEN + " stars since 2019-03", today=TODAY)
    assert len(encode_query(answer.query)) <= 2000


def test_digests_are_valid_and_say_what_they_left_out(empty_store):
    names = ["pytorch", "tensorflow", "jax", "keras", "onnx"]
    metrics = [
        ("github_stars", "github"),
        ("github_forks", "github"),
        ("npm_downloads", "npm"),
        ("hf_models", "huggingface"),
        ("arxiv_papers", "arxiv"),
        ("stackoverflow_questions", "stackexchange"),
    ]
    for i, fw in enumerate(names):
        for metric, source in metrics:
            weekly(
                empty_store, fw, metric, [*steady(10_000 * (i + 1), 10, 6), 10_000 * (i + 1) + 50 + 4000], source=source
            )
    digest = compose(empty_store, names, "weekly", END)
    payload = render_digest(digest)
    assert_valid(payload)
    if len(digest.movers) > 4:
        assert "more moved" in json.dumps(payload)
    quiet = compose(empty_store, ["flax"], "weekly", END)
    assert_valid(render_digest(quiet))


def test_app_home_draws_the_stars_and_downloads_leaderboards_as_native_bar_charts_of_real_figures(seeded_store):
    found = headlines(seeded_store, TODAY)
    view = home_view(found, freshness(seeded_store), today=TODAY)
    charts = [b for b in view["blocks"] if b["type"] == "data_visualization"]
    assert [c["chart"]["type"] for c in charts] == ["bar", "bar"]
    assert len({b.get("block_id") for b in view["blocks"] if b.get("block_id")}) == len(
        [b for b in view["blocks"] if b.get("block_id")]
    )  # block ids are unique in a view
    for chart, headline in zip(charts, found, strict=True):
        figures = [f for f in headline.comparison.figures if f.latest]
        assert [p["value"] for p in chart["chart"]["series"][0]["data"]] == pytest.approx(
            [f.latest.value for f in figures]
        )
        assert "log" not in chart["title"]


def test_app_home_and_the_ask_modal_are_valid_views(seeded_store):
    assert view_errors(home_view(headlines(seeded_store, TODAY), freshness(seeded_store), today=TODAY)) == []
    assert view_errors(ask_modal()) == []


def test_subscription_replies_of_any_length_are_valid(empty_store):
    long = "\n".join(f"<#C{i:08d}> weekly on Monday at 09:00 for PyTorch, TensorFlow, JAX" for i in range(200))
    payload = message(long, "Usage: `/fwtrend subscribe`")
    assert_valid(payload)
    shown = "\n".join(b["text"]["text"] for b in payload["blocks"] if b["type"] == "section")
    assert shown == long
    now = datetime(2026, 11, 30, tzinfo=UTC)
    assert_valid(subscriptions_message(list_subscriptions(empty_store, None, "T1"), now))
