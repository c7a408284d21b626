"""Whatever anyone types, fwtrend understands something and answers, without an exception."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.answering.engine import answer_text
from bot.answering.model import Answer
from bot.ingest.seeded import open_seeded_store
from bot.understanding.query import Query
from bot.understanding.reader import understand
from bot.understanding.text import MAX_TEXT

TODAY = date(2026, 11, 25)
WORDS = [
    "pytorch", "tf", "jax", "keras", "sklearn", "hugging face", "hf", "tf.keras", "pytorch lightning",
    "lightning", "tfjs", "vs", "or", "and", ",", "?", "since", "2020", "in 2023", "last 6 months", "ytd",
    "between 2019 and 2021", "growing faster", "overtake", "passed", "top", "most popular", "stars",
    "downloads", "questions", "models", "papers", "survey", "help", "sources", "subscribe", "unsubscribe",
    "what about", "add", "without", "instead of", "<@U123>", "🤗", "⭐", "pytroch", "kears", "lite", "react",
    "-", ".", "&amp;", "<https://x.y|link>", "9999", "0000", "since 1999", "last 0 months", "last 999 years",
]  # fmt: skip
phrases = st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join)
anything = st.one_of(
    st.text(max_size=MAX_TEXT + 200), phrases, st.text(alphabet="abcdefghijklmnopqrstuvwxyz .,?", max_size=80)
)


@pytest.fixture(scope="module")
def store():
    return open_seeded_store(Path(tempfile.mkdtemp()) / "fwtrend.db")


@settings(max_examples=400, deadline=None)
@given(anything)
def test_any_text_is_understood(text):
    query = understand(text, today=TODAY)
    assert isinstance(query, Query)
    assert query.contract_dict()["intent"]


@settings(max_examples=200, deadline=None)
@given(anything, anything)
def test_any_reply_in_a_thread_is_understood(first, reply):
    previous = understand(first, today=TODAY)
    assert isinstance(understand(reply, today=TODAY, context=previous), Query)


@settings(max_examples=150, deadline=None)
@given(anything)
def test_any_text_gets_an_answer_with_a_first_line(store, text):
    answer = answer_text(store, text, today=TODAY)
    assert isinstance(answer, Answer)
    assert answer.headline.strip()


@settings(max_examples=100, deadline=None)
@given(phrases)
def test_clarifications_always_offer_choices(text):
    query = understand(text, today=TODAY)
    if query.intent == "clarify":
        assert query.question and len(query.alternatives) >= 2
        assert all(a.intent != "clarify" for a in query.alternatives)
