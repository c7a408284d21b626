"""arXiv: one paged search per framework, counted by each entry's <published> month, at arXiv's 3 s pace.

The recordings are built by tests/fixture_builder.py in arXiv's Atom shape (OpenSearch totalResults,
startIndex, itemsPerPage; entries with <published>); the expected counts come from the builder's own
per-month figures, not from the code under test.
"""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

import httpx
import pytest

from bot.catalog import catalog
from bot.ingest.sources.arxiv import METHOD
from bot.ingest.sources.base import last_complete_month, month_starts
from bot.store.observations import observations
from tests.conftest import DAY1, DAY2, FRAMEWORKS
from tests.fixture_builder import ARXIV_FIXTURE_SCALE, arxiv, arxiv_month, arxiv_papers
from tests.http_replay import FIXTURES

SINCE = date(2015, 1, 1)
LAST = last_complete_month(DAY1)  # 2026-08


def _stored(harness, fid: str) -> dict[str, int]:
    return {r["date"]: r["value"] for r in observations(harness.store, "arxiv_papers", [fid])}


def _expected(fid: str, months: list[date], scale: float = ARXIV_FIXTURE_SCALE) -> dict[str, int]:
    return {m.isoformat(): arxiv_month(fid, m, scale) for m in months}


def _only_arxiv(harness, exchanges) -> None:
    """Serve these arXiv exchanges instead of the recordings on disk."""
    harness.replay.table = {k: v for k, v in harness.replay.table.items() if k[0] != "arxiv"}
    harness.replay.add(exchanges)


def test_monthly_counts_come_from_the_published_dates_of_paged_results(harness):
    report = harness.run(sources=["arxiv"])
    assert report.exit_code == 0, report.reasons()
    for fid in FRAMEWORKS:
        assert _stored(harness, fid) == _expected(fid, month_starts(SINCE, LAST)), fid  # zero months included
    rows = observations(harness.store, "arxiv_papers", ["pytorch"])
    assert {r["method"] for r in rows} == {METHOD}  # the same count as the month-by-month queries made
    pytorch = [s.query for s in harness.replay.requests_for("arxiv") if '"pytorch"' in s.query["search_query"]]
    assert [q["start"] for q in pytorch] == ["0", "2000"]  # 2,371 papers: two pages of arXiv's maximum
    assert all(q["max_results"] == "2000" and q["sortBy"] == "submittedDate" for q in pytorch)
    assert pytorch[0]["search_query"] == (
        '(ti:"pytorch" OR abs:"pytorch") AND submittedDate:[201501010000 TO 202608312359]'
    )


def test_arxiv_pages_are_three_seconds_apart_on_the_virtual_clock(harness):
    starts = []
    original = harness.replay.httpx_handler

    def timed(request):
        starts.append(harness.clock.time())
        return original(request)

    harness.router.routes.clear()
    harness.router.route().mock(side_effect=timed)
    harness.run(sources=["arxiv"])
    assert len(starts) == 4  # pytorch 2 pages, tensorflow 1, flax 1: was 3 × 140 months = 420 requests
    assert min(b - a for a, b in pairwise(starts)) >= 3.0
    assert starts[-1] - starts[0] >= 9.0


def test_a_later_run_searches_only_the_months_after_the_newest_stored(harness):
    harness.run(sources=["arxiv"], today=DAY1)
    harness.replay.load_dir(FIXTURES / "day2")
    harness.replay.served.clear()
    report = harness.run(sources=["arxiv"], today=DAY2)
    assert report.exit_code == 0, report.reasons()
    asked = harness.replay.requests_for("arxiv")
    assert len(asked) == 3
    assert all("submittedDate:[202609010000 TO 202609302359]" in s.query["search_query"] for s in asked)
    for fid in FRAMEWORKS:
        assert _stored(harness, fid)["2026-09-01"] == arxiv_month(fid, date(2026, 9, 1), ARXIV_FIXTURE_SCALE)
    harness.replay.served.clear()
    again = harness.run(sources=["arxiv"], today=DAY2)
    assert harness.replay.requests_for("arxiv") == [] and all(u.skipped for u in again.units)


