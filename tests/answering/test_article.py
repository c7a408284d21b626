"""The 2023 article: every figure it quoted can be asked for as a user would, and `article` checks each claim."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from bot.answering.article import check_article
from bot.answering.engine import answer_text
from bot.answering.model import Answer
from bot.ingest.seeded import open_seeded_store
from bot.paths import seed_dir
from bot.render.terminal import render_text
from bot.store.observations import upsert_observations
from bot.store.opening import forget_stores
from bot.understanding.grammar import parse

TODAY = date(2026, 11, 25)

# How a reader asks for each of the article's figures: (metric, population, as_of) → question.
QUESTIONS = {
    ("survey_usage", "all respondents", "2022-05"): "pytorch vs tensorflow vs keras survey",
    ("survey_usage", "professional developers", "2022-05"): "pytorch vs tensorflow vs keras survey professional",
    ("survey_loved", "respondents using it", "2022-05"): "pytorch vs tensorflow vs transformers loved",
    ("hf_exclusive_models_added", "models added in 2022", "2022-12"): "pytorch vs tensorflow models added",
    ("hf_exclusive_model_share", "framework-exclusive HF models", "2022-12"): "pytorch vs tensorflow hf share",
    ("pwc_paper_share", "Papers with Code implementations", "2022-12"): "pytorch vs tensorflow papers with code",
    ("pwc_paper_share", "Papers with Code implementations", "2021-12"): "tensorflow pwc at the end of 2021",
    ("github_stars", "", "2023-01"): "pytorch vs tensorflow stars in january 2023",
}
# Where our figure for the claim comes from, as the answer must name it.
SOURCE_NAMED = {
    "survey_usage": "Stack Overflow Developer Survey 2022",
    "survey_loved": "Stack Overflow Developer Survey 2022",
    "hf_exclusive_models_added": "AIM, 2023",
    "hf_exclusive_model_share": "AIM, 2023",
    "pwc_paper_share": "Papers with Code trends",
    "github_stars": "best-of-ml-python weekly snapshots",
}


def _article_rows() -> list[dict]:
    with (seed_dir() / "article_figures.csv").open(newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    yield open_seeded_store(tmp_path_factory.mktemp("article") / "fwtrend.db")
    forget_stores()


def _value_in(answer: Answer, framework: str) -> float:
    """The figure the answer gives for a framework: the latest, or for a point in time the one at that date."""
    figure = next(f for f in answer.comparisons[0].figures if f.framework == framework)
    return figure.latest.value


def _all_text(answer: Answer) -> str:
    return " ".join([answer.headline, *answer.lines, *answer.notes, *(s.name for s in answer.sources)])


def test_every_article_figure_has_a_question():
    rows = _article_rows()
    assert len(rows) == 18  # the bundled article table; a new row needs a question below
    for row in rows:
        assert (row["metric"], row["population"], row["as_of"]) in QUESTIONS, row


@pytest.mark.parametrize("row", _article_rows(), ids=lambda r: f"{r['framework']}-{r['metric']}-{r['as_of']}")
def test_asking_for_each_claim_gives_the_article_figure_and_names_its_source(store, row):
    question = QUESTIONS[(row["metric"], row["population"], row["as_of"])]
    answer = answer_text(store, question, today=TODAY)
    assert answer.kind in ("compare", "point_in_time"), render_text(answer)
    got = _value_in(answer, row["framework"])
    quoted = float(row["value"])
    if row["metric"] == "github_stars":
        # The article rounded to the thousand; ours is best-of-ml's count taken at the time.
        assert got == pytest.approx(quoted, rel=0.02)
    else:
        assert got == pytest.approx(quoted, abs=0.005)
    text = _all_text(answer)
    assert SOURCE_NAMED[row["metric"]] in text
    if row["population"] in ("all respondents", "professional developers"):
        assert row["population"] in text
        other = "professional developers" if row["population"] == "all respondents" else "all respondents"
        assert other not in text  # the two survey populations never share an answer
    if row["metric"] == "pwc_paper_share":
        assert "shut down in July 2025" in text


def test_tensorflow_stars_in_january_2023_are_172k_not_the_rebuilt_165k(store):
    answer = answer_text(store, "pytorch vs tensorflow stars in january 2023", today=TODAY)
    assert _value_in(answer, "tensorflow") == 172_239
    assert _value_in(answer, "pytorch") == 61_430
    assert "best-of-ml-python" in " ".join(answer.lines)
    assert "quoted PyTorch 61.0k, TensorFlow 170k" in " ".join(answer.notes)


def test_plain_english_reaches_the_article():
    for text in ("article", "/fwtrend article", "was the 2023 article right?", "Is the article still right?"):
        assert parse(text).intent == "article", text


def test_article_answer_checks_each_claim(store):
    answer = answer_text(store, "was the 2023 article right?", today=TODAY)
    assert answer.kind == "article"
    checks = {c.metric.id: c for c in answer.extra["claims"]}
    assert list(checks) == [
        "survey_usage",
        "survey_usage_professional",
        "survey_loved",
        "hf_exclusive_models_added",
        "hf_exclusive_model_share",
        "pwc_paper_share",
        "github_stars",
    ]

    stars = checks["github_stars"]
    assert stars.verdict == "still true"
    assert {o.framework: o.point.value for o in stars.then} == {"tensorflow": 172_239, "pytorch": 61_430}
    assert {o.point.date for o in stars.then} == {date(2023, 1, 5)}
    assert {o.source for o in stars.then} == {"best-of-ml-python weekly snapshots"}
    assert {o.framework: o.point.value for o in stars.now} == {"tensorflow": 197_212, "pytorch": 102_527}
    assert stars.agreement == "the article's figures match these within rounding"
    assert "1.9× PyTorch now against 2.8× then" in stars.why

    for metric_id in ("survey_usage", "survey_usage_professional", "survey_loved", "hf_exclusive_model_share"):
        assert checks[metric_id].verdict == "cannot check"
        assert checks[metric_id].then == [] and checks[metric_id].now == []  # never the article checking itself
    assert "shut down in July 2025" in checks["pwc_paper_share"].why
    assert "after 2022" in checks["survey_usage"].why


def test_article_text_reads_as_a_fact_check(store):
    answer = answer_text(store, "article", today=TODAY)
    rendered = render_text(answer)
    assert rendered.startswith("Was the 2023 article right?")
    assert max(len(line) for line in rendered.splitlines()) <= 100
    text = _all_text(answer).replace("*", "")
    assert "quoted 7 measures: 1 still true, 0 no longer true, 6 cannot be checked" in text
    assert "7. GitHub stars, January 2023: TensorFlow ~170k, PyTorch ~61k (AIM, 2023 (rounded))." in text
    assert "TensorFlow 12.95%, PyTorch 8.61%, Keras 7.27%" in text
    assert "TensorFlow 11.49%, PyTorch 7.61%, Keras 6.47%" in text
    assert "PyTorch 62% (Dec 2022), TensorFlow 10% (Dec 2021) → 4% (Dec 2022)" in text
    assert "→ Still true:" in text and text.count("→ Cannot check:") == 6
    # The rebuilt star history is named for what it is, never used as the check.
    assert "TensorFlow 165,302 (2023-01-31)" in text and "retained stars by star date" in text


def test_a_reversal_reads_no_longer_true(tmp_path):
    store = open_seeded_store(tmp_path / "fwtrend.db")
    try:
        # A later count where PyTorch has passed TensorFlow (figures made up for this test only).
        upsert_observations(
            store,
            [
                {
                    "framework": "pytorch",
                    "metric": "github_stars",
                    "date": "2030-01-01",
                    "value": 300_000,
                    "source": "github",
                },
                {
                    "framework": "tensorflow",
                    "metric": "github_stars",
                    "date": "2030-01-01",
                    "value": 250_000,
                    "source": "github",
                },
            ],
        )
        stars = next(c for c in check_article(store) if c.metric.id == "github_stars")
        assert stars.verdict == "no longer true"
        assert stars.why.startswith("PyTorch now leads on GitHub stars, 1.2× TensorFlow")
    finally:
        forget_stores()
