"""A registry or source that fails: the failing source is named, the rest answered, nothing bad stored, never
a crash; offline (every source on a closed port) a name reads as "couldn't reach", never "does not exist"."""

from __future__ import annotations

import socket

import httpx

from bot.answering.engine import answer_query
from bot.answering.live_answers import after_lookup
from bot.ingest.live.candidates import lookup_candidates
from bot.ingest.live.lookup import know_stored_projects, look_up
from bot.settings import Settings
from bot.store.projects import live_projects
from bot.understanding.query import Query
from bot.understanding.reader import understand
from tests.live.conftest import TODAY


def _ask(store, text, settings, **kw):
    know_stored_projects(store)
    outcome = look_up(store, lookup_candidates(understand(text, today=TODAY)), settings, today=TODAY, **kw)
    result = after_lookup(understand(text, today=TODAY), outcome)
    return outcome, answer_query(store, result, today=TODAY) if isinstance(result, Query) else result


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _offline_settings() -> Settings:
    closed = f"http://127.0.0.1:{_closed_port()}"
    return Settings(
        _env_file=None,
        fwtrend_pypi_url=closed,
        fwtrend_npm_registry_url=closed,
        fwtrend_npm_url=closed,
        fwtrend_clickhouse_url=closed,
        github_api_url=closed,
        fwtrend_lookups_per_hour=10,
    )


def _stored(store, framework: str) -> int:
    return store.db.execute("SELECT COUNT(*) FROM main.observations WHERE framework = ?", [framework]).fetchone()[0]


def test_offline_langchain_vs_llama_index_answers_langchain_and_says_llama_index_could_not_be_reached(live_store):
    outcome, answer = _ask(live_store, "langchain vs llama-index downloads", _offline_settings())
    assert set(outcome.unreached) == {"llama-index"} and not outcome.nowhere and not outcome.found
    figures = {f.framework: f for c in answer.comparisons for f in c.figures}
    assert figures["langchain"].has_data
    notes = " ".join(answer.notes)
    assert "no figures for “llama-index” offline" in notes
    assert "I couldn't reach PyPI (GET /pypi/llama-index/json: connection failed" in notes
    assert "so I can't tell whether it exists" in notes
    assert "found no" not in notes
    assert live_projects(live_store) == [] and _stored(live_store, "llama-index") == 0


def test_offline_a_lone_unknown_name_is_said_unreachable_not_missing(live_store):
    _, answer = _ask(live_store, "how is some-new-lib doing", _offline_settings())
    assert answer.kind == "clarify" and answer.title == "Couldn't look that up"
    assert answer.headline.startswith("I couldn't reach PyPI (")
    assert "npm (" in answer.headline and "found no" not in answer.headline


def test_a_registry_answering_500_is_named_and_the_other_registry_still_answers(live_store, registries):
    registries.fault("npm-registry", status=500)
    outcome, answer = _ask(live_store, "llama-index", registries.settings())
    assert outcome.found == {"llama-index": "llama-index"}
    assert (
        "I couldn't reach npm (GET /npm-registry/llama-index: HTTP 500 after 2 tries) while looking up “llama-index”."
        in answer.notes
    )
    assert answer.comparisons[0].figures[0].has_data


def test_with_pypi_unheard_a_bare_name_is_not_stored_as_the_npm_package_of_that_name(live_store, registries):
    registries.fault("pypi-org", status=500)
    outcome, answer = _ask(live_store, "left-pad-live", registries.settings())
    assert outcome.found == {} and list(outcome.unreached) == ["left-pad-live"]
    assert answer.headline.startswith("I couldn't reach PyPI (GET /pypi-org/pypi/left-pad-live/json: HTTP 500")
    assert "npm has a package named `left-pad-live`: ask `npm:left-pad-live` for its figures." in answer.lines
    assert live_projects(live_store) == []
    outcome, _ = _ask(live_store, "npm:left-pad-live", registries.settings())  # named on npm: PyPI is not needed
    assert outcome.found == {"left-pad-live": "npm:left-pad-live"}


