"""The slash-command grammar: what each kind of text is understood as."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.understanding.grammar import parse, query_text
from bot.understanding.query import Query
from bot.understanding.text import MAX_TEXT

TODAY = date(2026, 11, 25)


def p(text: str) -> Query:
    return parse(text, today=TODAY)


@pytest.mark.parametrize(
    "text, frameworks",
    [
        ("pytorch vs tensorflow", ["pytorch", "tensorflow"]),
        ("torch vs tf", ["pytorch", "tensorflow"]),
        ("PyTorch VS TensorFlow", ["pytorch", "tensorflow"]),
        ("jax, flax and keras", ["jax", "flax", "keras"]),
        ("sklearn versus pytorch lightning", ["scikit-learn", "lightning"]),
        ("hf transformers vs tensorflow vs jax", ["transformers", "tensorflow", "jax"]),
        ("Hugging Face Transformers against PaddlePaddle", ["transformers", "paddlepaddle"]),
        ("mxnet / onnx", ["mxnet", "onnx"]),
    ],
)
def test_names_and_aliases_resolve_in_the_order_typed(text, frameworks):
    q = p(text)
    assert q.intent == "compare"
    assert q.frameworks == frameworks


@pytest.mark.parametrize(
    "text, metric, rate",
    [
        ("pytorch vs tensorflow stars", "github_stars", False),
        ("pytorch vs tensorflow new stars", "github_stars", True),
        ("pytorch vs tensorflow forks", "github_forks", False),
        ("pytorch vs tensorflow contributors", "github_contributors", False),
        ("pytorch vs tensorflow downloads", "pypi_downloads", False),
        ("pytorch vs tensorflow npm", "npm_downloads", False),
        ("pytorch vs tensorflow questions", "so_questions", False),
        ("pytorch vs tensorflow models", "hf_models", False),
        ("pytorch vs tensorflow papers", "arxiv_papers", False),
        ("pytorch vs tensorflow survey", "survey_usage", False),
    ],
)
def test_metric_words(text, metric, rate):
    q = p(text)
    assert (q.metric, q.rate) == (metric, rate)
    assert q.frameworks == ["pytorch", "tensorflow"]


@pytest.mark.parametrize(
    "text, since, until",
    [
        ("pytorch vs jax since 2020", date(2020, 1, 1), None),
        ("pytorch vs jax since 2021-06", date(2021, 6, 1), None),
        ("pytorch vs jax last 6 months", date(2026, 5, 25), None),
        ("pytorch vs jax last 2 years", date(2024, 11, 25), None),
        ("pytorch vs jax in 2023", date(2023, 1, 1), date(2023, 12, 31)),
        ("pytorch vs jax 2019-2021", date(2019, 1, 1), date(2021, 12, 31)),
        ("pytorch vs jax between 2019 and 2021", date(2019, 1, 1), date(2021, 12, 31)),
        ("pytorch vs jax this year", date(2026, 1, 1), None),
        ("pytorch vs jax ytd", date(2026, 1, 1), None),
    ],
)
def test_periods(text, since, until):
    q = p(text)
    assert (q.since, q.until) == (since, until)
    assert q.frameworks == ["pytorch", "jax"]


def test_one_framework_is_a_profile():
    assert p("jax").intent == "profile"
    assert p("jax").frameworks == ["jax"]


def test_one_framework_with_a_metric_is_its_trend():
    q = p("jax stars since 2022")
    assert (q.intent, q.frameworks, q.metric) == ("compare", ["jax"], "github_stars")


@pytest.mark.parametrize("text", ["top", "top stars", "top downloads last 6 months", "rank papers"])
def test_top_is_a_leaderboard(text):
    assert p(text).intent == "leaderboard"


def test_top_keeps_its_metric():
    assert p("top downloads").metric == "pypi_downloads"


@pytest.mark.parametrize("text, intent", [("help", "help"), ("", "help"), ("   ", "help"), ("sources", "sources")])
def test_commands(text, intent):
    assert p(text).intent == intent


def test_a_typo_gets_did_you_mean():
    q = p("pytorch vs tenserflow")
    assert q.unknown == ["tenserflow"]
    assert q.suggestions["tenserflow"][0] == "tensorflow"


def test_an_untracked_name_is_reported_not_guessed():
    q = p("pytorch vs caffe")
    assert q.unknown == ["caffe"]
    assert "caffe" not in q.suggestions
    assert q.frameworks == ["pytorch"]


def test_slack_mentions_and_links_are_not_names():
    q = p("<@U123ABC> <!channel> pytorch vs <https://x.example|tf>")
    assert q.frameworks == ["pytorch", "tensorflow"]
    assert q.unknown == []


def test_huge_text_is_cut_and_flagged():
    q = p("pytorch vs tensorflow " + "x" * 10_000)
    assert q.truncated
    assert len(q.text) <= MAX_TEXT
    assert q.frameworks == ["pytorch", "tensorflow"]


@pytest.mark.parametrize(
    "text",
    ["'; DROP TABLE observations; --", "<script>alert(1)</script>", "\x00\x01\x1b[31m", "🚀🔥", "%s%s%n", "vs vs vs"],
)
def test_hostile_text_never_raises(text):
    q = p(text)
    assert q.intent in {"unknown", "help"}
    assert q.frameworks == []


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=700))
def test_any_text_parses_to_a_query(text):
    q = parse(text, today=TODAY)
    assert isinstance(q, Query)
    assert all(isinstance(f, str) for f in q.frameworks)


@pytest.mark.parametrize(
    "text",
    ["pytorch vs tensorflow stars since 2020-01", "top downloads", "jax vs flax new stars 2019-2021", "keras in 2023"],
)
def test_query_text_parses_back_to_the_same_query(text):
    q = p(text)
    again = p(query_text(q))
    assert (again.intent, again.frameworks, again.metric, again.rate, again.since, again.until) == (
        q.intent,
        q.frameworks,
        q.metric,
        q.rate,
        q.since,
        q.until,
    )


def test_unknown_names_that_overlap_are_given_once():
    q = p("caffe net vs pytorch vs caffe")
    assert q.unknown == ["caffe net"]


def test_html_tags_are_stripped_after_unescaping():
    for text in ("<script>alert(1)</script> vs pytorch", "&lt;b&gt;pytorch&lt;/b&gt; vs tf"):
        q = p(text)
        assert "script" not in " ".join(q.unknown) and "b" not in q.unknown, q.unknown
    assert p("&lt;b&gt;pytorch&lt;/b&gt; vs tf").frameworks == ["pytorch", "tensorflow"]


def test_cut_text_drops_the_partial_last_word():
    q = p("pytorch vs tensorflow " * 250)
    assert q.truncated and len(q.text) <= MAX_TEXT
    assert q.unknown == [] and q.frameworks == ["pytorch", "tensorflow"]


@pytest.mark.parametrize(
    ("text", "since", "note"),
    [
        (
            "jax last 999999999 months",
            date(1996, 11, 25),
            "I can't go back 999,999,999 months: I used the last 360 months.",
        ),
        ("jax last 50 years", date(1996, 11, 25), "I can't go back 50 years: I used the last 30 years."),
        ("jax last 0 months", date(2026, 10, 25), "I can't go back 0 months: I used the last month."),
        ("jax last 365 days", date(2025, 11, 25), None),
    ],
)
def test_period_lengths_are_clamped_with_a_note(text, since, note):
    q = p(text)
    assert q.since == since
    assert q.notes == ([note] if note else [])


@pytest.mark.parametrize(
    "text", ["pytorch since 2030", "pytorch in 2030", "pytorch 2029-2031", "pytorch since 2027-01"]
)
def test_periods_starting_in_the_future_are_dropped_with_a_note(text):
    q = p(text)
    assert (q.since, q.until, q.period_label) == (None, None, None)
    assert q.frameworks == ["pytorch"] and q.unknown == []
    assert len(q.notes) == 1 and "is in the future" in q.notes[0]


def test_an_impossible_month_is_noted_not_read_as_a_year():
    q = p("pytorch stars since 2021-13")
    assert q.since is None
    assert q.notes == ["I couldn't read “2021-13” as a month, so I left out that period."]


def test_contract_keys_come_first():
    assert list(p("pytorch since 2030").contract_dict())[:5] == ["intent", "frameworks", "metric", "since", "until"]


def test_a_bare_slack_link_is_not_a_name():
    q = p("<https://pytorch.org> pytorch vs tensorflow")
    assert q.frameworks == ["pytorch", "tensorflow"]
    assert q.unknown == []
