"""The one button codec: a Query written into a button's value and read back whole."""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.understanding.query import MAX_ENCODED, Query, decode_query, encode_query
from bot.understanding.reader import understand

TODAY = date(2026, 11, 25)


@pytest.mark.parametrize(
    "text",
    [
        "pytorch vs tensorflow stars since 2020",
        "jax, flax and pytorch new stars last 6 months",
        "top downloads in 2023",
        "pytorch stars in march 2023",
        "has pytorch passed tensorflow on downloads",
        "is jax growing faster than pytorch between 2021 and 2023",
        "pytroch vs tensorflow on a log scale",
        "pytorch lite",
    ],
)
def test_a_query_survives_a_button_round_trip(text):
    query = understand(text, today=TODAY)
    value = encode_query(query)
    assert len(value) <= MAX_ENCODED
    back = decode_query(value)
    assert back == query.model_copy(update={"text": "", "suggestions": {}, "truncated": False})


def test_the_readings_of_a_clarifying_question_survive_a_round_trip():
    query = understand("pytorch lite vs tensorflow downloads", today=TODAY)
    assert query.intent == "clarify" and len(query.alternatives) == 2
    for alternative in query.alternatives:
        assert decode_query(encode_query(alternative)).contract_dict() == alternative.contract_dict()


@pytest.mark.parametrize("value", ["is jax growing faster than pytorch", "pytorch vs tf", "", "{not json", "[1, 2]"])
def test_an_old_plain_text_button_value_is_not_taken_for_a_query(value):
    assert decode_query(value) is None


def test_an_older_compact_button_value_still_reads():
    value = json.dumps({"intent": "compare", "frameworks": ["pytorch", "jax"], "metric": "github_stars",
                        "since": "2020-01-01", "period_label": "since 2020"})  # fmt: skip
    query = decode_query(value)
    assert query == Query(intent="compare", frameworks=["pytorch", "jax"], metric="github_stars",
                          since=date(2020, 1, 1), period_label="since 2020")  # fmt: skip


def test_a_value_of_another_query_shape_is_refused_not_guessed():
    assert decode_query(json.dumps({"intent": "no such intent", "frameworks": ["jax"]})) is None
    assert decode_query(json.dumps({"intent": "compare", "since": "2021-13-01"})) is None


def test_a_button_value_never_exceeds_the_limit_even_for_many_frameworks():
    query = understand("pytorch vs tensorflow vs jax vs keras vs mxnet vs onnx vs flax vs scikit-learn", today=TODAY)
    assert len(encode_query(query)) <= MAX_ENCODED
