"""Names are checked against each registry's rules before any URL is built (hostile text never reaches one),
and live look-ups are limited per workspace and overall, per hour, counted in the store."""

from __future__ import annotations

import re

import pytest

from bot.ingest.live.candidates import lookup_candidates
from bot.ingest.live.lookup import know_stored_projects, look_up
from bot.ingest.live.names import github_link, github_path, github_slug, npm_name, npm_path, pypi_name, pypi_path
from bot.store.live_lookups import WINDOW_S, take_lookups
from bot.understanding.reader import understand
from tests.live.conftest import TODAY


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("llama_index", "llama-index"),
        ("Scikit.Learn", "scikit-learn"),
        ("a", "a"),
        ("zope.interface", "zope-interface"),
    ],
)
def test_pypi_names_follow_pep_508_and_are_normalised_per_pep_503(name, expected):
    assert pypi_name(name) == expected


@pytest.mark.parametrize("name", ["../x", "a%2fb", "a b", "x?y", "pölars", "-x", "x-", ".x", "", "a/b", "x#y", "١٢٣"])
def test_names_pypi_refuses_never_become_a_url(name):
    assert pypi_name(name) is None
    with pytest.raises(ValueError):
        pypi_path(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [("left-pad", "left-pad"), ("@scope/pkg", "@scope/pkg"), ("React", "react"), ("a.b_c", "a.b_c")],
)
def test_npm_names_follow_validate_npm_package_name(name, expected):
    assert npm_name(name) == expected


@pytest.mark.parametrize(
    "name",
    [".hidden", "_under", "a b", "a%2fb", "x?y", "~tilde", "it's", "café", "node_modules", "favicon.ico", "@/x",
     "@scope/", "@scope/../x", "a/b", "x" * 215, "../x"],
)  # fmt: skip
def test_names_npm_refuses_never_become_a_url(name):
    assert npm_name(name) is None
    with pytest.raises(ValueError):
        npm_path(name)


def test_a_scoped_npm_name_is_asked_in_the_registry_form():
    assert npm_path("@Scope/Pkg") == "/@scope%2fpkg"


@pytest.mark.parametrize(("owner", "repo"), [("pola-rs", "polars"), ("a" * 39, "x.y_z-1"), ("o", "r" * 100)])
def test_github_owners_and_repositories_follow_githubs_rules(owner, repo):
    assert github_slug(owner, repo) == f"{owner}/{repo}"


@pytest.mark.parametrize(
    ("owner", "repo"),
    [("-a", "b"), ("a-", "b"), ("a--b", "c"), ("a" * 40, "b"), ("a", ".."), ("a", "."), ("a", "r" * 101), ("a_b", "c"),
     ("a", "b c"), ("a", "b%2f"), ("a", "b?x"), ("ä", "b")],
)  # fmt: skip
def test_slugs_github_refuses_never_become_a_url(owner, repo):
    assert github_slug(owner, repo) is None
    with pytest.raises(ValueError):
        github_path(f"{owner}/{repo}")


@pytest.mark.parametrize(
    ("url", "slug"),
    [
        ("git+https://github.com/pola-rs/polars.git", "pola-rs/polars"),
        ("https://github.com/pola-rs/polars/issues", "pola-rs/polars"),
        ("git@github.com:pola-rs/polars.git", "pola-rs/polars"),
        ("git://github.com/a/b", "a/b"),
        ("https://gitlab.com/a/b", None),
        ("https://github.com/sponsors/someone", None),
        ("https://evil.example/github.com/a/b", None),
        ("https://github.com/a%2f..%2f/b", None),
        ("https://github.com/only-owner", None),
    ],
)
def test_only_a_github_repository_in_a_metadata_url_becomes_a_link(url, slug):
    assert github_link(url) == slug


HOSTILE = [
    "../../etc/passwd vs polars",
    "foo%2fbar downloads",
    "pypi:../secret",
    "npm:@scope/../../x",
    "github.com/../../repos/x/y",
    "how is x?y=1 doing",
    "pölars vs ünïcode",
    "a b c d",
    "owner/re po stars",
    "x#frag vs y&z",
]