def _broken_second_page(kind: str):
    def answer(request: httpx.Request, original) -> httpx.Response:
        if '"pytorch"' in request.url.params.get("search_query", "") and request.url.params.get("start") == "2000":
            if kind == "503":
                return httpx.Response(503, headers={"Retry-After": "1"}, request=request)
            good = original(request)
            text = good.text
            if kind == "empty page":  # arXiv's known glitch: a page with no entries though more were promised
                text = text[: text.index("  <entry>")] + "</feed>\n"
            elif kind == "truncated XML":
                text = text[: len(text) // 2]
            elif kind == "error feed":
                head = text[: text.index("  <entry>")]
                text = head + "<entry><title>Error</title><summary>start must be an integer</summary></entry></feed>"
            return httpx.Response(200, text=text, headers=good.headers, request=request)
        return original(request)

    return answer


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("503", "HTTP 503 after 5 tries"),
        ("empty page", "page at start=2000 held 0 entries"),
        ("truncated XML", "invalid or truncated XML"),
        ("error feed", "arXiv says: start must be an integer"),
    ],
)
def test_a_failing_page_keeps_the_months_already_whole_and_fails_the_unit(harness, kind, reason):
    original = harness.replay.httpx_handler
    broken = _broken_second_page(kind)
    harness.router.routes.clear()
    harness.router.route().mock(side_effect=lambda request: broken(request, original))
    report = harness.run(sources=["arxiv"])

    assert report.exit_code == 1
    (line,) = report.reasons()
    assert line.startswith("arxiv failed: pytorch: ") and reason in line and "kept" in line
    # page 1 held the newest 2,000 papers; every month newer than its oldest entry is whole, that one is not
    page1 = arxiv_papers("pytorch", month_starts(SINCE, LAST), ARXIV_FIXTURE_SCALE)[:2000]
    cut = page1[-1][1].date().replace(day=1)
    kept = _stored(harness, "pytorch")
    assert kept == _expected("pytorch", [m for m in month_starts(SINCE, LAST) if m > cut])
    # the kept months and the failed run record landed together
    runs = harness.store.db.execute(
        "SELECT status, rows, error FROM refresh_runs WHERE source = 'arxiv' AND framework = 'pytorch'"
    ).fetchall()
    assert runs == [("failed", len(kept), line.removeprefix("arxiv failed: pytorch: "))]
    assert _stored(harness, "tensorflow") == _expected("tensorflow", month_starts(SINCE, LAST))  # others unharmed

    # the next run searches only the months still missing, and the series is whole with nothing counted twice
    harness.router.routes.clear()
    harness.router.route().mock(side_effect=original)
    harness.replay.add(arxiv(catalog()["pytorch"], DAY1, SINCE, cut, ARXIV_FIXTURE_SCALE))
    harness.replay.served.clear()
    assert harness.run(sources=["arxiv"]).exit_code == 0
    (window,) = {s.query["search_query"] for s in harness.replay.requests_for("arxiv")}
    assert window.endswith(f"submittedDate:[201501010000 TO {cut:%Y%m}{_last_day(cut)}2359]")
    assert _stored(harness, "pytorch") == _expected("pytorch", month_starts(SINCE, LAST))


def _last_day(month: date) -> str:
    import calendar

    return f"{calendar.monthrange(month.year, month.month)[1]:02d}"


def test_past_arxivs_deep_paging_cap_a_new_search_recounts_the_month_the_cap_cut_into(harness):
    # arXiv's cap is 30,000 results per query at 2,000 a page; scaled down here to 1,000 at 100 a page
    fw = catalog()["pytorch"]
    _only_arxiv(harness, arxiv(fw, DAY1, SINCE, LAST, ARXIV_FIXTURE_SCALE, page_size=100, cap=1000))
    report = harness.run(
        sources=["arxiv"], frameworks=["pytorch"], source_overrides={"arxiv": {"page_size": 100, "cap": 1000}}
    )
    assert report.exit_code == 0, report.reasons()
    assert _stored(harness, "pytorch") == _expected("pytorch", month_starts(SINCE, LAST))
    asked = harness.replay.requests_for("arxiv")
    assert all(int(s.query["start"]) + 100 <= 1000 for s in asked)  # never past the cap
    searches = list(dict.fromkeys(s.query["search_query"] for s in asked))
    assert len(searches) == 3  # 2,371 papers: three searches, each ending where the previous cap cut


def test_a_month_that_alone_fills_the_cap_is_counted_by_its_own_searchs_total(harness):
    fw = catalog()["pytorch"]
    first = date(2026, 1, 1)
    counts = _expected("pytorch", month_starts(first, LAST))
    cap = sorted(counts.values())[-3]  # the busiest months hold at least as many papers as one search can page
    _only_arxiv(harness, arxiv(fw, DAY1, first, LAST, ARXIV_FIXTURE_SCALE, page_size=5, cap=cap))
    report = harness.run(
        sources=["arxiv"],
        frameworks=["pytorch"],
        source_overrides={"arxiv": {"page_size": 5, "cap": cap, "since": first}},
    )
    assert report.exit_code == 0, report.reasons()
    assert _stored(harness, "pytorch") == counts  # whole months only, none partial, none missing
    alone = [s.query for s in harness.replay.requests_for("arxiv") if s.query["max_results"] == "1"]
    assert alone and all(q["search_query"].count("submittedDate:[2026") == 1 for q in alone)
    notes = [n for u in report.units for n in u.notes]
    assert len(notes) == len(alone) and all("counted by its own search's totalResults" in n for n in notes)


def test_the_first_refresh_of_the_11_frameworks_sends_one_page_per_2000_papers(harness):
    fws = list(catalog())
    _only_arxiv(harness, [ex for fw in fws if fw.arxiv for ex in arxiv(fw, DAY1, SINCE, LAST)])
    started = harness.clock.time()
    report = harness.run(sources=["arxiv"], frameworks=None)
    assert report.exit_code == 0, report.reasons()
    totals = [len(arxiv_papers(fw.id, month_starts(SINCE, LAST), 1.0)) for fw in fws if fw.arxiv]
    expected = sum(max(1, math.ceil(t / 2000)) for t in totals)
    assert report.requests["arxiv"] == expected <= 50  # month by month it was 11 × 140 = 1,540
    assert report.rows("arxiv") == 11 * len(month_starts(SINCE, LAST))
    assert harness.clock.time() - started >= 3.0 * (expected - 1)  # the pace is kept, only the requests are fewer
