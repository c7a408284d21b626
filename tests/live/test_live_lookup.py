"""A project no bundled file holds: looked up on PyPI, npm and GitHub, its history fetched with the refresh
job's sources, stored with its links and where they came from, then answered from the store."""

from __future__ import annotations

import json

from bot.answering.engine import answer_query
from bot.answering.live_answers import after_lookup
from bot.catalog import catalog
from bot.ingest.live.candidates import lookup_candidates
from bot.ingest.live.lookup import know_stored_projects, look_up
from bot.store.projects import live_projects
from bot.understanding.reader import understand
from tests.live.conftest import TODAY, months


def _ask(store, text, settings, team=""):
    know_stored_projects(store)
    query = understand(text, today=TODAY)
    outcome = look_up(store, lookup_candidates(query), settings, team=team, today=TODAY)
    result = after_lookup(understand(text, today=TODAY), outcome)
    return outcome, (answer_query(store, result, today=TODAY) if hasattr(result, "intent") else result)


def test_a_pypi_package_in_no_bundled_file_is_stored_with_its_source_given_link_and_answered(live_store, registries):
    outcome, answer = _ask(live_store, "langchain vs llama-index downloads", registries.settings())
    assert outcome.found == {"llama-index": "llama-index"}
    record = next(p for p in live_projects(live_store) if p["id"] == "llama-index")
    assert record["pypi"] == ["llama-index"] and record["github"] == "run-llama/llama_index"
    assert record["links"] == ["github.com/run-llama/llama_index ↔ pypi:llama-index (PyPI project_urls “Repository”)"]
    assert record["source"].startswith("live look-up 2026-11-25: PyPI JSON API, GitHub /repos")
    rows = live_store.db.execute(
        "SELECT metric, COUNT(*), MIN(date), MAX(date) FROM main.observations "
        "WHERE framework = 'llama-index' GROUP BY metric"
    ).fetchall()
    by_metric = {r[0]: r[1:] for r in rows}
    assert by_metric["pypi_downloads"] == (30, "2023-02-28", "2025-07-31")  # every month ClickHouse returned
    assert by_metric["github_stars"][0] == 1 and by_metric["github_stars_retained"][0] > 20
    figures = {f.framework: f for c in answer.comparisons for f in c.figures}
    assert figures["llama-index"].has_data and figures["langchain"].has_data
    assert not any("offline" in n for n in answer.notes)
    assert any("Linked github.com/run-llama/llama_index ↔ pypi:llama-index" in n for n in answer.notes)


def test_the_next_question_about_a_looked_up_project_is_answered_from_the_store_without_asking_again(
    live_store, registries
):
    _ask(live_store, "llama-index", registries.settings())
    asked = len(registries.requests)
    know_stored_projects(live_store)
    query = understand("llama-index stars", today=TODAY)
    assert lookup_candidates(query) == [] and query.frameworks == ["llama-index"]
    answer = answer_query(live_store, query, today=TODAY)
    assert answer.comparisons[0].figures[0].latest.value == 300
    assert len(registries.requests) == asked


def test_an_npm_only_package_is_looked_up_on_npm_and_answered_with_its_npm_downloads(live_store, registries):
    outcome, answer = _ask(live_store, "npm:left-pad-live downloads", registries.settings())
    assert outcome.found == {"left-pad-live": "npm:left-pad-live"}
    assert registries.asked("pypi-org") == []  # npm: named the registry, PyPI is not asked
    record = next(p for p in live_projects(live_store) if p["id"] == "npm:left-pad-live")
    assert record["links"] == ["github.com/padder/left-pad-live ↔ npm:left-pad-live (npm registry repository.url)"]
    comparison = answer.comparisons[0]
    assert comparison.metric.id == "npm_downloads"
    assert comparison.figures[0].latest.value == 40
    # npm counts zeros before a package exists: those days are "no package", never stored as figures
    first = live_store.db.execute(
        "SELECT MIN(date) FROM main.observations WHERE framework = 'npm:left-pad-live' AND metric = 'npm_downloads'"
    ).fetchone()[0]
    assert first == "2025-06-01"


def test_a_bare_name_found_only_on_npm_is_that_npm_package(live_store, registries):
    outcome, _ = _ask(live_store, "left-pad-live", registries.settings())
    assert outcome.found == {"left-pad-live": "npm:left-pad-live"}
    assert registries.asked("pypi-org") == ["/pypi/left-pad-live/json"]


def test_a_moved_repository_is_linked_under_its_name_today_and_the_move_is_said(live_store, registries):
    _ask(live_store, "pypi:oldname-pkg", registries.settings())
    record = next(p for p in live_projects(live_store) if p["id"] == "oldname-pkg")
    assert record["github"] == "new-owner/oldname"
    assert record["links"] == [
        "github.com/new-owner/oldname ↔ pypi:oldname-pkg "
        "(PyPI project_urls “Source”; GitHub redirects it to new-owner/oldname)"
    ]