def test_a_registry_that_times_out_is_named_and_nothing_is_stored(live_store, registries):
    registries.fault("pypi-org", hang=1.5)
    registries.fault("npm-registry", hang=1.5)

    def slow_client() -> httpx.AsyncClient:
        return httpx.AsyncClient(timeout=0.3)

    outcome, _ = _ask(live_store, "llama-index", registries.settings(), client_factory=slow_client)
    assert outcome.unreached["llama-index"] == [
        "PyPI (GET /pypi-org/pypi/llama-index/json: timed out after 2 tries)",
        "npm (GET /npm-registry/llama-index: timed out after 2 tries)",
    ]
    assert live_projects(live_store) == [] and _stored(live_store, "llama-index") == 0


def test_malformed_json_from_a_registry_is_a_failure_said_plainly_never_a_crash(live_store, registries):
    registries.fault("pypi-org", malformed=True)
    outcome, _ = _ask(live_store, "pypi:llama-index", registries.settings())
    assert outcome.unreached["llama-index"] == [
        "PyPI (GET /pypi/llama-index/json: invalid or truncated JSON in the response)"
    ]
    assert live_projects(live_store) == []


def test_a_history_source_that_fails_adds_nothing_and_is_named_while_the_rest_is_stored(live_store, registries):
    registries.fault("clickhouse", status=500)
    outcome, _ = _ask(live_store, "llama-index", registries.settings())
    assert outcome.found == {"llama-index": "llama-index"}
    assert any(n.startswith("ClickHouse (PyPI downloads) failed for llama-index") for n in outcome.notes)
    metrics = {
        r[0] for r in live_store.db.execute("SELECT metric FROM main.observations WHERE framework = 'llama-index'")
    }
    assert "pypi_downloads" not in metrics and "github_stars" in metrics
    assert live_store.get_meta("cursor:clickhouse:llama-index") is None  # a later refresh asks again from the start


def test_a_repository_the_metadata_names_that_github_does_not_have_is_not_linked(live_store, registries):
    registries.add_pypi("ghostlink", urls={"Source": "https://github.com/nobody-here/ghostlink"})
    outcome, _ = _ask(live_store, "ghostlink", registries.settings())
    record = next(p for p in live_projects(live_store) if p["id"] == "ghostlink")
    assert record["github"] is None and record["links"] == []
    assert any("which GitHub says does not exist: not linked" in n for n in outcome.notes)


def test_a_name_found_nowhere_is_said_with_the_nearest_known_names_and_nothing_is_stored(live_store, registries):
    outcome, answer = _ask(live_store, "polarss", registries.settings())
    assert outcome.nowhere == {"polarss": "any"}
    assert answer.headline.startswith("I found no PyPI or npm package or GitHub repository named “polarss”.")
    assert "Nearest names I know: polars" in answer.headline
    assert live_projects(live_store) == []


def test_a_registry_prefixed_name_found_nowhere_names_only_that_registry(live_store, registries):
    _, answer = _ask(live_store, "npm:zz-nothing-here vs langchain", registries.settings())
    assert any(n.startswith("I found no npm package named “zz-nothing-here”.") for n in answer.notes)
    _, answer = _ask(live_store, "https://github.com/nobody-here/nothing", registries.settings())
    assert answer.headline.startswith("I found no GitHub repository named “nobody-here/nothing”.")


def test_a_history_source_slower_than_its_deadline_is_named_and_the_rest_kept(live_store, registries, monkeypatch):
    from bot.ingest.live import history

    monkeypatch.setattr(history, "HISTORY_DEADLINE_S", 0.5)
    registries.fault("clickhouse", hang=1.5)
    outcome, _ = _ask(live_store, "llama-index", registries.settings())
    assert (
        "ClickHouse (PyPI downloads) failed for llama-index, so its figures are missing: no full answer within 0.5 s."
        in outcome.notes
    )
    assert _stored(live_store, "llama-index") > 0 and live_store.get_meta("cursor:clickhouse:llama-index") is None
