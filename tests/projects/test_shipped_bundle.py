"""The prebuilt bundle shipped in the package: exactly the rows the CSVs give (so it can never drift from
them), unpacked as it is on a machine's first run, and its compact layout reads back every figure, date
and note word for word."""

from __future__ import annotations

import gzip
import itertools
import sqlite3
from pathlib import Path

import pytest

from bot.answering.engine import answer_text
from bot.catalog import catalog
from bot.ingest.bundle import bundle_path, ensure_bundle, shipped_path
from bot.ingest.seed import load_seed
from bot.ingest.seed_projects import PROJECT_READERS, upsert_bundled_projects
from bot.paths import seed_dir
from bot.slack.blocks.answer import render_blocks
from bot.store.bundled import create_schema, day_number, write_points
from bot.store.connection import Store
from bot.store.migrations import migrate
from bot.store.observations import SOURCE_RANK
from bot.store.projects import stored_projects
from tests.conftest import TODAY

COLUMNS = "framework, metric, date, value, source, method, note, rank"


@pytest.fixture(scope="module")
def plain_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The CSVs' rows in the store's own plain layout (text keys and dates, one note per row), added the
    way the store adds figures (INSERT OR IGNORE: of two figures for one key, the first reader's wins):
    the reference the compact shipped file is held to."""
    plain = Store(tmp_path_factory.mktemp("plain") / "plain.db")
    migrate(plain)
    with plain.transaction() as conn:
        for _name, reader in PROJECT_READERS:
            conn.executemany(
                f"INSERT OR IGNORE INTO main.observations ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    (*row[:2], str(row[2])[:10], *row[3:], SOURCE_RANK.get(row[4], 10))
                    for row in reader(seed_dir(), catalog())
                ),
            )
    upsert_bundled_projects(plain, catalog())
    plain.close()
    return plain.path


def test_the_shipped_bundle_holds_exactly_the_rows_the_csvs_give(tmp_path, plain_bundle: Path):
    hint = "the shipped bundle differs from the CSVs: run tools/build_bundle.py and commit data/bundled_projects.db.gz"
    shipped = tmp_path / "shipped.db"
    shipped.write_bytes(gzip.decompress(shipped_path().read_bytes()))
    store, plain = Store(shipped), Store(plain_bundle)
    ordered = f"SELECT {COLUMNS} FROM observations ORDER BY framework, metric, date"
    compared = 0
    for expected, got in itertools.zip_longest(plain.db.execute(ordered), store.db.execute(ordered)):
        assert got == expected, hint
        compared += 1
    assert compared > 800_000
    assert stored_projects(store) == stored_projects(plain), hint


QUESTIONS = [
    "xgboost vs lightgbm stars",
    "django vs flask downloads",
    "pola-rs/polars",
    "langchain since 2024",
    "django downloads in february 2020",
    "black vs ruff",
    "sqlalchemy/sqlalchemy stars",
    "feature engine stars",
    "is polars growing faster than pandas?",
    "catboost vs xgboost stars in january 2023",
    "requests",
    "pytorch vs xgboost stars since 2022",
    "sources",
]


def test_every_answer_about_bundled_projects_is_the_same_from_the_compact_file_as_from_plain_rows(
    tmp_path, plain_bundle: Path, seeded_store: Store
):
    reference = Store(tmp_path / "fwtrend.db")
    migrate(reference)
    load_seed(reference)
    reference.attach_bundle(plain_bundle)
    for question in QUESTIONS:
        expected = answer_text(reference, question, today=TODAY)
        got = answer_text(seeded_store, question, today=TODAY)
        assert got == expected, question
        assert render_blocks(got) == render_blocks(expected), question
    plan = seeded_store.db.execute(
        "EXPLAIN QUERY PLAN SELECT * FROM observations WHERE framework = ? AND metric = ?", ["django", "x"]
    ).fetchall()
    # One project's series is found through the compact file's index, never by scanning its ~880k points.
    assert any("INDEX series_key (framework=? AND metric=?)" in row[-1] for row in plan), plan
    assert not any(row[-1].startswith("SCAN p") for row in plan), plan


def test_a_first_run_unpacks_the_shipped_bundle_rather_than_building_it(tmp_path, monkeypatch):
    monkeypatch.setenv("FWTREND_BUNDLE_DIR", str(tmp_path / "cache"))
    path = ensure_bundle()
    assert path == bundle_path() and path.parent == tmp_path / "cache"
    # Byte for byte the shipped file: unpacked, not rebuilt from the CSVs (which would differ in build time).
    assert path.read_bytes() == gzip.decompress(shipped_path().read_bytes())
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left beside it
    assert ensure_bundle() == path


def test_a_half_unpacked_bundle_is_unpacked_again(tmp_path, monkeypatch):
    monkeypatch.setenv("FWTREND_BUNDLE_DIR", str(tmp_path))
    bundle_path().write_bytes(gzip.decompress(shipped_path().read_bytes())[:4096])
    path = ensure_bundle()
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM observations").fetchone()[0] > 800_000


@pytest.mark.parametrize(
    "note",
    [
        "377,853 downloads in 30 days; package absl-py",
        "1,234,567,890,123 downloads in 31 days; package a-9",
        "0 downloads in 30 days; package x",
        "weekly snapshot history/2020-12-17_projects.csv@3b31958",
        "count on the fetch day; commit 66e97a67d283",
        "weekly snapshot",
        "12,34 not a count, 1,000 is",
        "007 keeps its zeros",
        "99,999,999,999,999,999,999 downloads",
        None,
    ],
)
def test_a_note_reads_back_from_the_compact_file_word_for_word(tmp_path, note):
    store = Store(tmp_path / "b.db")
    create_schema(store.db)
    rows = [("p", "github_stars", "2020-12-17", 1.0, "bestof", "counted at the time", note)]
    assert write_points(store.db, rows, SOURCE_RANK, "2026-11-30T00:00:00+00:00") == 1
    assert store.db.execute("SELECT note FROM observations").fetchone()[0] == note


def test_dates_values_gaps_and_counting_methods_read_back_exactly_as_written(tmp_path):
    store = Store(tmp_path / "b.db")
    create_schema(store.db)
    rows = [
        (
            "p",
            "pypi_downloads",
            "1970-01-01",
            228.86666666666667,
            "top_pypi",
            "pip only, rolling window (BigQuery)",
            None,
        ),
        # 2020-02 is a gap: nothing is written for it and nothing comes back.
        ("p", "pypi_downloads", "2020-03-31", 12595.1, "top_pypi", "all installers, calendar month (ClickHouse)", None),
        ("p", "pypi_downloads", "2026-08-22", 3.0, "top_pypi", "all installers, calendar month (ClickHouse)", None),
        ("p", "pypi_downloads", "2026-08-22", 9.0, "top_pypi", "a second figure for the same day", None),
        ("q", "github_stars", "2008-11-30", 1e15 + 0.5, "repostory", None, None),
    ]
    assert write_points(store.db, rows, SOURCE_RANK, "t") == 4  # the first figure of a day wins, as in the store
    back = store.db.execute(f"SELECT {COLUMNS}, fetched_at FROM observations ORDER BY framework, date").fetchall()
    assert back == [(*row, SOURCE_RANK[row[4]], "t") for row in rows[:3] + rows[4:]]
    assert [type(r[3]) for r in back] == [float] * 4


def test_a_date_with_a_time_or_no_padding_is_refused_when_building():
    assert day_number("2020-12-17") == 18613
    for bad in ("2020-12-17T00:00:00", "2020-1-5", "20201217"):
        with pytest.raises(ValueError):
            day_number(bad)


def test_a_store_reads_the_shared_bundle_but_can_never_write_to_it(seeded_store):
    before = seeded_store.db.execute("SELECT count(*) FROM bundle.projects").fetchone()[0]
    assert before > 3000
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        seeded_store.db.execute("DELETE FROM bundle.projects")
    assert seeded_store.db.execute("SELECT count(*) FROM bundle.projects").fetchone()[0] == before
