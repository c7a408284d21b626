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


# -- one observation frame per bundled file, for frameworks and projects alike ----------------------------
# Each takes the file's rows with a `framework` column already set (the framework or project id the row
# belongs to) and returns observations: framework, metric, date, value, source, method, note.


def top_pypi_observations(history: pd.DataFrame, folder: Path, count_column: str) -> pd.DataFrame:
    """Downloads per day in every top-PyPI snapshot, by its window and with its counting method."""
    joined = history[history["framework"].notna()].merge(
        snapshot_methods(folder), on=["snapshot_date", "source_commit"], how="inner"
    )
    # Some days have several snapshots (commits) with the same figures: one observation per day.
    joined = joined.drop_duplicates(["framework", "end"], keep="last")
    downloads = joined[count_column].astype(int)
    return pd.DataFrame(
        {
            "framework": joined["framework"],
            "metric": "pypi_downloads",
            "date": joined["end"],
            "value": downloads / joined["days"],
            "source": "top_pypi",
            "method": joined["method"],
            "note": downloads.map("{:,}".format)
            + " downloads in "
            + joined["days"].astype(str)
            + " days; package "
            + joined["package"],
        }
    )


def bestof_observations(wide: pd.DataFrame, metrics: dict[str, str], *, name_usual_file: bool) -> pd.DataFrame:
    """best-of-ml-python's weekly counts (`metrics`: its column → metric id), empty cells skipped. The note
    names the snapshot file; with `name_usual_file` False only when it is not history/<date>_projects.csv."""
    long = wide.melt(
        id_vars=["snapshot_date", "framework", "source_file"],
        value_vars=list(metrics),
        var_name="column",
        value_name="value",
    )
    long = long[long["value"] != ""]
    note = "weekly snapshot " + long["source_file"]
    if not name_usual_file:  # a branch's copy is named; the usual file goes without saying
        note = note.where(
            long["source_file"] != "history/" + long["snapshot_date"] + "_projects.csv", "weekly snapshot"
        )
    return pd.DataFrame(
        {
            "framework": long["framework"],
            "metric": long["column"].map(metrics),
            "date": long["snapshot_date"],
            "value": long["value"].astype(float),
            "source": "bestof",
            "method": "counted at the time",
            "note": note,
        }
    )


def repostory_observations(frame: pd.DataFrame, *, from_first_star: bool) -> pd.DataFrame:
    """Stars rebuilt by star date (monthly) and each repository's count on its fetch day. With
    `from_first_star`, a repository's months before its first star are left out (a repository moved to
    GitHub has no stars before the move, which is not zero growth)."""
    frame = frame[frame["framework"].notna()]
    fetch_day = frame.drop_duplicates("framework")  # every row of a repository carries its fetch-day count
    if from_first_star:
        frame = frame.sort_values(["repo", "month"])
        frame = frame[(frame["cumulative_stars"].astype(float) > 0).groupby(frame["repo"]).cummax()]
    commit = "commit " + frame["source_commit"].str[:12]
    # The month being fetched is only complete up to the fetch date.
    ends = frame["month"].map(month_end)
    retained = pd.DataFrame(
        {
            "framework": frame["framework"],
            "metric": "github_stars_retained",
            "date": ends.where(ends < frame["fetched_at"], frame["fetched_at"]),
            "value": frame["cumulative_stars"].astype(float),
            "source": "repostory",
            "method": "retained stars by star date",
            "note": commit,
        }
    )
    at_fetch = pd.DataFrame(
        {
            "framework": fetch_day["framework"],
            "metric": "github_stars",
            "date": fetch_day["fetched_at"],
            "value": fetch_day["total_stars_at_fetch"].astype(float),
            "source": "repostory",
            "method": "counted at the time",
            "note": "count on the fetch day; commit " + fetch_day["source_commit"].str[:12],
        }
    )
    return pd.concat([retained, at_fetch])
