"""`fwtrend ask … --csv PATH`: the figures behind the answer, one row per figure, straight from the bundled data."""

from __future__ import annotations

import csv
from pathlib import Path

from bot.cli import main
from bot.paths import seed_dir
from bot.render.figures_csv import COLUMNS


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


def _seed_downloads_per_day(packages: dict[str, str], first: str, last: str) -> list[tuple[str, str, float]]:
    """(framework id, date, 30-day downloads ÷ window days) from the bundled top-PyPI history."""
    windows = {}
    with (seed_dir() / "pypi_snapshot_meta.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            if row["window_days"].isdigit():  # ClickHouse rows say "month" (calendar months, 2025 on)
                windows[row["snapshot_date"]] = int(row["window_days"])
    out = []
    with (seed_dir() / "pypi_monthly_history.csv").open(newline="") as f:
        for row in csv.DictReader(f):
            day = row["snapshot_date"]
            if row["package"] in packages and first <= day <= last:
                out.append((packages[row["package"]], day, int(row["download_count_30d"]) / windows[day]))
    order = list(packages.values())
    return sorted(out, key=lambda r: (order.index(r[0]), r[1]))


def test_ask_csv_writes_exactly_the_bundled_figures_behind_the_answer(tmp_path, capsys):
    path = tmp_path / "figures.csv"
    assert main(["ask", "pytorch vs tensorflow downloads from 2020-01 to 2020-04", "--csv", str(path)]) == 0
    rows = _read(path)
    expected = _seed_downloads_per_day({"torch": "pytorch", "tensorflow": "tensorflow"}, "2020-01-01", "2020-04-30")
    assert len(expected) == 8  # two frameworks, four snapshots each (none in February 2020)
    assert [(r["project_id"], r["date"]) for r in rows] == [(fid, day) for fid, day, _ in expected]
    assert [float(r["value"]) for r in rows] == [value for _, _, value in expected]
    assert {r["metric"] for r in rows} == {"pypi_downloads"}
    assert {r["unit"] for r in rows} == {"downloads/day"}
    assert {r["source"] for r in rows} == {"Top PyPI packages snapshots"}
    assert {r["source_url"] for r in rows} == {"https://github.com/hugovk/top-pypi-packages"}
    assert {r["counting_method"] for r in rows} == {"pip only, rolling window (BigQuery)"}
    assert "8 figures written" in capsys.readouterr().err


def test_ask_csv_leaves_a_gap_as_no_row_and_names_it_on_the_figure_after_it(tmp_path, capsys):
    path = tmp_path / "figures.csv"
    assert main(["ask", "pytorch vs tensorflow downloads from 2020-01 to 2020-04", "--csv", str(path)]) == 0
    rows = _read(path)
    assert not [r for r in rows if r["date"].startswith("2020-02")]  # the missing top-PyPI month stays missing
    assert all(r["value"] for r in rows)
    noted = {(r["project_id"], r["date"]): r["note"] for r in rows if r["note"]}
    assert noted == {
        ("pytorch", "2020-03-01"): "no figures between 2020-01-17 and 2020-03-01 (gap)",
        ("tensorflow", "2020-03-01"): "no figures between 2020-01-17 and 2020-03-01 (gap)",
    }


def test_ask_csv_names_a_change_of_counting_method_on_the_first_figure_counted_the_new_way(tmp_path, capsys):
    path = tmp_path / "figures.csv"
    assert main(["ask", "jax downloads from 2024-10 to 2024-12", "--csv", str(path)]) == 0
    rows = _read(path)
    methods = [r["counting_method"] for r in rows]
    changed = [i for i in range(1, len(rows)) if methods[i] != methods[i - 1]]
    assert changed, methods
    for i in changed:
        assert rows[i]["note"] == f"counting changed: {methods[i - 1]} → {methods[i]}"
    assert all(not r["note"] for i, r in enumerate(rows) if i not in changed)


def test_ask_csv_of_a_per_month_answer_says_per_month_in_label_and_unit(tmp_path, capsys):
    path = tmp_path / "figures.csv"
    assert main(["ask", "pytorch new stars in 2023", "--csv", str(path)]) == 0
    rows = _read(path)
    assert rows and {r["metric_label"] for r in rows} == {"GitHub stars gained per month"}
    assert {r["unit"] for r in rows} == {"stars/month"}


def test_ask_csv_with_no_figures_behind_the_answer_writes_nothing_and_says_so(tmp_path, capsys):
    for question in ("help", "caffe", "pytorch vs tensorflow stars in 2012"):
        path = tmp_path / "figures.csv"
        assert main(["ask", question, "--csv", str(path)]) == 0
        assert not path.exists(), question
        assert "no figures behind this answer" in capsys.readouterr().err
