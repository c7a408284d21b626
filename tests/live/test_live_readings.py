"""A bare name PyPI and npm both have for different projects (`react`: facebook/react's npm package, and an
unrelated PyPI package) is asked about, one reading per button; nothing of either is stored until one is
picked. Packages whose metadata name one repository are one project; a metric only one reading has settles it."""

from __future__ import annotations

from datetime import date

import pytest

from bot.answering.engine import answer_query
from bot.answering.live_answers import after_lookup
from bot.catalog import catalog
from bot.ingest.live.candidates import lookup_candidates
from bot.ingest.live.lookup import know_stored_projects, look_up
from bot.ingest.live.readings import picked_candidates, with_found
from bot.ingest.seeded import open_seeded_store
from bot.store.projects import live_projects
from bot.understanding.query import Query
from bot.understanding.reader import understand
from tests.live.conftest import TODAY, months
from tests.support.fake_registries import FakeRegistries


def two_packages(fake: FakeRegistries, name: str, npm_repo: str | None, pypi_repo: str | None, summary: str) -> None:
    """`name` on npm (its repository.url naming `npm_repo`) and on PyPI (project_urls naming `pypi_repo`),
    each with history and its repository on GitHub."""
    repository = {"type": "git", "url": f"git+https://github.com/{npm_repo}.git"} if npm_repo else None
    fake.add_npm(name, repository=repository, since=date(2025, 3, 1), per_day=700)
    fake.add_pypi(name, summary=summary, urls={"Source": f"https://github.com/{pypi_repo}"} if pypi_repo else None)
    fake.add_months(name, months("2024-06", 12))
    for slug in (npm_repo, pypi_repo):
        if slug:
            fake.add_repo(slug, 900, [4] * 25)


# Names npm and PyPI both have, belonging to different projects (repositories as their metadata names them).
SHARED = [
    ("react", "facebook/react", None, "Reactive programming for Python"),
    ("colors", "Marak/colors.js", "verigak/colors", "Print colored text in a terminal"),
    ("jest", "jestjs/jest", "someone/jest-py", "A JSON test tool"),
    ("tinyshared", None, None, "No repository named anywhere"),
]


def _ask(store, text, settings, team=""):
    know_stored_projects(store)
    outcome = look_up(store, lookup_candidates(understand(text, today=TODAY)), settings, team=team, today=TODAY)
    result = after_lookup(understand(text, today=TODAY), outcome)
    return outcome, (answer_query(store, result, today=TODAY) if isinstance(result, Query) else result)


def _history_asked(fake: FakeRegistries) -> list[str]:
    return fake.asked("clickhouse") + fake.asked("npm-api") + [p for p in fake.asked("github") if "stargazers" in p]


@pytest.mark.parametrize(("name", "npm_repo", "pypi_repo", "summary"), SHARED)
def test_a_name_pypi_and_npm_both_have_for_different_projects_gets_one_button_per_reading_and_nothing_stored(
    live_store, registries, name, npm_repo, pypi_repo, summary
):
    two_packages(registries, name, npm_repo, pypi_repo, summary)
    outcome, answer = _ask(live_store, name, registries.settings())
    assert outcome.found == {} and [r.registry for r in outcome.readings[name]] == ["npm", "pypi"]
    assert answer.kind == "clarify" and answer.query.intent == "clarify"
    assert answer.headline.startswith(f"Which “{name}”? the npm package {name}")
    assert f"or the PyPI package {name} (" in answer.headline and summary in answer.headline
    assert [s.frameworks for s in answer.suggestions] == [[f"npm:{name}"], [f"pypi:{name}"]]
    assert any(f"`npm:{name}`" in line for line in answer.lines)
    assert any(f"`pypi:{name}`" in line for line in answer.lines)
    # Only the registry metadata needed to ask was fetched: no project row, no history of either reading.
    assert live_projects(live_store) == [] and name not in catalog().project_names()
    assert _history_asked(registries) == []


def test_the_react_question_names_the_npm_package_with_its_repository_then_the_pypi_one(live_store, registries):
    two_packages(registries, "react", "facebook/react", None, "Reactive programming for Python")
    _, answer = _ask(live_store, "react", registries.settings())
    assert answer.headline == (
        "Which “react”? the npm package react (facebook/react, “react package”) or the PyPI package react "
        "(“Reactive programming for Python”)?"
    )


@pytest.mark.parametrize(
    "npm_form", ["acme-org/acme-lib", "Acme-Org/Acme-Lib", "git+https://github.com/acme-org/acme-lib.git"]
)
def test_packages_whose_metadata_name_the_same_repository_are_one_project_and_nothing_is_asked(
    live_store, registries, npm_form
):
    registries.add_pypi("acme-lib", urls={"Repository": "https://github.com/acme-org/acme-lib"})
    registries.add_months("acme-lib", months("2024-06", 12))
    registries.add_npm("acme-lib", repository={"type": "git", "url": npm_form}, since=date(2025, 3, 1), per_day=50)
    registries.add_repo("acme-org/acme-lib", 500, [2] * 25)
    outcome, answer = _ask(live_store, "acme-lib", registries.settings())
    assert outcome.readings == {} and outcome.found == {"acme-lib": "acme-lib"}
    record = next(p for p in live_projects(live_store) if p["id"] == "acme-lib")
    assert record["pypi"] == ["acme-lib"] and record["npm"] == ["acme-lib"] and record["github"] == "acme-org/acme-lib"
    assert answer.kind != "clarify"


