"""Fill an empty store from the bundled snapshot of real history in `data/seed/`.

The CSVs there are copies of published files with their provenance columns (see data/seed/NOTICE.md).
This module only reshapes them: it converts PyPI windows to downloads per day and records each
counting method, so a change of method stays visible. It never fills a gap.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bot.catalog import Catalog, catalog
from bot.ingest.seed_frames import bestof_observations, repostory_observations, top_pypi_observations
from bot.ingest.seed_frames import read as _read
from bot.ingest.seed_frames import records as _records
from bot.metrics import METRICS
from bot.paths import seed_dir
from bot.store.connection import Store, now_iso
from bot.store.observations import (
    replace_article_claims,
    upsert_metrics,
    upsert_observations,
    upsert_sources,
)

SOURCES: list[dict[str, str]] = [
    {
        "id": "bestof",
        "name": "best-of-ml-python weekly snapshots",
        "url": "https://github.com/lukasmasuch/best-of-ml-python",
        "licence": "CC BY-SA 4.0",
        "credit": "lukasmasuch/best-of-ml-python (history/*_projects.csv)",
        "provenance": "GitHub counts taken at the time, weekly, 2020-11 to 2025-10",
    },
    {
        "id": "repostory",
        "name": "repostory monthly GitHub activity",
        "url": "https://github.com/0x0w1/repostory",
        "licence": "factual counts from GitHub's API (no licence file)",
        "credit": "0x0w1/repostory (repo_data/*.json)",
        "provenance": "stars rebuilt from today's stargazers (retained stars by star date), fetched 2026-08-22",
    },
    {
        "id": "top_pypi",
        "name": "Top PyPI packages snapshots",
        "url": "https://github.com/hugovk/top-pypi-packages",
        "licence": "factual aggregates of public PyPI logs (no licence file)",
        "credit": "hugovk/top-pypi-packages (git history of top-pypi-packages-30-days.json)",
        "provenance": "30-day pip-only windows to 2024-11; all installers from 2024-11-26; calendar months "
        "(ClickHouse) from 2025-07",
    },
    {
        "id": "article",
        "name": "2023 article figures",
        "url": "",
        "licence": "facts, quoted with their source",
        "credit": "Stack Overflow Developer Survey 2022, AIM 2023, Papers with Code (as quoted)",
        "provenance": "figures quoted in the 2023 article 'PyTorch's Glow: Can it Beat TensorFlow's Flow?'",
    },
    {
        "id": "github",
        "name": "GitHub REST API",
        "url": "https://docs.github.com/rest",
        "licence": "GitHub API terms",
        "credit": "GitHub",
        "provenance": "daily snapshots of /repos, contributors, languages; star history by star date",
    },
    {
        "id": "pypistats",
        "name": "pypistats.org",
        "url": "https://pypistats.org",
        "licence": "public PyPI download logs",
        "credit": "pypistats.org",
        "provenance": "daily downloads without mirrors, last 180 days",
    },
    {
        "id": "clickhouse",
        "name": "ClickHouse PyPI dataset",
        "url": "https://sql-clickhouse.clickhouse.com",
        "licence": "public PyPI download logs",
        "credit": "ClickHouse pypi.pypi_downloads_per_month",
        "provenance": "calendar-month downloads, all installers",
    },
    {
        "id": "npm",
        "name": "npm download counts",
        "url": "https://api.npmjs.org",
        "licence": "npm public API",
        "credit": "npm",
        "provenance": "daily downloads",
    },
    {
        "id": "stackexchange",
        "name": "Stack Exchange API",
        "url": "https://api.stackexchange.com",
        "licence": "CC BY-SA (content); counts are facts",
        "credit": "Stack Overflow",
        "provenance": "questions per month per tag (deleted questions excluded)",
    },
    {
        "id": "huggingface",
        "name": "Hugging Face Hub API",
        "url": "https://huggingface.co/api/models",
        "licence": "Hugging Face Hub terms",
        "credit": "Hugging Face",
        "provenance": "models declaring each library",
    },
    {
        "id": "arxiv",
        "name": "arXiv API",
        "url": "https://export.arxiv.org/api/query",
        "licence": "metadata CC0",
        "credit": "arXiv",
        "provenance": "papers per month mentioning the framework in title or abstract",
    },
]

_BESTOF_COLUMNS = {
    "star_count": "github_stars",
    "fork_count": "github_forks",
    "contributor_count": "github_contributors",
    "open_issue_count": "github_open_issues",
}

_ARTICLE_METRICS = {
    ("survey_usage", "all respondents"): "survey_usage",
    ("survey_usage", "professional developers"): "survey_usage_professional",
    ("survey_loved", None): "survey_loved",
    ("hf_exclusive_model_share", None): "hf_exclusive_model_share",
    ("hf_exclusive_models_added", None): "hf_exclusive_models_added",
    ("pwc_paper_share", None): "pwc_paper_share",
}


def bestof_rows(folder: Path, cat: Catalog) -> Iterator[dict[str, Any]]:
    """best-of-ml-python's weekly counts, one row per framework, metric and week (empty cells skipped)."""
    wide = _read(folder / "bestof_ml_weekly_metrics.csv")
    wide = wide[wide["framework"].isin(list(cat.frameworks))]
    yield from _records(bestof_observations(wide, _BESTOF_COLUMNS, name_usual_file=True))


