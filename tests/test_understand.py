"""The public question set: each realistic question and the understanding it must get."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.query import parse
from bot.understand import button_value, query_from_button, understand

SET = yaml.safe_load((Path(__file__).parent / "questions.yaml").read_text(encoding="utf-8"))
TODAY: date = SET["today"]
QUESTIONS = SET["questions"]


def test_the_set_is_big_enough():
    assert len(QUESTIONS) >= 150
    assert len({q["text"] for q in QUESTIONS}) == len(QUESTIONS), "duplicate questions"


def _check(query, expected: dict) -> None:
    got = query.contract_dict()
    assert got["intent"] == expected["intent"], got
    assert got["frameworks"] == expected["frameworks"], got
    for key in ("metric", "since", "until"):
        if key in expected:
            want = expected[key]
            assert got[key] == (want.isoformat() if isinstance(want, date) else want), (key, got)
    if "rate" in expected:
        assert query.rate is expected["rate"], got
    if "unknown" in expected:
        assert query.unknown == expected["unknown"], got
    if "suggestions" in expected:
        assert query.suggestions == expected["suggestions"], got
    if "corrections" in expected:
        assert query.corrections == expected["corrections"], got
    if "alternatives" in expected:
        assert len(query.alternatives) == expected["alternatives"], got
        assert query.question, got
    if "args" in expected:
        assert query.args == expected["args"], got


@pytest.mark.parametrize("case", QUESTIONS, ids=[q["text"][:50] or "<empty>" for q in QUESTIONS])
def test_question(case):
    _check(understand(case["text"], today=TODAY), case)


STRICT = [
    "pytorch vs tensorflow",
    "pytorch vs tf stars since 2020",
    "jax, flax and pytorch new stars last 6 months",
    "top downloads in 2023",
    "jax",
    "keras vs tensorflow 2019-2021",
    "subscribe pytorch vs tf weekly",
    "help",
    "sources",
    "article",
    "onnx & mxnet forks ytd",
]


@pytest.mark.parametrize("text", STRICT)
def test_strict_grammar_reads_exactly_as_parse(text):
    assert understand(text, today=TODAY) == parse(text, today=TODAY)


def test_long_text_is_truncated_and_says_so():
    query = understand("pytorch vs tensorflow " + "very " * 200, today=TODAY)
    assert query.truncated
    assert query.frameworks == ["pytorch", "tensorflow"]


def test_clarify_alternatives_survive_a_button_round_trip():
    query = understand("pytorch lite", today=TODAY)
    assert query.question == "PyTorch or PyTorch Lightning?"
    for alternative in query.alternatives:
        value = button_value(alternative)
        assert len(value) <= 2000
        back = query_from_button(value, today=TODAY)
        assert back.contract_dict() == alternative.contract_dict()


def test_button_with_plain_text_is_understood():
    assert query_from_button("is jax growing faster than pytorch", today=TODAY).intent == "growth"


def test_same_text_same_reading():
    text = "when did pytroch overtake tensorflow in dowloads since 2019?"
    assert understand(text, today=TODAY) == understand(text, today=TODAY)