def test_hostile_text_never_reaches_a_url(live_store, registries):
    allowed = re.compile(
        r"/pypi/[a-z0-9-]+/json|/(?:@[a-z0-9-][a-z0-9._-]*%2f)?[a-z0-9-][a-z0-9._-]*"
        r"|/repos/[A-Za-z0-9-]+/[A-Za-z0-9._-]+(?:/[a-z/_]+)?(?:\?[a-z_=&0-9]+)?|/\?user=demo&default_format=JSON"
        r"|/downloads/range/[0-9:-]+/[a-z0-9._@/-]+"
    )
    settings = registries.settings()
    for text in HOSTILE:
        know_stored_projects(live_store)
        look_up(live_store, lookup_candidates(understand(text, today=TODAY)), settings, today=TODAY)
    assert registries.requests  # the valid names left in them were looked up
    for _, _, path in registries.requests:
        assert allowed.fullmatch(path), path
        assert ".." not in path and " " not in path and path.isascii()


def test_the_hourly_limits_count_per_workspace_and_overall_and_say_when_one_frees_up(store):
    now = 1_800_000_000.0
    assert take_lookups(store, "T1", ["a"], per_hour=3, per_team=2, now=now) is None
    assert take_lookups(store, "T1", ["b"], per_hour=3, per_team=2, now=now + 10) is None
    refused = take_lookups(store, "T1", ["c"], per_hour=3, per_team=2, now=now + 20)
    assert refused is not None and refused.scope == "workspace" and refused.retry_at == now + WINDOW_S
    assert take_lookups(store, "T2", ["d"], per_hour=3, per_team=2, now=now + 30) is None
    refused = take_lookups(store, "T3", ["e"], per_hour=3, per_team=2, now=now + 40)
    assert refused is not None and refused.scope == "overall" and refused.limit == 3
    # an hour after the first look-up, its room is free again
    assert take_lookups(store, "T1", ["c"], per_hour=3, per_team=2, now=now + WINDOW_S + 1) is None


def test_past_the_limit_no_request_is_made_and_the_answer_says_when_to_try_again(live_store, registries):
    settings = registries.settings(fwtrend_lookups_per_hour=1)
    know_stored_projects(live_store)
    look_up(live_store, lookup_candidates(understand("zz-one", today=TODAY)), settings, today=TODAY)
    asked = len(registries.requests)
    outcome = look_up(live_store, lookup_candidates(understand("zz-two", today=TODAY)), settings, today=TODAY)
    assert outcome.refused is not None and outcome.refused.scope == "overall"
    assert len(registries.requests) == asked
    from bot.answering.live_answers import after_lookup

    answer = after_lookup(understand("zz-two", today=TODAY), outcome)
    assert "1 live look-ups an hour across all workspaces" in answer.headline
    assert "try again after" in answer.headline and "bundled projects still answer" in answer.headline


def test_with_look_ups_off_no_name_is_looked_up(live_store, registries, monkeypatch, capsys, tmp_path):
    from bot.cli import main

    monkeypatch.setenv("FWTREND_LOOKUPS_PER_HOUR", "0")
    assert main(["--db", str(tmp_path / "off.db"), "ask", "langchain vs llama-index downloads"]) == 0
    captured = capsys.readouterr()
    assert "Looking up" not in captured.err and "no figures for “llama-index” offline" in captured.out
    assert registries.requests == []


@pytest.mark.parametrize("text", ["jaxx", "pytroch vs jaxx", "onnxruntime", "how is onnxruntime doing"])
def test_near_misses_of_frameworks_and_known_other_projects_are_not_looked_up(text):
    assert lookup_candidates(understand(text, today=TODAY)) == []


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("polarx", "any"),
        ("pypi:some-lib", "pypi"),
        ("npm:@acme/widget", "npm"),
        ("acme-org/widget-repo stars", "github"),
    ],
)
def test_names_found_in_no_bundled_file_are_looked_up_where_they_were_named(text, where):
    assert [c.where for c in lookup_candidates(understand(text, today=TODAY))] == [where]
