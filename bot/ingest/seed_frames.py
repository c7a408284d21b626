"""Shared reshaping of the bundled CSVs: text-only reads (a gap stays a gap), month ends, and each top-PyPI
snapshot's counting method and window (`pypi_snapshot_meta.csv`)."""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd


def read(path: Path) -> pd.DataFrame:
    # Everything as text first: empty cells stay empty (a gap), never a NaN that could turn into a zero.
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def month_end(month: str) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    return date(year, mon, calendar.monthrange(year, mon)[1]).isoformat()


def records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    for row in frame.to_dict("records"):
        yield {key: (None if value == "" else value) for key, value in row.items()}


def pypi_method(meta: dict[str, str]) -> tuple[str, int, str]:
    """(counting method, days in the window, date the window ends) of one top-PyPI snapshot."""
    installers = "pip only" if meta["installers"] == "pip-only" else "all installers"
    if meta["window_days"] == "month":
        month = meta["calendar_month_covered"]
        days = calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
        return f"{installers}, calendar month (ClickHouse)", days, month_end(month)
    return f"{installers}, rolling window (BigQuery)", int(meta["window_days"]), meta["snapshot_date"]


def snapshot_methods(folder: Path) -> pd.DataFrame:
    """One row per top-PyPI snapshot: snapshot_date, source_commit, method, days (window length), end
    (the date the window ends, which the figure is dated by)."""
    meta = read(folder / "pypi_snapshot_meta.csv")
    methods = pd.DataFrame(
        [pypi_method(row) for row in meta.to_dict("records")], columns=["method", "days", "end"], index=meta.index
    )
    return pd.concat([meta[["snapshot_date", "source_commit"]], methods], axis=1)
