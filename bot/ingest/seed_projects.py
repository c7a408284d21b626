"""The bundled history of projects beyond the 11 frameworks: thousands of PyPI packages (top-PyPI
snapshots), best-of-ml-python's ~1,100 ML projects (weekly GitHub counts) and repostory's 55 repositories
(monthly stars rebuilt by star date). Counted exactly as the frameworks' rows in `bot.ingest.seed`:

- PyPI: downloads per day over each snapshot's window, with its counting method; a package absent from a
  snapshot has fallen off the list, so that date has no row (unknown, never zero).
- best-of-ml-python: counts taken at the time, weekly, glitches kept as published (a project's star
  count that flips week to week is shown, never smoothed); rows that are no project are left out
  (`bot.project_index.bestof_frame`).
- repostory: a repository's rebuilt star history starts at its first month with stars (issues imported
  at a move to GitHub are older than its stars: the months before are unknown, not zero growth).

Frameworks' packages and repositories never appear here: `bot.project_index` leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd

from bot.catalog import Catalog
from bot.ingest.seed_frames import month_end, read, snapshot_methods
from bot.project_index import BESTOF_CREDIT, REPOSTORY_FILE, TOP_PYPI_FILE, bestof_frame
from bot.store.connection import Store
from bot.store.projects import upsert_projects

_BESTOF_METRICS = {
    "star_count": "github_stars",
    "fork_count": "github_forks",
    "contributor_count": "github_contributors",
}
# Open issues are left out for projects: ~220k rows no comparison asks for (the frameworks keep theirs).

COLUMNS = ["framework", "metric", "date", "value", "source", "method", "note"]


def _tuples(frame: pd.DataFrame) -> Iterator[tuple]:
    """Rows as tuples in `COLUMNS` order, one (framework, metric, date) each (the last one kept)."""
    frame = frame[COLUMNS].drop_duplicates(["framework", "metric", "date"], keep="last")
    # In primary-key order: SQLite then appends to its B-tree instead of splitting pages all over it.
    frame = frame.sort_values(["framework", "metric", "date"])
    # Plain lists zipped: itertuples spends more time in pandas than SQLite spends writing.
    return zip(*(frame[c].tolist() for c in COLUMNS), strict=True)


def upsert_bundled_projects(store: Store, cat: Catalog) -> int:
    """The `projects` table from the bundled files' projects (ids, packages, repositories, links)."""
    index = cat.project_index()
    return upsert_projects(
        store,
        (
            {
                **vars(entry),
                "source": BESTOF_CREDIT
                if entry.links or entry.id in set(index.bestof_key.values())
                else "bundled history",
            }
            for entry in index.projects.values()
        ),
    )


def project_top_pypi_rows(folder: Path, cat: Catalog) -> Iterator[tuple]:
    """Each bundled PyPI project's downloads per day in every top-PyPI snapshot it ranked in."""
    by_package = cat.project_index().by_package
    history = pd.read_csv(folder / TOP_PYPI_FILE, dtype=str, keep_default_na=False)
    history["framework"] = history["package"].map(by_package)
    joined = history[history["framework"].notna()].merge(
        snapshot_methods(folder), on=["snapshot_date", "source_commit"], how="inner"
    )
    joined = joined.drop_duplicates(["framework", "end"], keep="last")
    downloads = joined["download_count"].astype(int)
    out = pd.DataFrame(
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
    return _tuples(out)


def project_bestof_rows(folder: Path, cat: Catalog) -> Iterator[tuple]:
    """best-of-ml-python's weekly counts of every bundled ML project (empty cells skipped)."""
    keys = cat.project_index().bestof_key
    wide = bestof_frame(folder, ["snapshot_date", "source_file", *_BESTOF_METRICS])
    pid = pd.Series(list(zip(wide["name"], wide["github_id"].str.lower(), strict=True)), index=wide.index).map(keys)
    wide = wide.assign(framework=pid)[pid.notna()]
    long = wide.melt(
        id_vars=["snapshot_date", "framework", "source_file"],
        value_vars=list(_BESTOF_METRICS),
        var_name="column",
        value_name="value",
    )
    long = long[long["value"] != ""]
    out = pd.DataFrame(
        {
            "framework": long["framework"],
            "metric": long["column"].map(_BESTOF_METRICS),
            "date": long["snapshot_date"],
            "value": long["value"].astype(float),
            "source": "bestof",
            "method": "counted at the time",
            # The usual file is history/<date>_projects.csv: named only when it is another (a branch's copy).
            "note": ("weekly snapshot " + long["source_file"]).where(
                long["source_file"] != "history/" + long["snapshot_date"] + "_projects.csv", "weekly snapshot"
            ),
        }
    )
    return _tuples(out)


def project_repostory_rows(folder: Path, cat: Catalog) -> Iterator[tuple]:
    """Rebuilt monthly stars from each repository's first month with stars, and its count on the fetch day."""
    by_repo = cat.project_index().by_repo
    frame = read(folder / REPOSTORY_FILE)
    frame["framework"] = frame["repo"].str.lower().map(by_repo)
    frame = frame[frame["framework"].notna()].sort_values(["repo", "month"])
    stars = frame["cumulative_stars"].astype(float)
    started = (stars > 0).groupby(frame["repo"]).cummax()
    starred = frame[started]
    commit = "commit " + starred["source_commit"].str[:12]
    ends = starred["month"].map(month_end)
    retained = pd.DataFrame(
        {
            "framework": starred["framework"],
            "metric": "github_stars_retained",
            "date": ends.where(ends < starred["fetched_at"], starred["fetched_at"]),
            "value": stars[started],
            "source": "repostory",
            "method": "retained stars by star date",
            "note": commit,
        }
    )
    fetch_day = frame.drop_duplicates("framework")
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
    return _tuples(pd.concat([retained, at_fetch]))


PROJECT_READERS: tuple[tuple[str, Callable[[Path, Catalog], Iterator[tuple]]], ...] = (
    ("projects_top_pypi", project_top_pypi_rows),
    ("projects_bestof", project_bestof_rows),
    ("projects_repostory", project_repostory_rows),
)
