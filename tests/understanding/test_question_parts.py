"""Every part of a question is applied or named in the answer as not applied, with the reason.

A period's end ("until 2024-08", "from march 2023 to june 2024") ends the answer's figures, its
"as of" dates, its change and its chart, in every kind of answer; qualifiers the data cannot honour
("without mirrors", "on linux", "log scale") and dates or words nothing used are named in the
answer, in the terminal and in Slack alike. Both readers (the slash grammar and plain English).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from bot.answering.engine import answer_text
from bot.answering.scale import use_log_scale
from bot.cli import main
from bot.render.terminal import render_text
from bot.slack.blocks.answer import render_blocks
from bot.understanding.grammar import parse, query_text
from bot.understanding.query import Query
from bot.understanding.reader import understand
from tests.slack.test_slack_app import Bot, bot, running, texts  # noqa: F401  (the end-to-end Slack fixtures)

TODAY = date(2026, 11, 25)
READERS = {"strict": parse, "english": understand}


def _read(reader: str, text: str) -> Query:
    return READERS[reader](text, today=TODAY)


def _all_points(answer):
    return [p for c in answer.comparisons for f in c.figures for p in f.points]


# -- reading a period's end ------------------------------------------------------------------------
PERIODS = [
    ("since 2024-07 until 2024-08", date(2024, 7, 1), date(2024, 8, 31)),
    ("from 2021 to 2023", date(2021, 1, 1), date(2023, 12, 31)),
    ("from 2022-03 through 2023-09", date(2022, 3, 1), date(2023, 9, 30)),
    ("between 2021 and 2022", date(2021, 1, 1), date(2022, 12, 31)),
    ("between march 2021 and june 2022", date(2021, 3, 1), date(2022, 6, 30)),
    ("2021-03 to 2022-06", date(2021, 3, 1), date(2022, 6, 30)),
    ("from march 2023 to june 2024", date(2023, 3, 1), date(2024, 6, 30)),
    ("from march to june 2024", date(2024, 3, 1), date(2024, 6, 30)),
    ("jan 2023 - mar 2023", date(2023, 1, 1), date(2023, 3, 31)),
    ("since 2020 until the end of 2022", date(2020, 1, 1), date(2022, 12, 31)),
    ("until 2024-08", None, date(2024, 8, 31)),
    ("until 2024-08-15", None, date(2024, 8, 15)),
    ("before 2024-08", None, date(2024, 7, 31)),
    ("up to june 2024", None, date(2024, 6, 30)),
    ("through 2023", None, date(2023, 12, 31)),
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(("period", "since", "until"), PERIODS)
def test_a_period_end_is_read_in_every_form_by_both_readers(reader, period, since, until):
    q = _read(reader, f"pytorch vs tensorflow downloads {period}")
    assert (q.intent, q.frameworks, q.metric) == ("compare", ["pytorch", "tensorflow"], "pypi_downloads")
    assert (q.since, q.until) == (since, until)
    assert q.unknown == [] and q.notes == []


@pytest.mark.parametrize("since_until", [(date(2023, 3, 1), date(2024, 6, 30)), (None, date(2024, 8, 31)),
                                         (date(2024, 7, 1), date(2024, 8, 31)), (None, date(2022, 12, 31)),
                                         (date(2021, 1, 1), date(2022, 12, 31)), (date(2022, 5, 1), None)])  # fmt: skip
def test_a_period_with_an_end_survives_buttons_and_follow_ups(since_until):
    since, until = since_until
    q = Query(intent="compare", frameworks=["pytorch", "jax"], metric="github_stars", since=since, until=until)
    again = parse(query_text(q), today=TODAY)
    assert (again.since, again.until) == (since, until)


@pytest.mark.parametrize("reader", READERS)
def test_a_start_typed_apart_from_the_end_counts_back_from_that_end(reader):
    q = _read(reader, "pytorch vs tensorflow new stars over the last 2 years until 2025")
    assert (q.since, q.until, q.rate) == (date(2023, 12, 31), date(2025, 12, 31), True)
    q = _read(reader, "pytorch vs tensorflow stars until 2024-08 since 2024-07")
    assert (q.since, q.until) == (date(2024, 7, 1), date(2024, 8, 31))


def test_a_two_digit_year_after_till_is_an_end():
    q = understand("pytorch vs tensorflow till '22", today=TODAY)
    assert (q.since, q.until) == (None, date(2022, 12, 31))


def test_an_end_as_a_thread_follow_up_keeps_the_earlier_start():
    earlier = parse("pytorch vs tensorflow stars since 2020", today=TODAY)
    q = understand("until 2023?", today=TODAY, context=earlier)
    assert (q.followup, q.since, q.until) == (True, date(2020, 1, 1), date(2023, 12, 31))


def test_an_end_typed_before_its_start_is_swapped_and_said():
    q = understand("pytorch vs tensorflow stars from 2024 to 2020", today=TODAY)
    assert (q.since, q.until) == (date(2020, 1, 1), date(2024, 12, 31))
    assert any("from 2024 to 2020" in n for n in q.notes)


def test_a_period_wholly_in_the_future_is_left_out_and_said():
    q = parse("pytorch vs tensorflow stars from 2030 to 2031", today=TODAY)
    assert (q.since, q.until) == (None, None)
    assert any("future" in n for n in q.notes)


def test_fwtrend_parse_prints_the_end_and_the_notes(capsys):
    assert main(["parse", "pytorch vs tensorflow downloads since 2024-07 until 2024-08 without mirrors"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert (parsed["since"], parsed["until"]) == ("2024-07-01", "2024-08-31")
    assert any("without mirrors" in n for n in parsed["notes"])


# -- answers end at the end ------------------------------------------------------------------------
def test_a_comparison_ends_its_latest_value_change_and_chart_at_the_asked_end(seeded_store):
    open_ended = answer_text(seeded_store, "pytorch vs tensorflow downloads since 2024-07", today=TODAY)
    assert max(p.date for p in _all_points(open_ended)) > date(2024, 8, 31)  # the data goes on past the end

    answer = answer_text(seeded_store, "pytorch vs tensorflow downloads since 2024-07 until 2024-08", today=TODAY)
    (c,) = answer.comparisons
    assert [f.latest.date for f in c.figures] == [date(2024, 8, 30)] * 2
    assert all(p.date <= date(2024, 8, 31) for f in answer.chart.figures for p in f.points)
    assert "to August 2024" in c.change_label
    shown = render_text(answer)
    assert "2024-08-30" in shown and "2026-" not in shown


@pytest.mark.parametrize(
    ("text", "kind", "until"),
    [
        ("pytorch vs tensorflow stars from march 2021 to june 2022", "compare", date(2022, 6, 30)),
        ("jax until 2023-03", "profile", date(2023, 3, 31)),
        ("is jax growing faster than pytorch from 2021 to 2022-06", "growth", date(2022, 6, 30)),
        ("when did pytorch overtake tensorflow in downloads until 2023", "crossover", date(2023, 12, 31)),
        ("top stars until june 2022", "leaderboard", date(2022, 6, 30)),
        ("top downloads before 2024", "leaderboard", date(2023, 12, 31)),
    ],
)
def test_every_kind_of_answer_ends_at_the_asked_end(seeded_store, text, kind, until):
    answer = answer_text(seeded_store, text, today=TODAY)
    assert answer.kind == kind
    latest = [f.latest.date for c in answer.comparisons for f in c.figures if f.latest]
    assert latest and max(latest) <= until
    assert until - max(latest) < date.resolution * 62  # it ends at the end, not somewhere before it
    assert all(p.date <= until for p in _all_points(answer))
    for g in answer.extra.get("growth", []):
        assert g.end <= until


def test_a_race_with_a_past_end_says_it_is_told_as_of_then(seeded_store):
    answer = answer_text(seeded_store, "when did pytorch overtake tensorflow in downloads until 2023", today=TODAY)
    assert answer.headline.startswith("Not yet")  # in 2023 PyTorch had not passed TensorFlow yet
    assert any("stops at 2023-12-31" in n for n in answer.notes)


def test_a_period_a_language_answer_cannot_apply_is_named(seeded_store):
    answer = answer_text(seeded_store, "tensorflow languages until 2022", today=TODAY)
    assert any("“to 2022”" in n and "no history" in n for n in answer.notes)


# -- qualifiers the data can't honour --------------------------------------------------------------
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("typed", ["without mirrors", "with mirrors", "excluding mirrors"])
def test_mirrors_are_named_as_not_applied_with_the_reason(reader, typed):
    q = _read(reader, f"pytorch vs tensorflow downloads {typed}")
    assert (q.frameworks, q.metric, q.unknown) == (["pytorch", "tensorflow"], "pypi_downloads", [])
    (note,) = q.notes
    assert f"I didn't apply “{typed}”" in note
    assert "hugovk/top-pypi-packages" in note and "split by mirror" in note and "2024-11-26" in note


def test_with_and_without_mirrors_give_the_same_figures_and_each_names_its_words(seeded_store):
    without = answer_text(seeded_store, "pytorch vs tensorflow downloads without mirrors", today=TODAY)
    with_ = answer_text(seeded_store, "pytorch vs tensorflow downloads with mirrors", today=TODAY)
    assert without.headline == with_.headline
    assert any("“without mirrors”" in n for n in without.notes)
    assert any("“with mirrors”" in n for n in with_.notes)
    assert not any("“with mirrors”" in n for n in without.notes)


def test_mirrors_on_pypistats_daily_figures_say_they_already_leave_mirrors_out():
    q = understand("pytorch vs tensorflow daily downloads without mirrors", today=TODAY)
    assert q.metric == "pypi_downloads_daily"
    assert q.notes == ["“without mirrors”: applied; pypistats.org's daily figures already leave mirrors out."]
    q = understand("pytorch vs tensorflow stars without mirrors", today=TODAY)
    assert "download counts" in q.notes[0]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("text", "typed", "reason"),
    [
        ("pytorch vs tensorflow downloads on linux", "on linux", "operating system"),
        ("pytorch vs tensorflow downloads on windows", "on windows", "operating system"),
        ("pytorch vs tensorflow downloads by os", "by os", "operating system"),
        ("pytorch vs tensorflow downloads python 3.12", "python 3.12", "Python version"),
        ("pytorch vs tensorflow downloads by python version", "by python version", "Python version"),
        ("pytorch vs tensorflow downloads by country", "by country", "country"),
        ("pytorch vs tensorflow downloads in china", "in china", "worldwide"),
        ("pytorch vs tensorflow conda downloads", "conda", "no conda figures"),
        ("pytorch vs tensorflow downloads excluding CI", "excluding CI", "no split for CI"),
        ("pytorch vs tensorflow downloads without bots", "without bots", "no split for CI"),
        ("pytorch vs tensorflow downloads per capita", "per capita", "divide by"),
        ("pytorch vs tensorflow stars per developer", "per developer", "divide by"),
        ("pytorch vs tensorflow stars indexed to 100", "indexed to 100", "isn't available yet"),
        ("pytorch vs tensorflow stars normalised", "normalised", "isn't available yet"),
        ("pytorch vs tensorflow stars as a percentage", "as a percentage", "isn't available yet"),
        ("pytorch vs tensorflow stars rolling average", "rolling average", "never smooth"),
    ],
)
def test_each_qualifier_family_is_named_as_not_applied_with_its_reason(reader, text, typed, reason):
    q = _read(reader, text)
    assert q.intent == "compare" and q.frameworks == ["pytorch", "tensorflow"] and q.unknown == []
    assert any(f"I didn't apply “{typed}”" in n and reason in n for n in q.notes), q.notes


def test_a_qualifier_is_not_mistaken_for_a_framework_name():
    q = understand("tensorflow on linux", today=TODAY)
    assert (q.intent, q.frameworks, q.unknown) == ("profile", ["tensorflow"], [])


# -- scales ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["log scale", "on a log scale", "logarithmic", "log"])
def test_a_requested_log_scale_overrides_the_automatic_linear_choice(seeded_store, typed):
    plain = answer_text(seeded_store, "pytorch vs tensorflow stars", today=TODAY)
    assert not use_log_scale(plain.chart)  # 1.9× apart: linear on its own
    asked = answer_text(seeded_store, f"pytorch vs tensorflow stars {typed}", today=TODAY)
    assert use_log_scale(asked.chart, asked.query.scale)
    assert any(n.startswith(f"“{typed}”: the chart is on a log scale, as asked") for n in asked.notes), asked.notes


@pytest.mark.parametrize("typed", ["linear", "linear scale", "on a linear axis"])
def test_a_requested_linear_scale_overrides_the_automatic_log_choice(seeded_store, typed):
    asked = answer_text(seeded_store, f"pytorch vs mxnet downloads {typed}", today=TODAY)
    assert not use_log_scale(asked.chart, asked.query.scale)
    note = next(n for n in asked.notes if n.startswith(f"“{typed}”"))
    assert "the chart is linear, as asked" in note and "144× apart" in note
    assert not any("on a log scale" in n for n in asked.notes)


def test_a_linear_scale_asked_of_a_chart_linear_anyway_is_said_plainly(seeded_store):
    flat = answer_text(seeded_store, "pytorch vs tensorflow stars linear scale", today=TODAY)
    assert "“linear scale”: the chart is linear, as asked." in flat.notes


def test_a_scale_asked_of_an_answer_without_a_chart_is_named_as_not_applied(seeded_store):
    answer = answer_text(seeded_store, "pytorch languages log scale", today=TODAY)
    assert answer.chart is None
    assert any(n.startswith("I didn't apply “log scale”: this answer has no chart of figures") for n in answer.notes)


# -- dates and words nothing used ------------------------------------------------------------------
@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize(
    ("text", "typed"),
    [("pytorch vs tensorflow stars 2019", "2019"), ("jax march 2023", "march 2023"), ("keras 2022-05", "2022-05")],
)
def test_a_date_nothing_used_is_named(reader, text, typed):
    q = _read(reader, text)
    assert q.unknown == []
    assert any(f"I didn't use “{typed}”" in n for n in q.notes), q.notes


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pytorch vs tensorflow downloads among startups", "“among”, “startups”"),
        ("how is pytorch doing with enterprises", "“enterprises”"),
    ],
)
def test_words_the_reader_did_not_use_are_named_not_dropped(text, words):
    q = understand(text, today=TODAY)
    assert any(n.startswith(f"I didn't use {words}") for n in q.notes), q.notes


def test_cue_and_choosing_words_are_used_and_not_named():
    for text in ("should i learn pytorch or tensorflow", "is jax accelerating against pytorch"):
        assert not any("didn't use" in n for n in understand(text, today=TODAY).notes), text


# -- the notes reach both outputs ------------------------------------------------------------------
def test_the_notes_reach_the_terminal_and_the_slack_message(seeded_store):
    text = "pytorch vs tensorflow downloads since 2024-07 until 2024-08 without mirrors on linux"
    answer = answer_text(seeded_store, text, today=TODAY)
    terminal = " ".join(render_text(answer).split())
    slack = texts(render_blocks(answer, today=TODAY)["blocks"])
    for out in (terminal, slack):
        assert "without mirrors" in out and "on linux" in out and "2024-08-30" in out


def test_a_slash_command_with_an_end_and_a_qualifier_posts_both_in_slack(bot: Bot) -> None:  # noqa: F811
    bot.command("pytorch vs tensorflow downloads since 2024-07 until 2024-08 with mirrors", channel_id="C111")
    bot.answered()
    (posted,) = bot.fake.calls("chat.postMessage")
    shown = texts(posted.params["blocks"])
    assert "I didn't apply “with mirrors”" in shown and "2024-11-26" in shown
    assert "2024-08-30" in shown and "2026-03-31" not in shown
