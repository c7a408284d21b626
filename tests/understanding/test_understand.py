"""The public question set: each realistic question and the understanding it must get."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.understanding.grammar import parse
from bot.understanding.query import decode_query, encode_query
from bot.understanding.reader import understand

SET = yaml.safe_load((Path(__file__).parent.parent / "questions.yaml").read_text(encoding="utf-8"))
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
        value = encode_query(alternative)
        assert len(value) <= 2000
        back = decode_query(value)
        assert back.contract_dict() == alternative.contract_dict()


def test_same_text_same_reading():
    text = "when did pytroch overtake tensorflow in dowloads since 2019?"
    assert understand(text, today=TODAY) == understand(text, today=TODAY)


# -- a point in time asked in plain English --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "frameworks", "metric", "at", "month"),
    [
        ("how many stars did pytorch have in march 2022?", ["pytorch"], "github_stars", date(2022, 3, 1), True),
        (
            "what were tensorflow downloads at the end of 2021?",
            ["tensorflow"],
            "pypi_downloads",
            date(2021, 12, 31),
            False,
        ),
        ("how did jax compare with flax on stars in jan 2023", ["jax", "flax"], "github_stars", date(2023, 1, 1), True),
        ("what did pytorch look like at the end of march 2022?", ["pytorch"], None, date(2022, 3, 31), False),
    ],
)
def test_plain_english_question_about_a_date_keeps_the_date(text, frameworks, metric, at, month):
    query = understand(text, today=TODAY)
    assert (query.at, query.at_month) == (at, month), query.contract_dict()
    assert query.frameworks == frameworks and query.metric == metric
    assert query.intent in {"compare", "profile"}
    assert not query.unknown and (query.since, query.until) == (None, None)


@pytest.mark.parametrize(
    "text", ["pytorch stars at the end of march", "how was tensorflow doing in december?", "jax in the start of may"]
)
def test_month_names_and_end_of_are_never_unknown_names(text):
    assert understand(text, today=TODAY).unknown == []


def test_a_month_alone_is_not_a_framework():
    query = understand("in march?", today=TODAY)
    assert query.unknown == [] and query.frameworks == []


# -- odd input is said, not silently reinterpreted --------------------------------------------------
def test_an_impossible_month_is_not_read_as_a_year():
    text = "pytorch stars since 2021-13"
    for query in (understand(text, today=TODAY), parse(text, today=TODAY)):
        assert (query.since, query.until, query.period_label) == (None, None, None), query.contract_dict()
        assert query.notes == ["I couldn't read “2021-13” as a month, so I left out that period."]
        assert query.frameworks == ["pytorch"] and query.unknown == []


def test_a_huge_period_is_clamped_and_says_so():
    query = understand("jax last 999999999 months", today=TODAY)
    assert query.since == date(1996, 11, 25)
    assert query.notes == ["I can't go back 999,999,999 months: I used the last 360 months."]
    assert query.contract_dict()["notes"] == query.notes


def test_a_period_starting_in_the_future_is_dropped_and_says_so():
    future = ("pytorch stars since 2030", "pytorch vs jax in 2031", "how many stars did pytorch have in march 2030?")
    for text in future:
        query = understand(text, today=TODAY)
        assert (query.since, query.until, query.at) == (None, None, None), query.contract_dict()
        assert len(query.notes) == 1 and "is in the future" in query.notes[0], query.notes


def test_long_text_is_cut_at_a_word_boundary():
    query = understand("pytorch vs tensorflow " * 250, today=TODAY)
    assert query.truncated
    assert query.unknown == [] and query.frameworks == ["pytorch", "tensorflow"]
    assert query.text.endswith(("pytorch", "vs", "tensorflow"))


def test_markup_is_not_a_name_and_unknown_names_do_not_overlap():
    for text in ("<script>alert(1)</script> vs pytorch", "&lt;script&gt;alert(1)&lt;/script&gt; vs pytorch"):
        query = understand(text, today=TODAY)
        assert query.frameworks == ["pytorch"]
        assert "script" not in " ".join(query.unknown), query.unknown
        assert len(query.unknown) <= 1
