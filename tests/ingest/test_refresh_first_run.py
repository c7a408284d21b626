"""A first refresh against the recordings fills the store with every source's figures, each labelled by method."""

from __future__ import annotations

import json
from datetime import date, timedelta
from itertools import pairwise

from bot.store.observations import observations
from tests.conftest import DAY1
from tests.http_replay import FIXTURES


def test_first_run_succeeds_for_every_source_and_records_ok_runs(harness):
    report = harness.run()
    assert report.reasons() == []
    assert report.exit_code == 0
    runs = harness.store.db.execute("SELECT source, framework, status FROM refresh_runs").fetchall()
    assert {r[2] for r in runs} == {"ok"}
    assert {r[0] for r in runs} == {"github", "pypistats", "clickhouse", "npm", "stackexchange", "huggingface", "arxiv"}


def test_first_run_stores_github_snapshots_as_at_the_time_counts(harness):
    harness.run()
    repo = json.loads((FIXTURES / "day1/github/pytorch_pytorch_repo.json").read_text())[0]["json"]
    rows = harness.rows()
    assert rows[("pytorch", "github_stars", "2026-09-20")][:2] == (repo["stargazers_count"], "github")
    assert rows[("pytorch", "github_forks", "2026-09-20")][0] == repo["forks_count"]
    assert rows[("pytorch", "github_watchers", "2026-09-20")][0] == repo["subscribers_count"]
    assert rows[("pytorch", "github_open_issues", "2026-09-20")][0] == repo["open_issues_count"]
    # the contributor count is the last page number at per_page=1
    contributors = json.loads((FIXTURES / "day1/github/pytorch_pytorch_contributors.json").read_text())[0]
    last = contributors["headers"]["Link"].rsplit("page=", 1)[1].split(">")[0]
    assert rows[("pytorch", "github_contributors", "2026-09-20")][0] == int(last)


def test_retained_star_history_is_its_own_labelled_series_rebuilt_from_the_newest_week(harness):
    harness.run()
    pages = json.loads((FIXTURES / "day1/github/pytorch_pytorch_stargazers_history.json").read_text())
    weeks = [w for page in pages for w in page["json"]]  # newest first
    stars_now = harness.rows()[("pytorch", "github_stars", "2026-09-20")][0]
    retained = {r["date"]: r for r in observations(harness.store, "github_stars_retained", ["pytorch"])}
    # the current week (started on DAY1) is incomplete, so the newest point is the week that ended the day before
    assert max(retained) == "2026-09-19"
    assert retained["2026-09-19"]["value"] == stars_now - weeks[0]["total"]
    assert retained["2026-09-19"]["method"] == "retained stars by star date (GitHub stargazers/history)"
    # one point per complete week back to the repository's first week, no gaps and nothing invented before it
    dates = sorted(retained)
    assert all(date.fromisoformat(b) - date.fromisoformat(a) == timedelta(days=7) for a, b in pairwise(dates))
    assert len(dates) == len(weeks) - 1
    # and never mixed into the at-the-time series
    assert [r["date"] for r in observations(harness.store, "github_stars", ["pytorch"])] == ["2026-09-20"]


def test_languages_and_weekly_commits_are_stored_where_github_gives_them(harness):
    report = harness.run()
    langs = dict(
        harness.store.db.execute(
            "SELECT language, bytes FROM github_languages WHERE framework = 'pytorch' AND date = '2026-09-20'"
        ).fetchall()
    )
    assert langs["Python"] > langs["C++"] > 0
    commits = observations(harness.store, "github_commits", ["flax"])
    assert len(commits) == 51 and all(r["date"] < "2026-09-20" for r in commits)
    assert observations(harness.store, "github_commits", ["pytorch"]) == []  # 422: too many commits
    notes = [n for u in report.units if u.framework == "pytorch" and u.source == "github" for n in u.notes]
    assert any("10,000+ commits" in n for n in notes)


def test_pypi_downloads_are_per_day_with_their_counting_method(harness):
    harness.run()
    recorded = json.loads((FIXTURES / "day1/clickhouse/pypi_downloads_per_month.json").read_text())
    torch = next(ex for ex in recorded if "'torch'" in ex["body_match"])
    march = next(r for r in torch["json"]["data"] if r["month"] == "2026-03-01")
    rows = harness.rows()
    value, source, method = rows[("pytorch", "pypi_downloads", "2026-03-31")]
    assert (source, method) == ("clickhouse", "all installers, calendar month (ClickHouse)")
    assert value == int(march["downloads"]) / 31
    daily = rows[("pytorch", "pypi_downloads_daily", "2026-09-19")]
    assert daily[1:] == ("pypistats", "pypistats daily, without mirrors")
    assert max(r["date"] for r in observations(harness.store, "pypi_downloads_daily", ["pytorch"])) < DAY1.isoformat()


def test_npm_days_before_the_package_existed_are_not_stored_as_zero(harness):
    harness.run()
    tfjs = observations(harness.store, "npm_downloads", ["tensorflow"])
    assert tfjs[0]["date"] == "2018-03-30" and tfjs[-1]["date"] == "2026-09-19"
    assert len(tfjs) == (date(2026, 9, 19) - date(2018, 3, 30)).days + 1
    # every range request stayed within the API's 18-month limit
    for served in harness.replay.requests_for("npm"):
        start, end = served.path.split("/")[3].split(":")
        assert (date.fromisoformat(end) - date.fromisoformat(start)).days < 540


def test_stack_overflow_months_come_from_gzipped_answers_newest_first_within_the_daily_quota(harness):
    report = harness.run()
    so = harness.replay.requests_for("stackexchange")
    assert len(so) <= 300 - 30
    months = sorted(r["date"] for r in observations(harness.store, "so_questions", ["pytorch"]))
    assert months[-1] == "2026-08-01"  # newest complete month first; older ones wait for later runs
    assert harness.rows()[("pytorch", "so_questions_total", "2026-09-20")][0] > 0
    assert any("months left" in n for u in report.units for n in u.notes if u.source == "stackexchange")


def test_hugging_face_and_arxiv_counts_land_with_their_method(harness, monkeypatch):
    harness.run()
    rows = harness.rows()
    assert rows[("pytorch", "hf_models", "2026-09-20")][1] == "huggingface"
    assert ("flax", "hf_models", "2026-09-20") not in rows  # flax models declare no library tag of their own
    arxiv = harness.replay.requests_for("arxiv")
    assert 'ti:"pytorch" OR abs:"pytorch"' in arxiv[0].query["search_query"]
    assert rows[("pytorch", "arxiv_papers", "2026-08-01")][1] == "arxiv"
