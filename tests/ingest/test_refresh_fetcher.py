"""The shared fetcher's politeness, the sources table, and secrets staying secret."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest
from pydantic import SecretStr

from bot.ingest.sources.base import Fetcher, HostPolicy, wait_from_headers
from bot.store.refresh_runs import sources_status
from tests.conftest import DAY1, Harness, make_settings


def test_no_more_requests_in_flight_per_source_than_its_policy_allows():
    in_flight = {"a": 0, "b": 0}
    peak = {"a": 0, "b": 0}

    async def handler(request: httpx.Request) -> httpx.Response:
        key = request.url.path.split("/")[1]
        in_flight[key] += 1
        peak[key] = max(peak[key], in_flight[key])
        await asyncio.sleep(0.01)
        in_flight[key] -= 1
        return httpx.Response(200, json={})

    async def go():
        client = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        fetcher = Fetcher(
            client, policies={"http://same.invalid/a": HostPolicy(2), "http://same.invalid/b": HostPolicy(5)}
        )
        await asyncio.gather(*(fetcher.get(f"http://same.invalid/{k}/x", source=k) for k in "ab" * 12))
        await client.aclose()
        return fetcher

    fetcher = asyncio.run(go())
    assert peak == {"a": 2, "b": 5}  # one host, two sources, each kept to its own limit
    assert fetcher.requests == {"a": 12, "b": 12}


def test_retry_after_may_be_an_http_date():
    now = datetime(2026, 9, 20, 12, 0, tzinfo=UTC)
    resp = httpx.Response(503, headers={"Retry-After": format_datetime(now + timedelta(seconds=90), usegmt=True)})
    assert wait_from_headers(resp, now.timestamp()) == pytest.approx(90)


def test_sources_table_shows_last_good_refresh_and_staleness(harness):
    harness.run(sources=["huggingface", "npm"])
    harness.replay.fault("npm", "/downloads", status=500)
    harness.store.db.execute("DELETE FROM observations WHERE metric = 'npm_downloads'")
    harness.run(sources=["npm"])
    status = {row["source"]: row for row in sources_status(harness.store)}
    assert status["huggingface"]["stale"] is False and status["huggingface"]["last_good_refresh"]
    assert status["arxiv"]["stale"] is True and status["arxiv"]["last_good_refresh"] is None
    assert status["npm"]["last_status"] == "failed" and "HTTP 500" in status["npm"]["last_error"]
    later = datetime.now(UTC) + timedelta(days=3)
    assert {r["source"]: r["stale"] for r in sources_status(harness.store, now=later)}["huggingface"] is True
    # What `fwtrend sources` and `/fwtrend sources` show, from the same status.
    from bot.answering.engine import answer_text

    lines = answer_text(harness.store, "sources").lines
    assert any(line.startswith("*Hugging Face") and "fresh" in line for line in lines)
    assert any(line.startswith("*npm") and "last run failed: " in line and "HTTP 500" in line for line in lines)
    assert any(line.startswith("*arXiv") and "never refreshed" in line for line in lines)


def test_tokens_are_sent_but_never_printed_or_logged(store, replay, caplog):
    secret = "ghp_SECRET_TOKEN_1234567890"
    se_secret = "SE_KEY_abcdef((("
    harness = Harness(
        store, replay, make_settings(github_token=SecretStr(secret), stackexchange_key=SecretStr(se_secret))
    )
    seen = []
    original = replay.httpx_handler

    def spy(request):
        seen.append((request.headers.get("Authorization"), request.url.params.get("key")))
        return original(request)

    harness.router.routes.clear()
    harness.router.route().mock(side_effect=spy)
    replay.fault("stackexchange", "/questions", status=500)  # errors are where secrets usually leak
    caplog.set_level(logging.DEBUG)
    report = harness.run(sources=["github", "stackexchange"], frameworks=["flax"], today=DAY1)
    assert (f"Bearer {secret}", None) in seen and any(key == se_secret for _, key in seen)
    text = "\n".join(report.summary_lines() + report.reasons()) + caplog.text
    text += str(harness.store.db.execute("SELECT * FROM refresh_runs").fetchall())
    assert secret not in text and se_secret not in text
    assert secret not in repr(harness.settings)
