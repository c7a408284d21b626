"""Slack's rules for the data blocks, `table` and `data_visualization`, as the fake Slack checks them.

Table (docs.slack.dev/reference/block-kit/blocks/table-block): 1–100 rows of 1–20 cells, each cell
`raw_text` (text, non-empty) or `rich_text`; `column_settings` ≤ 20 items of {align: left|center|right,
is_wrapped: bool}; one table per message (`only_one_table_allowed`, widely reported).

Data visualization (docs.slack.dev/reference/block-kit/blocks/data-visualization-block, 2026-06-16):
title 1–50 characters; chart `pie` (1–6 segments {label, value}) or `bar`/`area`/`line` (1–6 series
{name ≤ 20, data [{label ≤ 20, value number}] 1–20}, unique names, each series one point per category in
order, and `axis_config` {categories ≤ 20 labels of ≤ 20, x_label ≤ 50, y_label ≤ 50}); at most two per
message (reported by slack-morphism; unverified, kept as the safe side).
"""

from __future__ import annotations

from typing import Any

from tests.support.block_kit_rules import (
    BLOCK_ID,
    RICH_ELEMENT,
    ByType,
    Enum,
    Items,
    Obj,
    Problem,
    Str,
)

MAX_TABLES = 1
MAX_CHARTS = 2


def _bool(value: Any, at: str, out: list[Problem]) -> None:
    if not isinstance(value, bool):
        out.append(Problem("must be a boolean", at))


def _number(value: Any, at: str, out: list[Problem]) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        out.append(Problem("must be a number", at))


CELL = ByType(
    {
        "raw_text": Obj({"text": Str(10_000)}, required=("text",)),
        "rich_text": Obj({"elements": Items(RICH_ELEMENT, 1000)}, required=("elements",)),
    }
)
COLUMN = Obj({"align": Enum(("left", "center", "right")), "is_wrapped": _bool})


def _rows(value: Any, at: str, out: list[Problem]) -> None:
    Items(Items(CELL, 20), 100)(value, at, out)


TABLE = Obj(
    {"block_id": BLOCK_ID, "rows": _rows, "column_settings": Items(COLUMN, 20)},
    required=("rows",),
)

POINT = Obj({"label": Str(20), "value": _number}, required=("label", "value"))
SERIES = Obj({"name": Str(20), "data": Items(POINT, 20)}, required=("name", "data"))
AXIS = Obj({"categories": Items(Str(20), 20), "x_label": Str(50), "y_label": Str(50)}, required=("categories",))
SEGMENT = Obj({"label": Str(20), "value": _number}, required=("label", "value"))


def _series_chart(value: Any, at: str, out: list[Problem]) -> None:
    Obj({"series": Items(SERIES, 6), "axis_config": AXIS}, required=("series", "axis_config"))(value, at, out)
    series = value.get("series")
    categories = (value.get("axis_config") or {}).get("categories")
    if not isinstance(series, list) or not isinstance(categories, list):
        return
    names = [s.get("name") for s in series if isinstance(s, dict)]
    if len(set(names)) != len(names):
        out.append(Problem("series names must be unique", f"{at}/series"))
    for i, s in enumerate(series):
        labels = [p.get("label") for p in (s.get("data") or []) if isinstance(p, dict)] if isinstance(s, dict) else []
        if labels != categories:
            out.append(Problem("data labels must match axis_config.categories", f"{at}/series/{i}/data"))


CHART = ByType(
    {
        "pie": Obj({"segments": Items(SEGMENT, 6)}, required=("segments",)),
        "bar": Obj({}),
        "area": Obj({}),
        "line": Obj({}),
    }
)


def _chart(value: Any, at: str, out: list[Problem]) -> None:
    CHART(value, at, out)
    if isinstance(value, dict) and value.get("type") in ("bar", "area", "line"):
        _series_chart(value, at, out)


DATA_VISUALIZATION = Obj({"block_id": BLOCK_ID, "title": Str(50), "chart": _chart}, required=("title", "chart"))

DATA_BLOCKS: dict[str, Obj] = {"table": TABLE, "data_visualization": DATA_VISUALIZATION}
DATA_SURFACES: dict[str, frozenset[str]] = {
    "message": frozenset(DATA_BLOCKS),
    "modal": frozenset({"data_visualization"}),
    "home": frozenset({"data_visualization"}),
}


def data_block_counts(blocks: list[Any], at: str) -> list[Problem]:
    """One table per message; at most two charts."""
    kinds = [b.get("type") for b in blocks if isinstance(b, dict)]
    out = []
    if kinds.count("table") > MAX_TABLES:
        out.append(Problem("only_one_table_allowed", at))
    if kinds.count("data_visualization") > MAX_CHARTS:
        out.append(Problem(f"no more than {MAX_CHARTS} data_visualization blocks allowed", at))
    return out