def repostory_rows(folder: Path, cat: Catalog) -> Iterator[dict[str, Any]]:
    """Stars rebuilt by star date (monthly), plus each repository's count on the fetch day."""
    by_repo = {fw.github.lower(): fw.id for fw in cat if fw.github}
    frame = _read(folder / "github_monthly_activity.csv")
    frame["framework"] = frame["repo"].str.lower().map(by_repo)
    yield from _records(repostory_observations(frame, from_first_star=False))


def top_pypi_rows(folder: Path, cat: Catalog) -> Iterator[dict[str, Any]]:
    """Each framework's downloads per day in every top-PyPI snapshot, with the snapshot's counting method."""
    by_package = {fw.pypi_primary: fw.id for fw in cat if fw.pypi_primary}
    history = _read(folder / "pypi_monthly_history.csv")
    history["framework"] = history["package"].map(by_package)
    yield from _records(top_pypi_observations(history, folder, "download_count_30d"))


def article_rows(folder: Path, cat: Catalog) -> Iterator[dict[str, Any]]:
    for row in _records(_read(folder / "article_figures.csv")):
        population = row["population"] if row["metric"] == "survey_usage" else None
        metric = _ARTICLE_METRICS.get((row["metric"], population))
        if not metric or row["framework"] not in cat.frameworks:
            continue
        yield {
            "framework": row["framework"],
            "metric": metric,
            "date": f"{row['as_of']}-01",
            "value": float(row["value"]),
            "source": "article",
            "method": row["population"],
            "note": row["source"],
        }


def article_claims(folder: Path) -> list[dict[str, Any]]:
    return _read(folder / "article_figures.csv").to_dict("records")


def load_seed(store: Store, folder: Path | None = None, cat: Catalog | None = None) -> dict[str, int]:
    """Load the bundled snapshot into the store in one transaction. Returns rows written per source."""
    folder = folder or seed_dir()
    cat = cat or catalog()
    counts: dict[str, int] = {}
    with store.transaction():
        upsert_sources(store, SOURCES)
        upsert_metrics(
            store,
            ({"id": m.id, "label": m.label, "unit": m.unit, "kind": m.kind, "note": m.note} for m in METRICS.values()),
        )
        for name, reader in (
            ("bestof", bestof_rows),
            ("repostory", repostory_rows),
            ("top_pypi", top_pypi_rows),
            ("article", article_rows),
        ):
            counts[name] = upsert_observations(store, reader(folder, cat))
        replace_article_claims(store, article_claims(folder))
        store.set_meta("seeded_at", now_iso())
    return counts
