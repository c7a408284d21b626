"""The bundled history of thousands of projects: loaded per project with the frameworks' counting rules,
links only from the sources' own ids, and the 11 frameworks' series untouched."""

from __future__ import annotations

import json

from bot.catalog import catalog
from bot.ingest.bundle import unpack_shipped, write_shipped
from bot.store.connection import Store
from bot.store.observations import observations
from bot.store.projects import stored_projects


def _rows(store: Store, sql: str, args: list) -> list[dict]:
    return list(store.db.query(sql, args))


def test_thousands_of_bundled_projects_are_known_beside_the_frameworks():
    projects = catalog().projects()
    assert len(projects) > 3000
    assert set(catalog().frameworks).isdisjoint(projects)
    for pid in ("polars", "django", "flask", "xgboost", "lightgbm", "langchain", "tiangolo/fastapi"):
        assert pid in catalog()


def test_a_framework_package_or_repository_never_becomes_a_project_of_its_own():
    names = catalog().project_names()
    for taken in ("torch", "tensorflow-gpu", "jaxlib", "google/jax", "lightning-ai/lightning", "torchvision"):
        assert taken not in names


def test_a_package_is_linked_to_a_repository_only_by_best_of_ml_ids_and_the_link_names_its_source():
    xgboost = catalog()["xgboost"]
    assert xgboost.github == "dmlc/xgboost"
    assert xgboost.links == ("github.com/dmlc/xgboost ↔ pypi:xgboost (best-of-ml-python ids)",)
    # No source ties the PyPI package fastapi to tiangolo/fastapi: two projects, no link guessed.
    assert catalog()["fastapi"].github is None
    assert catalog()["tiangolo/fastapi"].pypi == ()


def test_a_renamed_repository_keeps_its_former_slug_and_one_project(seeded_store: Store):
    renamed = [p for p in catalog().projects().values() if p.github_former]
    assert len(renamed) >= 20
    project = renamed[0]
    former = project.github_former[0].lower()
    assert catalog().project_names()[former] == project.id


def test_projects_table_keeps_each_link_and_where_it_came_from(seeded_store: Store):
    stored = stored_projects(seeded_store)
    assert stored["lightgbm"]["links"] == ["github.com/microsoft/LightGBM ↔ pypi:lightgbm (best-of-ml-python ids)"]
    assert stored["lightgbm"]["source"] == "best-of-ml-python ids"
    assert stored["django"]["source"] == "bundled history"
    assert len(stored) == len(catalog().projects())


def test_project_downloads_are_per_day_by_each_snapshots_window_with_its_method(seeded_store: Store):
    rows = {r["date"]: r for r in observations(seeded_store, "pypi_downloads", ["django"])}
    first = rows["2018-02-07"]
    assert first["method"] == "pip only, rolling window (BigQuery)"
    assert first["note"].endswith("downloads in 30 days; package django")
    total = int(first["note"].split(" downloads")[0].replace(",", ""))
    assert abs(first["value"] - total / 30) < 1e-6
    methods = {r["method"] for r in rows.values()}
    assert "all installers, calendar month (ClickHouse)" in methods


def test_a_month_missing_from_the_top_list_stays_a_gap_never_a_zero(seeded_store: Store):
    dates = [r["date"] for r in observations(seeded_store, "pypi_downloads", ["django"])]
    assert not any(d.startswith("2020-02") for d in dates)  # the snapshot month that is missing
    rows = observations(seeded_store, "pypi_downloads")
    assert all(r["value"] > 0 for r in rows)


def test_langchain_has_downloads_only_from_the_months_it_ranked(seeded_store: Store):
    dates = [r["date"] for r in observations(seeded_store, "pypi_downloads", ["langchain"])]
    assert 30 <= len(dates) <= 40
    assert dates[0] >= "2023"


