"""The catalog reads the bundled projects from the bundle's `projects` table (plain sqlite3, no pandas, no
CSV parsing: a new process's first answer no longer waits ~1 s for them), and reads them exactly as
building them from the CSVs does; the CSVs stay what the bundle is built from."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bundle_file import bundle_path, usable
from bot.catalog import load_catalog
from bot.ingest.bundle import ensure_bundle
from bot.project_index import read_index

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bundle() -> Path:
    return ensure_bundle()


@pytest.fixture(scope="module")
def from_csvs():
    cat = load_catalog()
    cat._read_index = cat.built_project_index  # as on a machine with no bundle: built from the CSVs
    cat.projects()
    return cat


def test_the_catalog_reads_the_bundles_projects_exactly_as_the_csvs_build_them(bundle, from_csvs):
    cat = load_catalog()
    assert list(cat.projects().items()) == list(from_csvs.projects().items())
    # In the same order too: the first project to claim a name keeps it.
    assert list(cat.project_names().items()) == list(from_csvs.project_names().items())
    assert cat.project_alternates() == from_csvs.project_alternates()
    index, built = cat.project_index(), from_csvs.project_index()
    assert (index.by_package, index.by_repo) == (built.by_package, built.by_repo)
    assert len(index.projects) > 3_000 and index.bestof_key == {}  # the rows' key: only for building


def test_the_bundle_is_built_from_the_index_the_csvs_give(bundle, from_csvs):
    # What writes the bundle's rows still gets best-of-ml-python's keys, whichever way the catalog loaded.
    built = load_catalog().built_project_index()
    assert built.bestof_key == from_csvs.project_index().bestof_key and len(built.bestof_key) > 1_000


@pytest.mark.parametrize(
    ("taken", "gone"),
    [
        ({"polars"}, "polars"),  # a PyPI package a framework now claims
        ({"pola-rs/polars"}, "polars"),  # its repository
        ({"npm:jupyter-gmaps"}, "gmaps"),  # an npm package
    ],
)
def test_a_bundled_project_a_framework_now_claims_is_left_out_as_building_would(bundle, taken, gone):
    index = read_index(bundle, taken)
    assert gone not in index.projects
    assert gone not in index.by_package.values() and gone not in index.by_repo.values()
    assert "xgboost" in index.projects


def test_without_the_bundle_the_catalog_builds_the_same_projects_from_the_csvs(tmp_path, monkeypatch, from_csvs):
    monkeypatch.setenv("FWTREND_BUNDLE_DIR", str(tmp_path))  # a first run, before any store unpacked it
    assert not usable(bundle_path())
    cat = load_catalog()
    assert list(cat.project_names().items()) == list(from_csvs.project_names().items())
    assert len(cat.project_index().bestof_key) > 1_000  # built from the CSVs


def test_a_half_written_bundle_is_not_read_for_projects(tmp_path, monkeypatch, bundle, from_csvs):
    monkeypatch.setenv("FWTREND_BUNDLE_DIR", str(tmp_path))
    bundle_path().write_bytes(bundle.read_bytes()[:4096])
    assert list(load_catalog().projects()) == list(from_csvs.projects())


def test_reading_a_bundled_projects_name_loads_neither_pandas_nor_the_csvs(bundle):
    code = (
        "import builtins, sys\n"
        "opened = []\n"
        "real_open = builtins.open\n"
        "def spy(file, *a, **k):\n"
        "    opened.append(str(file))\n"
        "    return real_open(file, *a, **k)\n"
        "builtins.open = spy\n"
        "from bot.understanding.reader import understand\n"
        "assert understand('polars vs xgboost').frameworks == ['polars', 'xgboost']\n"
        "print(sorted(m for m in ('pandas', 'numpy') if m in sys.modules), [f for f in opened if '.csv' in f])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"