def test_a_github_repository_named_by_url_is_looked_up_on_github_only(live_store, registries):
    outcome, answer = _ask(live_store, "https://github.com/run-llama/llama_index stars", registries.settings())
    assert outcome.found == {"run-llama/llama_index": "run-llama/llama_index"}
    assert registries.asked("pypi-org") == [] and registries.asked("npm-registry") == []
    record = next(p for p in live_projects(live_store) if p["id"] == "run-llama/llama_index")
    assert record["pypi"] == [] and record["links"] == []  # a repository names no package: none is guessed
    assert answer.comparisons[0].figures[0].latest.value == 300


def test_a_package_and_a_same_name_npm_package_are_not_linked_by_their_name(live_store, registries):
    registries.add_npm("llama-index", repository="someone-else/llama-index-js")
    outcome, answer = _ask(live_store, "llama-index", registries.settings())
    assert live_projects(live_store) == []  # two readings: asked about, neither stored nor linked to the other
    assert [r.registry for r in outcome.readings["llama-index"]] == ["npm", "pypi"]
    assert answer.kind == "clarify" and len(answer.suggestions) == 2


def test_the_cli_answers_a_project_in_no_bundled_file_with_a_progress_line_on_stderr(lookups_on, capsys, tmp_path):
    from bot.cli import main

    assert main(["--db", str(tmp_path / "cli.db"), "ask", "llama-index vs langchain downloads"]) == 0
    captured = capsys.readouterr()
    assert "Looking up llama-index on PyPI, npm and GitHub…" in captured.err
    assert "llama-index" in captured.out and "offline" not in captured.out
    assert main(["--db", str(tmp_path / "cli.db"), "ask", "llama-index", "--json"]) == 0
    captured = capsys.readouterr()
    assert "Looking up" not in captured.err  # stored now: no second look-up
    assert "llama-index" in json.loads(captured.out)["text"]
    assert catalog()["llama-index"].github == "run-llama/llama_index"


def test_a_looked_up_project_can_be_tracked_and_the_daily_refresh_covers_it(lookups_on, capsys, tmp_path):
    from bot.cli import main

    db = str(tmp_path / "track.db")
    assert main(["--db", db, "ask", "llama-index"]) == 0
    assert main(["--db", db, "track", "llama-index"]) == 0
    assert "llama-index (PyPI llama-index · GitHub run-llama/llama_index)" in capsys.readouterr().out
    lookups_on.add_months("llama-index", months("2023-02", 31))  # one more month since the look-up
    assert main(["--db", db, "refresh", "--source", "clickhouse", "--quiet", "--today", "2026-11-25"]) == 0
    from bot.ingest.seeded import open_seeded_store

    store = open_seeded_store(db)
    runs = store.db.execute("SELECT status FROM refresh_runs WHERE framework = 'llama-index'").fetchall()
    assert runs == [("ok",)]


def test_refresh_project_names_a_looked_up_project_in_a_new_process(lookups_on, capsys, tmp_path):
    from bot.cli import main

    db = str(tmp_path / "refresh-project.db")
    assert main(["--db", db, "ask", "llama-index"]) == 0
    catalog().know_projects([], exactly=True)  # a new process: its catalog knows only the bundled projects
    assert "llama-index" not in catalog().project_names()
    lookups_on.add_months("llama-index", months("2023-02", 31))
    args = ["--db", db, "refresh", "--project", "llama-index", "--source", "clickhouse", "--quiet"]
    assert main([*args, "--today", "2026-11-25"]) == 0, capsys.readouterr().err
    from bot.ingest.seeded import open_seeded_store

    runs = open_seeded_store(db).db.execute("SELECT status FROM refresh_runs WHERE framework = 'llama-index'")
    assert runs.fetchall() == [("ok",)]


def test_downloads_of_an_npm_only_project_named_bare_are_its_npm_downloads(live_store, registries):
    outcome, answer = _ask(live_store, "left-pad-live downloads", registries.settings())
    assert outcome.found == {"left-pad-live": "npm:left-pad-live"}
    assert answer.comparisons[0].metric.id == "npm_downloads"
    assert answer.comparisons[0].figures[0].latest.value == 40
    assert "“left-pad-live” has only an npm package, so I read “downloads” as npm downloads." in answer.notes
    # asked again, from the store: the same reading
    know_stored_projects(live_store)
    assert understand("left-pad-live downloads", today=TODAY).metric == "npm_downloads"
    assert understand("left-pad-live pypi downloads", today=TODAY).metric == "pypi_downloads"