def test_rebuilt_stars_start_at_a_repositorys_first_month_with_stars(seeded_store: Store):
    # sqlalchemy's issues were imported from 2006 on, its stars start only in 2018-11 (the move to GitHub).
    rows = _rows(
        seeded_store,
        "SELECT date, value FROM observations WHERE framework = ? AND metric = 'github_stars_retained' ORDER BY date",
        [catalog().project_names()["sqlalchemy/sqlalchemy"]],
    )
    assert rows[0]["date"].startswith("2018-11")
    assert rows[0]["value"] > 0


def test_best_of_ml_glitches_are_kept_as_published_and_sister_list_rows_skipped(seeded_store: Store):
    names = {p.name for p in catalog().projects().values()}
    assert not any(n.startswith("best-of-python - ") for n in names)
    # Feature Engine's star count flips week to week in the source: shown, never smoothed.
    pid = next(p.id for p in catalog().projects().values() if p.name == "Feature Engine")
    values = [r["value"] for r in observations(seeded_store, "github_stars", [pid])]
    assert min(values) < 100 < 1000 < max(values)


def test_cartopy_rows_with_rasterios_repository_are_left_out(seeded_store: Store):
    rasterio = catalog().project_names()["mapbox/rasterio"]
    assert catalog()[rasterio].name != "Cartopy"
    notes = _rows(
        seeded_store, "SELECT COUNT(*) AS n FROM projects WHERE name = 'Cartopy' AND github LIKE ?", ["mapbox/%"]
    )
    assert notes[0]["n"] == 0


def test_the_bundle_rebuilt_from_the_csvs_matches_the_one_stores_read(seeded_store: Store, tmp_path):
    # What tools/build_bundle.py does (build from the CSVs, gzip), then what a first run does (unpack).
    counts = write_shipped(tmp_path / "rebuilt.db.gz")
    assert counts.pop("bytes") == (tmp_path / "rebuilt.db.gz").stat().st_size
    assert counts["projects_top_pypi"] > 200_000 and counts["projects_bestof"] > 600_000
    unpack_shipped(tmp_path / "rebuilt.db", tmp_path / "rebuilt.db.gz")
    rebuilt = Store(tmp_path / "rebuilt.db")
    rebuilt.db.execute("ATTACH DATABASE ? AS read", [str(seeded_store.bundle)])
    # The compact tables themselves, ids included (the build is deterministic), all but the build time.
    for table, columns in (
        ("points", "*"),
        ("series", "*"),
        ("kinds", "id, source, method, note_head, note_tail, rank"),
    ):
        for a, b in (("main", "read"), ("read", "main")):
            only = f"SELECT {columns} FROM {a}.{table} EXCEPT SELECT {columns} FROM {b}.{table}"
            assert rebuilt.db.execute(only).fetchall() == [], table
    query = "SELECT COUNT(*), SUM(value) FROM observations"
    assert sum(counts.values()) - counts["projects"] == rebuilt.db.execute(query).fetchone()[0]
    assert (
        rebuilt.db.execute(query).fetchone()
        == seeded_store.db.execute(f"{query.replace('observations', 'bundle.observations')}").fetchone()
    )
    assert json.dumps(stored_projects(rebuilt), sort_keys=True) == json.dumps(
        {k: v for k, v in stored_projects(seeded_store).items()}, sort_keys=True
    )


def test_the_frameworks_series_come_from_the_store_alone_never_the_bundle(seeded_store: Store):
    ids = list(catalog().frameworks)
    marks = ", ".join("?" for _ in ids)
    in_bundle = seeded_store.db.execute(f"SELECT COUNT(*) FROM bundle.observations WHERE framework IN ({marks})", ids)
    assert in_bundle.fetchone()[0] == 0


def test_fwtrend_bundle_rebuild_rebuilds_the_bundle_from_the_csvs(tmp_path, monkeypatch, capsys):
    from bot.cli import main

    monkeypatch.setenv("FWTREND_BUNDLE_DIR", str(tmp_path))
    assert main(["bundle", "--rebuild"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"rebuilt {tmp_path}/bundle-") and "projects_top_pypi 2" in out
    assert main(["bundle"]) == 0
    assert capsys.readouterr().out.strip().startswith(str(tmp_path))
