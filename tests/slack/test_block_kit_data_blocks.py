"""The fake Slack's rules for the `table` and `data_visualization` blocks: it accepts what the documented
limits allow, refuses each violation with `invalid_blocks`, and can play a workspace that has no such blocks."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from tests.support.block_kit_rules import message_errors, view_errors
from tests.support.fake_slack import FakeSlack


def _raw(text: str) -> dict[str, Any]:
    return {"type": "raw_text", "text": text}


def table(rows: int = 3, cells: int = 3) -> dict[str, Any]:
    return {
        "type": "table",
        "rows": [[_raw(f"r{r}c{c}") for c in range(cells)] for r in range(rows)],
        "column_settings": [{"align": "left", "is_wrapped": True}, {"align": "right"}],
    }


def line_chart(series: int = 2, points: int = 3) -> dict[str, Any]:
    labels = [f"2025-{m + 1:02d}" for m in range(points)]
    return {
        "type": "data_visualization",
        "title": "PyPI downloads per day",
        "chart": {
            "type": "line",
            "series": [
                {"name": f"line {s}", "data": [{"label": c, "value": 10 * s + i} for i, c in enumerate(labels)]}
                for s in range(series)
            ],
            "axis_config": {"categories": labels, "x_label": "month", "y_label": "downloads/day"},
        },
    }


def message(*blocks: dict[str, Any]) -> dict[str, Any]:
    return {"text": "fallback", "blocks": [{"type": "header", "text": {"type": "plain_text", "text": "A"}}, *blocks]}


def test_a_table_and_a_chart_within_their_limits_are_accepted():
    assert message_errors(message(table(100, 20), line_chart(6, 20))) == []
    pie = {"type": "data_visualization", "title": "share", "chart": {"type": "pie", "segments": [
        {"label": "PyTorch", "value": 60}, {"label": "JAX", "value": 40}]}}  # fmt: skip
    assert message_errors(message(pie)) == []


def _rich_cell() -> dict[str, Any]:
    section = {"type": "rich_text_section", "elements": [{"type": "text", "text": "x", "style": {"bold": True}}]}
    return {"type": "rich_text", "elements": [section]}


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda t: t["rows"].append(t["rows"][0]) or t.update(rows=t["rows"] * 40), "no more than 100 items"),
        (lambda t: t["rows"][0].extend([_raw("x")] * 18), "no more than 20 items"),
        (lambda t: t["rows"][1].__setitem__(0, {"type": "mrkdwn", "text": "x"}), "unsupported type: mrkdwn"),
        (lambda t: t["rows"][1].__setitem__(0, _raw("")), "must be more than 0 characters"),
        (lambda t: t.update(column_settings=[{"align": "middle"}]), "must be a valid enum value"),
        (lambda t: t.update(column_settings=[{"align": "left"}] * 21), "no more than 20 items"),
        (lambda t: t.pop("rows"), "missing required field: rows"),
    ],
)
def test_each_table_limit_is_refused(change, problem):
    block = table()
    block["rows"][2][1] = _rich_cell()  # rich_text cells are allowed; the change is the only fault
    assert message_errors(message(block)) == []
    change(block)
    errors = [str(p) for p in message_errors(message(block))]
    assert any(problem in e for e in errors), errors


def test_a_second_table_in_one_message_is_refused():
    errors = [str(p) for p in message_errors(message(table(), table()))]
    assert any("only_one_table_allowed" in e for e in errors)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b.update(title="x" * 51), "must be less than 51 characters"),
        (lambda b: b["chart"].update(type="scatter"), "unsupported type: scatter"),
        (lambda b: b["chart"]["series"].extend([b["chart"]["series"][0]] * 6), "no more than 6 items"),
        (lambda b: b["chart"]["series"][1].update(name=b["chart"]["series"][0]["name"]), "series names must be unique"),
        (lambda b: b["chart"]["series"][0].update(name="a name longer than twenty"), "must be less than 21"),
        (lambda b: b["chart"]["series"][0]["data"].pop(), "must match axis_config.categories"),
        (lambda b: b["chart"]["series"][0]["data"][0].update(value="12"), "must be a number"),
        (lambda b: b["chart"]["axis_config"].update(y_label="y" * 51), "must be less than 51 characters"),
        (lambda b: b["chart"].pop("axis_config"), "missing required field: axis_config"),
    ],
)
def test_each_data_visualization_limit_is_refused(change, problem):
    block = line_chart()
    change(block)
    errors = [str(p) for p in message_errors(message(block))]
    assert any(problem in e for e in errors), errors


def test_more_than_20_categories_are_refused():
    errors = [str(p) for p in message_errors(message(line_chart(1, 21)))]
    assert any("no more than 20 items" in e for e in errors)


def test_a_chart_may_go_in_app_home_but_a_table_may_not():
    chart = {"type": "home", "blocks": [line_chart()]}
    assert view_errors(chart) == []
    assert any("unsupported type: table" in str(p) for p in view_errors({"type": "home", "blocks": [table()]}))


@pytest.mark.slack_refusals_expected
def test_a_workspace_without_the_new_blocks_refuses_them_with_invalid_blocks(fake_slack: FakeSlack):
    client = WebClient(token="xoxb-test", base_url=fake_slack.base_url)
    blocks = message(table(), line_chart())["blocks"]
    client.chat_postMessage(channel="C1", text="x", blocks=copy.deepcopy(blocks))  # this workspace takes them
    fake_slack.refuse_data_blocks()
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="C1", text="x", blocks=blocks)
    assert refused.value.response["error"] == "invalid_blocks"
    assert "unsupported type: table" in str(refused.value.response["errors"])
    client.chat_postMessage(channel="C1", text="x", blocks=blocks[:1])  # the classic blocks still go
