"""Alert commands read into a Query: `alert …` (threshold, passes, change), `alerts`, `alert remove N`, in the
slash grammar and in plain English, with the names and metric read like any other, and what can't be read
named rather than guessed."""

from __future__ import annotations

import pytest

from bot.understanding.reader import understand
from tests.conftest import TODAY


def read(text: str):
    return understand(text, today=TODAY)


@pytest.mark.parametrize(
    ("text", "frameworks", "metric", "threshold"),
    [
        ("alert jax 50k stars", ["jax"], "github_stars", 50_000),
        ("alert keras 70,000 stars", ["keras"], "github_stars", 70_000),
        ("alert torch 1.5m downloads", ["pytorch"], "pypi_downloads", 1_500_000),
        ("alert pola-rs/polars 40k stars", ["polars"], "github_stars", 40_000),
        ("@fwtrend tell me when jax passes 50k stars", ["jax"], "github_stars", 50_000),
        ("notify me when keras reaches 70 thousand stars", ["keras"], "github_stars", 70_000),
        ("let us know once sklearn hits 2 million downloads", ["scikit-learn"], "pypi_downloads", 2_000_000),
    ],
)
def test_an_alert_on_a_figure_is_read_as_a_threshold_with_its_project_and_metric(text, frameworks, metric, threshold):
    query = read(text)
    assert query.intent == "alert"
    assert (query.frameworks, query.metric) == (frameworks, metric)
    assert query.alert is not None and query.alert.kind == "threshold" and query.alert.threshold == threshold


@pytest.mark.parametrize(
    ("text", "frameworks", "metric"),
    [
        ("alert when pytorch passes tensorflow in stars", ["pytorch", "tensorflow"], "github_stars"),
        ("alert when jax overtakes tensorflow on downloads", ["jax", "tensorflow"], "pypi_downloads"),
        ("ping us if tensorflow surpasses pytorch in forks", ["tensorflow", "pytorch"], "github_forks"),
        ("tell me when polars passes pandas in downloads", ["polars", "pandas"], "pypi_downloads"),
    ],
)
def test_an_alert_on_one_project_passing_another_keeps_the_order_of_the_text(text, frameworks, metric):
    query = read(text)
    assert query.intent == "alert" and query.alert is not None and query.alert.kind == "passes"
    assert (query.frameworks, query.metric) == (frameworks, metric)


@pytest.mark.parametrize(
    ("text", "pct", "window"),
    [
        ("alert polars downloads +50% month", 50, "month"),
        ("let us know if jax stars grow 10% in a week", 10, "week"),
        ("tell me when torch downloads drop 20% in a year", -20, "year"),
        ("alert keras downloads -15% quarter", -15, "quarter"),
        ("alert polars downloads up 30 percent monthly", 30, "month"),
    ],
)
def test_an_alert_on_a_change_reads_its_sign_and_window(text, pct, window):
    query = read(text)
    assert query.intent == "alert" and query.alert is not None
    assert (query.alert.kind, query.alert.change_pct, query.alert.window) == ("change", pct, window)


def test_a_change_without_a_span_is_read_over_a_month_and_says_so():
    query = read("alert polars downloads +50%")
    assert query.alert is not None and query.alert.window == "month"
    assert any("over a month" in note for note in query.notes)


@pytest.mark.parametrize(
    "text", ["alerts", "/fwtrend alerts", "what alerts are set?", "list alerts", "show our alerts"]
)
def test_the_list_of_alerts_is_asked_in_several_ways(text):
    assert read(text).intent == "alerts"


@pytest.mark.parametrize(
    ("text", "number"),
    [("alert remove 2", 2), ("alerts delete 3", 3), ("remove alert 1", 1), ("delete alert #4", 4)],
)
def test_removing_an_alert_reads_its_number(text, number):
    query = read(text)
    assert query.intent == "alert_remove" and query.alert is not None and query.alert.number == number


def test_remove_without_a_number_says_how_to_name_one():
    query = read("alert remove")
    assert query.alert is not None and query.alert.number is None
    assert "by its number" in (query.alert.problem or "")


def test_an_alert_with_nothing_to_wait_for_says_what_it_can_wait_for():
    query = read("alert jax")
    assert query.alert is not None and query.alert.kind is None
    assert "Say what to wait for" in (query.alert.problem or "")


def test_an_unknown_name_and_an_unknown_metric_word_stay_unknown_with_hints():
    assert read("alert zzqqxx 5k stars").unknown == ["zzqqxx"]
    bananas = read("alert jax 50k bananas")
    assert (bananas.frameworks, bananas.metric, bananas.unknown) == (["jax"], None, ["bananas"])
    assert "pytroch" in read("alert pytroch 200k stars").suggestions


@pytest.mark.parametrize("text", ["<script>alert(1)</script> vs pytorch", "pytorch vs tensorflow", "jax stars"])
def test_text_that_only_contains_the_word_alert_is_no_alert_command(text):
    assert read(text).intent not in {"alert", "alerts", "alert_remove"}


def test_parse_prints_the_alert_rule_with_the_contract_keys():
    out = read("alert jax 50k stars").contract_dict()
    assert out["intent"] == "alert" and out["frameworks"] == ["jax"] and out["metric"] == "github_stars"
    assert out["alert"] == {"kind": "threshold", "threshold": 50000.0}
    assert {"since", "until"} <= set(out)