def test_a_moved_repository_named_by_one_package_under_its_old_name_still_links_the_two(live_store, registries):
    registries.add_pypi("movedlib", urls={"Source": "https://github.com/old-home/movedlib"})
    registries.add_npm("movedlib", repository="github:new-home/movedlib", since=date(2025, 3, 1), per_day=50)
    registries.add_repo("new-home/movedlib", 80, [1] * 25)
    registries.moved["old-home/movedlib"] = "new-home/movedlib"
    outcome, _ = _ask(live_store, "movedlib", registries.settings())
    assert outcome.readings == {} and outcome.found == {"movedlib": "movedlib"}
    record = next(p for p in live_projects(live_store) if p["id"] == "movedlib")
    assert record["npm"] == ["movedlib"] and record["github"] == "new-home/movedlib"


@pytest.mark.parametrize(
    ("text", "stored", "other"),
    [
        ("react npm downloads", "npm:react", "pypi:react"),
        ("react pypi downloads", "react", "npm:react"),
        ("react stars", "npm:react", "pypi:react"),  # only the npm package's metadata names a repository
        ("colors npm downloads", "npm:colors", "pypi:colors"),
    ],
)
def test_a_metric_only_one_reading_has_settles_it_with_a_note_naming_the_other(
    live_store, registries, text, stored, other
):
    two_packages(registries, "react", "facebook/react", None, "Reactive programming for Python")
    two_packages(registries, "colors", "Marak/colors.js", "verigak/colors", "Print colored text")
    outcome, answer = _ask(live_store, text, registries.settings())
    name = text.split()[0]
    assert outcome.readings == {} and outcome.found == {name: stored}
    assert [p["id"] for p in live_projects(live_store)] == [stored]  # the other reading is not stored
    assert answer.kind != "clarify"
    assert any(f"I read “{name}” as the" in n and f"ask `{other}`" in n for n in answer.notes)


@pytest.mark.parametrize(("text", "stored"), [("npm:react", "npm:react"), ("pypi:react", "react")])
def test_a_registry_prefixed_name_is_that_reading_with_no_question(live_store, registries, text, stored):
    two_packages(registries, "react", "facebook/react", None, "Reactive programming for Python")
    outcome, answer = _ask(live_store, text, registries.settings())
    assert outcome.readings == {} and list(outcome.found.values()) == [stored]
    assert [p["id"] for p in live_projects(live_store)] == [stored] and answer.kind != "clarify"


def test_two_names_with_two_readings_each_get_a_button_per_combination(live_store, registries):
    two_packages(registries, "react", "facebook/react", None, "Reactive programming for Python")
    two_packages(registries, "colors", "Marak/colors.js", "verigak/colors", "Print colored text")
    outcome, answer = _ask(live_store, "react vs colors", registries.settings())
    assert set(outcome.readings) == {"react", "colors"}
    assert "Which “react”?" in answer.headline and "Which “colors”?" in answer.headline
    assert [s.frameworks for s in answer.suggestions] == [
        ["npm:react", "npm:colors"],
        ["npm:react", "pypi:colors"],
        ["pypi:react", "npm:colors"],
        ["pypi:react", "pypi:colors"],
    ]


def test_a_picked_reading_is_looked_up_and_answered_without_counting_against_the_hourly_limit(live_store, registries):
    two_packages(registries, "react", "facebook/react", None, "Reactive programming for Python")
    settings = registries.settings(fwtrend_lookups_per_hour_per_workspace=1)
    _, question = _ask(live_store, "react", settings, team="T-ONE")  # the one look-up this hour
    refused, _ = _ask(live_store, "zz-not-yet", settings, team="T-ONE")
    assert refused.refused is not None  # the limit is spent: the question took it once, not per reading
    for picked, stored, metric in [(0, "npm:react", "npm_downloads"), (1, "react", "pypi_downloads")]:
        query = question.suggestions[picked]
        candidates = picked_candidates(query, catalog())
        outcome = look_up(live_store, candidates, settings, team="T-ONE", today=TODAY, counted=False)
        assert outcome.refused is None and list(outcome.found.values()) == [stored]
        answer = answer_query(live_store, with_found(query, catalog(), outcome.found), today=TODAY)
        assert answer.query.frameworks == [stored]
        assert any(c.metric.id == metric and c.figures[0].has_data for c in answer.comparisons)
    # picked again: already stored, nothing to look up
    assert picked_candidates(question.suggestions[0], catalog()) == []
    assert with_found(question.suggestions[1], catalog(), {}).frameworks == ["react"]


def test_the_cli_lists_both_readings_of_a_shared_name_and_what_to_type_for_each(lookups_on, capsys, tmp_path):
    from bot.cli import main

    two_packages(lookups_on, "react", "facebook/react", None, "Reactive programming for Python")
    db = str(tmp_path / "cli.db")
    assert main(["--db", db, "ask", "react"]) == 0
    out = capsys.readouterr().out
    assert "Which “react”? the npm package react (facebook/react" in out
    assert "npm:react" in out and "pypi:react" in out
    assert 'fwtrend ask "npm:react"' in out and 'fwtrend ask "pypi:react"' in out
    assert main(["--db", db, "ask", "npm:react"]) == 0  # typed as the question says: that reading
    captured = capsys.readouterr()
    assert "Looking up npm:react on npm and GitHub…" in captured.err or "Looking up react on npm" in captured.err
    assert "npm downloads" in captured.out.lower() and "Which" not in captured.out
    assert main(["--db", db, "ask", "pypi:react"]) == 0  # the other reading, though "react" names npm's now
    captured = capsys.readouterr()
    assert "PyPI downloads" in captured.out and "don't track" not in captured.out
    assert {"react", "npm:react"} <= {p["id"] for p in live_projects(open_seeded_store(db))}
