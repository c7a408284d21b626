"""The bundled snapshot: a fresh store is filled from real history, with its methods and gaps kept."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_text
from bot.ingest.seed import load_seed
from bot.ingest.seeded import open_seeded_store
from bot.store.connection import Store
from bot.store.observations import counts_by_source, observations


def test_rows_per_source(empty_store: Store):
    counts = load_seed(empty_store)
    assert counts == {"bestof": 9152, "repostory": 681, "top_pypi": 1295, "article": 16}
    assert counts_by_source(empty_store) == {"bestof": 9152, "repostory": 681, "top_pypi": 1295, "article": 16}


def test_loading_twice_changes_nothing(empty_store: Store):
    load_seed(empty_store)
    before = empty_store.count()
    load_seed(empty_store)
    assert empty_store.count() == before


def test_an_empty_store_is_filled_on_first_use(tmp_path):
    store = open_seeded_store(tmp_path / "first.db")
    assert store.count() > 10_000
    assert store.get_meta("seeded_at")


def test_pypi_counting_method_breaks_are_kept(seeded_store: Store):
    methods = {
        r["method"]: r["first"]
        for r in seeded_store.db.query(
            "SELECT method, MIN(date) AS first FROM observations WHERE metric = 'pypi_downloads' GROUP BY method"
        )
    }
    assert methods == {
        "pip only, rolling window (BigQuery)": "2018-02-07",
        "all installers, rolling window (BigQuery)": "2024-11-26",
        "all installers, calendar month (ClickHouse)": "2025-06-30",
    }


def test_pypi_is_normalised_to_downloads_per_day(seeded_store: Store):
    # torch's 30-day pip-only window of 2024-11-01 and its 22-day window of 2025-06-13, per day.
    rows = {r["date"]: r for r in observations(seeded_store, "pypi_downloads", ["pytorch"])}
    assert rows["2025-06-13"]["note"].startswith(f"{round(rows['2025-06-13']['value'] * 22):,} downloads in 22 days")
    assert rows["2024-11-01"]["method"] == "pip only, rolling window (BigQuery)"


def test_missing_months_stay_missing(seeded_store: Store):
    dates = [r["date"] for r in observations(seeded_store, "pypi_downloads", ["pytorch"])]
    assert not any(d.startswith("2020-02") or d.startswith("2025-01") for d in dates)


def test_stars_counted_at_the_time_and_rebuilt_stars_are_separate_metrics(seeded_store: Store):
    at_time = {r["date"]: r["value"] for r in observations(seeded_store, "github_stars", ["tensorflow"])}
    rebuilt = {r["date"]: r["value"] for r in observations(seeded_store, "github_stars_retained", ["tensorflow"])}
    assert at_time["2023-01-05"] == pytest.approx(172_200, abs=500)
    assert rebuilt["2023-01-31"] == pytest.approx(165_300, abs=500)


def test_pytorch_vs_tensorflow_answers_from_the_bundle(seeded_store: Store):
    answer = answer_text(seeded_store, "pytorch vs tensorflow", today=date(2026, 11, 25))
    labels = [c.metric.id for c in answer.comparisons]
    assert labels[:2] == ["pypi_downloads", "github_stars"]
    stars = answer.comparisons[1]
    latest = {f.framework: f.latest.value for f in stars.figures}
    assert latest == {"pytorch": 102_527, "tensorflow": 197_212}
    assert {s.id for s in answer.sources} >= {"top_pypi", "bestof", "repostory"}


def test_a_ranking_in_a_past_month_uses_only_figures_up_to_it(seeded_store: Store):
    answer = answer_text(seeded_store, "top stars in march 2022", today=date(2026, 11, 25))
    ranked = [f for f in answer.comparisons[0].figures if f.has_data]
    assert ranked[0].framework == "tensorflow"
    assert all(f.latest.date <= date(2022, 3, 31) for f in ranked)
    assert answer.comparisons[0].change_label == "12-month change to March 2022"
