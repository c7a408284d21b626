"""Digests name the workspace's tracked projects (`/fwtrend track NAME`) with their headline figures,
from stored figures only: through `fwtrend digest --dry-run` and a digest posted at the fake Slack."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
import time_machine

from bot import format as fmt
from bot.digest.compose import compose
from bot.digest.render import render_text
from bot.digest.tracked import MAX_TRACKED, tracked_lines
from bot.ingest.seeded import open_seeded_store
from bot.slack.blocks.digest import render_blocks
from bot.store.connection import Store
from bot.store.observations import observations, upsert_observations
from bot.store.watch_list import TERMINAL_TEAM, add_watched
from tests.digest import test_digest_post as post_tests
from tests.digest.test_digest_post import (
    DUE,
    SUBSCRIBED_AT,
    add_series,
    bolt_app,
    digest_posts,
    main,
    run,
    slash,
    subscribe_direct,
)
from tests.support.fake_slack import FakeSlack

END = date(2026, 11, 30)
env = post_tests.env  # the digest posting tests' Slack settings, pointed at the fake Slack


def add_project_series(store: Store) -> None:
    """polars: stars a year ago and last week; tiangolo/fastapi: stars last week only."""
    rows = [
        {"framework": "polars", "metric": "github_stars", "date": END - timedelta(days=369), "value": 26_000},
        {"framework": "polars", "metric": "github_stars", "date": END - timedelta(days=4), "value": 31_200},
        {"framework": "tiangolo/fastapi", "metric": "github_stars", "date": END - timedelta(days=4), "value": 90_500},
    ]
    upsert_observations(store, [{**r, "source": "github"} for r in rows])


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return open_seeded_store(tmp_path / "digest.db")


def test_a_digest_names_each_tracked_project_with_its_stored_figures_dated(store: Store):
    add_series(store)
    add_project_series(store)
    digest = compose(store, ["pytorch"], "weekly", END, tracked=["polars", "tiangolo/fastapi"], chart=False)
    polars, _ = digest.tracked = digest.tracked
    stars = next(f for f in polars.figures if f.metric == "github_stars")
    assert (stars.value, stars.as_of, round(stars.change_pct)) == (31_200, END - timedelta(days=4), 20)
    lines = tracked_lines(digest.tracked)
    assert lines[0].startswith("polars: 31.2k stars (+20% 12-month change) on 2026-11-26")
    assert lines[1] == "tiangolo/fastapi: 90.5k stars on 2026-11-26"


def test_a_tracked_figure_newer_than_the_digests_last_day_is_not_used(store: Store):
    add_project_series(store)
    earlier = END - timedelta(days=30)
    digest = compose(store, ["pytorch"], "weekly", earlier, tracked=["polars"], chart=False)
    stored = [r for r in observations(store, "github_stars", ["polars"]) if r["date"] <= earlier.isoformat()]
    stars = next(f for f in digest.tracked[0].figures if f.metric == "github_stars")
    assert (stars.as_of.isoformat(), stars.value) == (stored[-1]["date"], stored[-1]["value"])


def test_a_tracked_project_with_no_stored_figure_says_so_rather_than_vanishing(store: Store):
    digest = compose(store, ["pytorch"], "weekly", date(2012, 1, 2), tracked=["tiangolo/fastapi"], chart=False)
    assert tracked_lines(digest.tracked) == ["tiangolo/fastapi: no figures stored yet (the daily refresh fetches them)"]


def test_a_tracked_framework_already_in_the_digest_is_not_repeated_and_a_long_list_is_counted(store: Store):
    projects = ["polars", "django", "flask", "xgboost", "lightgbm", "numpy", "pandas", "scipy", "requests"]
    projects += ["rich", "black", "click"]
    digest = compose(store, ["pytorch"], "weekly", END, tracked=["pytorch", *projects], chart=False)
    assert [t.project for t in digest.tracked] == projects
    lines = tracked_lines(digest.tracked)
    assert len(lines) == MAX_TRACKED + 1 and lines[-1] == "…and 2 more: `/fwtrend tracking` lists them"


def test_a_quiet_digest_still_names_the_tracked_projects_in_the_terminal_and_in_slack(store: Store):
    add_project_series(store)
    digest = compose(store, ["mxnet"], "weekly", END, tracked=["polars"], chart=False)
    assert digest.quiet
    assert render_text(digest).splitlines()[1:] == ["Tracked projects", "  • " + tracked_lines(digest.tracked)[0]]
    blocks = render_blocks(digest)["blocks"]
    assert [b["type"] for b in blocks] == ["section", "section"]
    assert blocks[1]["text"]["text"].startswith("*Tracked projects*\n• polars: 31.2k stars")


def test_fwtrend_digest_dry_run_prints_the_terminals_tracked_projects_from_the_bundle(tmp_path: Path):
    db = tmp_path / "digest.db"
    store = open_seeded_store(db)
    add_watched(store, TERMINAL_TEAM, "acme")  # the PyPI package, with bundled top-PyPI figures
    out = io.StringIO()
    assert (
        main(["--dry-run", "--frameworks", "pytorch", "--now", "2026-04-06T09:00:00Z", "--db", str(db)], out=out) == 0
    )
    text = out.getvalue()
    latest = observations(store, "pypi_downloads", ["acme"])[-1]
    assert "Tracked projects" in text
    line = next(line for line in text.splitlines() if "acme:" in line)
    assert f"{fmt.human(latest['value'], 'downloads/day')} PyPI downloads a day" in line
    assert f"on {latest['date']}" in line and "across a change of counting method" in line


def test_fwtrend_digest_dry_run_of_a_subscription_shows_its_own_workspaces_tracked_projects(
    store: Store, tmp_path: Path, fake_slack: FakeSlack
):
    add_series(store)
    add_project_series(store)
    subscribe_direct(store, fake_slack, "pytorch tensorflow")
    add_watched(store, "T111", "polars")
    add_watched(store, "T222", "tiangolo/fastapi")  # another workspace's list stays out
    out = io.StringIO()
    assert main(["--dry-run", "--now", DUE.isoformat(), "--db", str(tmp_path / "digest.db")], out=out) == 0
    text = out.getvalue()
    assert "  • polars: 31.2k stars (+20% 12-month change) on 2026-11-26" in text
    assert "fastapi" not in text
    assert digest_posts(fake_slack) == []


def test_a_posted_digest_names_the_projects_tracked_in_slack_with_their_figures(
    env: FakeSlack, store: Store, tmp_path: Path
):
    fake = env
    fake.set_user("U111", tz="America/New_York")
    add_series(store)
    add_project_series(store)
    app = bolt_app(fake, store)
    with time_machine.travel(SUBSCRIBED_AT, tick=False):
        slash(app, fake, "subscribe pytorch tensorflow")
        tracked = slash(app, fake, "track polars")
        slash(app, fake, "track tiangolo/fastapi", team_id="T222")
    assert "polars" in tracked["text"]
    run(store, fake, DUE)
    [post] = digest_posts(fake)
    blocks = post.params["blocks"]
    words = json.dumps(blocks, ensure_ascii=False)
    assert "*Tracked projects*" in words
    assert "• polars: 31.2k stars (+20% 12-month change) on 2026-11-26" in words
    assert "fastapi" not in words
    assert "PyTorch +300" in words  # the digest itself is unchanged around it
