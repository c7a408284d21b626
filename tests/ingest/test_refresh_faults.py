"""Faults at any source leave every stored row in place, fail only that source, and say why in one line."""

from __future__ import annotations

import json

import pytest

from bot.store.observations import observations
from tests.conftest import DAY1, DAY2
from tests.http_replay import FIXTURES

THROTTLE = json.dumps(
    {
        "error_id": 502,
        "error_message": "too many requests from this IP, more requests available in 80123 seconds",
        "error_name": "throttle_violation",
    }
).encode()
PAGINATION_422 = json.dumps(
    {
        "message": "In order to keep the API fast for everyone, pagination is limited for this resource.",
        "documentation_url": "https://docs.github.com/v3/#pagination",
    }
).encode()


def _truncated(path: str) -> bytes:
    body = json.dumps(json.loads((FIXTURES / path).read_text())[0]["json"]).encode()
    return body[: len(body) // 2]


def _renamed_total() -> bytes:
    page = json.loads((FIXTURES / "day2/huggingface/models_json.json").read_text())[0]["json"]
    page["total"] = page.pop("numTotalItems")
    return json.dumps(page).encode()


JSON = {"Content-Type": "application/json; charset=utf-8"}

FAULTS = {
    "500": dict(
        source="stackexchange",
        path_contains="/questions",
        status=500,
        body=b"<html>Server Error</html>",
        reason="HTTP 500 after 5 tries",
    ),
    "429 with Retry-After": dict(
        source="pypistats",
        path_contains="/overall",
        status=429,
        headers={"Retry-After": "30"},
        reason="HTTP 429 after 5 tries",
    ),
    "Stack Exchange throttle": dict(
        source="stackexchange",
        path_contains="",
        status=400,
        body=THROTTLE,
        headers={**JSON},
        reason="Stack Exchange error 502 throttle_violation",
    ),
    "timeout": dict(source="npm", path_contains="/downloads/range", timeout=True, reason="timed out after 5 tries"),
    "truncated JSON": dict(
        source="pypistats",
        path_contains="/overall",
        status=200,
        headers=JSON,
        body=_truncated("day2/pypistats/torch.json"),
        reason="invalid or truncated JSON",
    ),
    "changed schema": dict(
        source="huggingface",
        path_contains="/models-json",
        status=200,
        headers=JSON,
        body=_renamed_total(),
        reason="response shape changed: numTotalItems: Field required",
    ),
    "GitHub 422 on star history": dict(
        source="github",
        path_contains="/stargazers/history",
        status=422,
        headers=JSON,
        body=PAGINATION_422,
        reason="GitHub refused page 1 (422: In order to keep the API fast",
    ),
    "GitHub 202 from stats": dict(
        source="github",
        path_contains="google/flax/stats/commit_activity",
        status=202,
        headers=JSON,
        body=b"{}",
        reason="still computing commit stats (202) after 4 tries",
    ),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_fault_keeps_every_row_and_fails_only_that_source_with_a_one_line_reason(harness, name):
    harness.run(today=DAY1)
    before = harness.rows()
    before_langs = harness.store.count("github_languages")
    harness.replay.load_dir(FIXTURES / "day2")
    spec = dict(FAULTS[name])
    reason = spec.pop("reason")
    source = spec["source"]
    harness.replay.fault(**spec)

    report = harness.run(today=DAY2)

    after = harness.rows()
    assert {k: v for k, v in after.items() if k in before} == before  # nothing lost, nothing overwritten
    assert harness.store.count("github_languages") >= before_langs
    assert report.exit_code == 1
    lines = report.reasons()
    assert len(lines) == 1 and "\n" not in lines[0]
    assert lines[0].startswith(f"{source} failed: ")
    assert reason in lines[0]
    # the other sources still landed their new periods
    others = {u.source for u in report.units if u.status == "ok"}
    assert others >= {"github", "pypistats", "clickhouse", "npm", "stackexchange", "huggingface", "arxiv"} - {source}
    failed_runs = harness.store.db.execute(
        "SELECT error FROM refresh_runs WHERE status = 'failed' AND source = ?", [source]
    ).fetchall()
    assert failed_runs and all(reason in r[0] for r in failed_runs)


def test_a_429_is_retried_after_the_seconds_retry_after_asks(harness):
    harness.replay.fault("pypistats", "/overall", status=429, headers={"Retry-After": "42"}, times=1)
    report = harness.run(sources=["pypistats"], frameworks=["pytorch"])
    assert report.exit_code == 0
    assert 42 in harness.clock.slept


def test_an_exhausted_github_rate_limit_waits_until_x_ratelimit_reset(harness):
    reset = int(harness.clock.time()) + 120
    harness.replay.fault(
        "github",
        "/repos/pytorch/pytorch",
        status=403,
        times=1,
        headers={**JSON, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        body=b'{"message":"API rate limit"}',
    )
    report = harness.run(sources=["github"], frameworks=["pytorch"])
    assert report.exit_code == 0
    assert harness.clock.slept[0] == pytest.approx(121, abs=1)


def test_a_rate_limit_reset_hours_away_fails_the_source_instead_of_hanging(harness):
    reset = int(harness.clock.time()) + 5 * 3600
    harness.replay.fault(
        "github",
        "/repos/",
        status=403,
        headers={**JSON, "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(reset)},
        body=b'{"message":"API rate limit"}',
    )
    report = harness.run(sources=["github"], frameworks=["pytorch"])
    assert report.exit_code == 1
    assert "asked to wait" in report.reasons()[0]


def test_stack_exchange_backoff_pauses_the_next_request(harness):
    key = next(k for k, ex in harness.replay.table.items() if ex["path"] == "/tags/pytorch/info")
    harness.replay.table[key] = {**harness.replay.table[key]}
    harness.replay.table[key]["json"] = {**harness.replay.table[key]["json"], "backoff": 10}
    stamps = []
    original = harness.replay.httpx_handler

    def timed(request):
        stamps.append((request.url.path, harness.clock.time()))
        return original(request)

    harness.router.routes.clear()
    harness.router.route().mock(side_effect=timed)
    report = harness.run(sources=["stackexchange"], frameworks=["pytorch"])
    assert report.exit_code == 0
    assert stamps[1][1] - stamps[0][1] >= 10


def test_commit_stats_that_are_ready_on_a_later_try_are_stored(harness):
    harness.replay.fault("github", "google/flax/stats/commit_activity", status=202, body=b"{}", times=2)
    report = harness.run(sources=["github"], frameworks=["flax"])
    assert report.exit_code == 0
    assert len(observations(harness.store, "github_commits", ["flax"])) == 51


def test_star_history_never_asks_past_page_100(harness):
    weeks_seen = []

    def endless(request):
        import httpx

        if "/stargazers/history" not in request.url.path:
            return harness.replay.httpx_handler(request)
        page = int(request.url.params["page"])
        weeks_seen.append(page)
        start = 1_789_000_000 - page * 30 * 7 * 86400
        body = [{"week": start - i * 7 * 86400, "total": 0, "days": [0] * 7} for i in range(30)]
        nxt = f'<https://github.invalid/x?per_page=30&page={page + 1}>; rel="next"'
        return httpx.Response(200, json=body, headers={"Link": nxt})

    harness.router.routes.clear()
    harness.router.route().mock(side_effect=endless)
    report = harness.run(sources=["github"], frameworks=["flax"])
    assert max(weeks_seen) == 100
    assert report.exit_code == 0
    assert any("page 100" in n for u in report.units for n in u.notes)


def test_a_unit_whose_write_fails_halfway_leaves_none_of_its_rows(harness, monkeypatch):
    import bot.ingest.refresh

    def broken(store, rows):
        raise OSError("disk full")

    monkeypatch.setattr(bot.ingest.refresh, "replace_languages", broken)  # fails after the unit's figures were upserted
    report = harness.run(sources=["github"], frameworks=["pytorch"])
    assert report.exit_code == 1 and "OSError: disk full" in report.reasons()[0]
    assert observations(harness.store, "github_stars", ["pytorch"]) == []
    assert observations(harness.store, "github_stars_retained", ["pytorch"]) == []
    status = harness.store.db.execute("SELECT status, rows FROM refresh_runs").fetchall()
    assert status == [("failed", 0)]
