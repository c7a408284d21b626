"""Builds the HTTP recordings under tests/fixtures/http/ (and, in memory, the benchmark's for all frameworks).

These machines cannot reach the real APIs, so the recordings are built here in each API's documented shape
(status, headers such as Link and X-RateLimit-*, gzip for Stack Exchange, body layout; see
/work/shared/docs/sources.md) with plausible, deterministic figures. They are test data, not real counts:
nothing here is ever loaded into a store outside tests.

    python -m tests.fixture_builder     # rewrites tests/fixtures/http/day1 and day2
"""

from __future__ import annotations

import calendar
import json
import random
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from bot.catalog import Framework, catalog
from bot.ingest.sources.arxiv import DEEP_PAGING_CAP, PAGE_SIZE, previous_month, search_query
from bot.ingest.sources.base import last_complete_month, month_starts
from bot.ingest.sources.npm import CHUNK_DAYS
from bot.ingest.sources.pypi import ClickHouse
from bot.ingest.sources.stackexchange import epoch

FIXTURES = Path(__file__).parent / "fixtures" / "http"
DAY1 = date(2026, 9, 20)  # a Sunday, two weeks after GitHub opened stargazers/history
DAY2 = date(2026, 10, 6)
FIXTURE_FRAMEWORKS = ("pytorch", "tensorflow", "flax")

# Rough, plausible scales per framework: repo creation, weekly stars, daily PyPI downloads, SO/arXiv per month.
PROFILE: dict[str, dict[str, Any]] = {
    "pytorch": dict(
        created=date(2016, 8, 13),
        stars=190,
        pypi=1_600_000,
        so=900,
        so_from=date(2016, 10, 1),
        arxiv=260,
        arxiv_from=date(2017, 1, 1),
        hf=214_000,
        commits=None,
    ),
    "tensorflow": dict(
        created=date(2015, 11, 7),
        stars=350,
        pypi=520_000,
        so=1400,
        so_from=date(2015, 11, 1),
        arxiv=120,
        arxiv_from=date(2015, 11, 1),
        hf=14_800,
        npm=42_000,
        npm_from=date(2018, 3, 30),
        commits=None,
    ),
    "flax": dict(
        created=date(2020, 1, 10),
        stars=20,
        pypi=95_000,
        so=6,
        so_from=date(2020, 3, 1),
        arxiv=4,
        arxiv_from=date(2020, 6, 1),
        commits=40,
    ),
}
DEFAULT_PROFILE = dict(
    created=date(2017, 3, 1),
    stars=60,
    pypi=150_000,
    so=120,
    so_from=date(2016, 1, 1),
    arxiv=30,
    arxiv_from=date(2016, 1, 1),
    hf=3_000,
    npm=5_000,
    npm_from=date(2019, 1, 1),
    commits=60,
)


def profile(fid: str) -> dict[str, Any]:
    return {**DEFAULT_PROFILE, **PROFILE.get(fid, {})}


def noise(*key: object) -> float:
    return random.Random("|".join(map(str, key))).random()


def ts(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


# -- GitHub ---------------------------------------------------------------------------------------------


def gh_headers(today: date, remaining: int, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Server": "github.com",
        "X-GitHub-Api-Version-Selected": "2022-11-28",
        "X-RateLimit-Limit": "5000",
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Used": str(5000 - remaining),
        "X-RateLimit-Reset": str(ts(today) + 3600 * 13),
        "X-RateLimit-Resource": "core",
        "X-GitHub-Request-Id": f"C0DE:{remaining:04X}:1A2B3C:{remaining * 7:X}:66F0A1B2",
        "Vary": "Accept, Authorization, Cookie, X-GitHub-OTP,Accept-Encoding, Accept, X-Requested-With",
        **(extra or {}),
    }


def star_weeks(fid: str, today: date) -> list[tuple[date, int]]:
    """(week start, stars retained from that week) from the repo's first week to the current one, oldest first."""
    p = profile(fid)
    first = p["created"] - timedelta(days=(p["created"].weekday() + 1) % 7)  # weeks start on Sunday
    weeks = []
    start = first
    while start <= today:
        full = int(p["stars"] * (0.55 + 0.9 * noise("stars", fid, start)))
        days_in = min(7, (today - start).days + 1) if start + timedelta(days=6) >= today else 7
        weeks.append((start, full * days_in // 7))
        start += timedelta(days=7)
    return weeks


def split_days(total: int, seed: tuple) -> list[int]:
    weights = [0.6 + noise(*seed, i) for i in range(7)]
    days = [int(total * w / sum(weights)) for w in weights]
    days[0] += total - sum(days)
    return days


def github(fw: Framework, today: date) -> list[dict[str, Any]]:
    owner_repo = fw.github
    repo_path = f"/repos/{owner_repo}"
    weeks = star_weeks(fw.id, today)
    stars = sum(n for _, n in weeks)
    p = profile(fw.id)
    age = (today - p["created"]).days
    out: list[dict[str, Any]] = []
    remaining = 4990 - 40 * list(catalog().ids()).index(fw.id)

    def ex(path: str, body: Any, status: int = 200, query: dict | None = None, headers: dict | None = None):
        nonlocal remaining
        remaining -= 1
        out.append(
            {
                "source": "github",
                "method": "GET",
                "path": path,
                "query": query or {},
                "status": status,
                "headers": gh_headers(today, remaining, headers),
                "json": body,
            }
        )

    owner, name = owner_repo.split("/")
    ex(
        repo_path,
        {
            "id": 65600975 + len(fw.id),
            "node_id": "MDEwOlJlcG9zaXRvcnk2NTYwMDk3NQ==",
            "name": name,
            "full_name": owner_repo,
            "private": False,
            "owner": {"login": owner, "id": 21003710, "type": "Organization", "site_admin": False},
            "html_url": f"https://github.com/{owner_repo}",
            "description": f"{fw.name} source repository",
            "fork": False,
            "url": f"https://api.github.com/repos/{owner_repo}",
            "created_at": f"{p['created'].isoformat()}T18:43:47Z",
            "updated_at": f"{today.isoformat()}T06:12:01Z",
            "pushed_at": f"{today.isoformat()}T05:58:44Z",
            "homepage": "",
            "size": 1_000_000 + age * 90,
            "stargazers_count": stars,
            "watchers_count": stars,
            "language": "Python",
            "has_issues": True,
            "forks_count": stars // 4 + age // 3,
            "archived": False,
            "disabled": False,
            "open_issues_count": 1800 + age % 700,
            "license": {"key": "other", "name": "Other", "spdx_id": "NOASSERTION"},
            "topics": ["machine-learning", "deep-learning", "python"],
            "visibility": "public",
            "forks": stars // 4 + age // 3,
            "open_issues": 1800 + age % 700,
            "watchers": stars,
            "default_branch": "main",
            "network_count": stars // 4 + age // 3,
            "subscribers_count": stars // 55,
        },
    )
    contributors = 250 + int(3900 * min(1.0, p["stars"] / 190)) + age // 40
    ex(
        f"{repo_path}/contributors",
        [
            {
                "login": "soumith",
                "id": 1310570,
                "type": "User",
                "site_admin": False,
                "contributions": 3000 + age,
                "url": "https://api.github.com/users/soumith",
            }
        ],
        query={"per_page": "1", "anon": "1"},
        headers={
            "Link": f'<{{base}}{repo_path}/contributors?per_page=1&anon=1&page=2>; rel="next", '
            f'<{{base}}{repo_path}/contributors?per_page=1&anon=1&page={contributors}>; rel="last"'
        },
    )
    total_bytes = 40_000_000 + age * 9_000
    langs = {"Python": 0.58, "C++": 0.3, "Cuda": 0.04, "C": 0.03, "CMake": 0.01, "Shell": 0.005}
    ex(f"{repo_path}/languages", {k: int(total_bytes * v) for k, v in langs.items()})
    if p["commits"] is None:
        ex(
            f"{repo_path}/stats/commit_activity",
            {
                "message": "This repository has too many commits to compute this statistic.",
                "documentation_url": "https://docs.github.com/rest/metrics/statistics#get-the-last-year-of-commit-activity",
                "status": "422",
            },
            status=422,
        )
    else:
        last_sunday = today - timedelta(days=(today.weekday() + 1) % 7)
        activity = []
        for i in range(51, -1, -1):
            start = last_sunday - timedelta(days=7 * i)
            total = int(p["commits"] * (0.3 + noise("commits", fw.id, start)))
            activity.append({"days": split_days(total, ("cd", fw.id, start)), "total": total, "week": ts(start)})
        ex(f"{repo_path}/stats/commit_activity", activity)
    # star history: newest first, 30 weeks a page, Link next/last while older weeks remain
    newest_first = list(reversed(weeks))
    pages = [newest_first[i : i + 30] for i in range(0, len(newest_first), 30)]
    hist = f"{repo_path}/stargazers/history"
    for number, page in enumerate(pages, start=1):
        links = []
        if number < len(pages):
            links.append(f'<{{base}}{hist}?per_page=30&page={number + 1}>; rel="next"')
            links.append(f'<{{base}}{hist}?per_page=30&page={len(pages)}>; rel="last"')
        if number > 1:
            links.append(f'<{{base}}{hist}?per_page=30&page={number - 1}>; rel="prev"')
            links.append(f'<{{base}}{hist}?per_page=30&page=1>; rel="first"')
        body = [{"week": ts(start), "total": n, "days": split_days(n, ("sd", fw.id, start))} for start, n in page]
        ex(
            hist,
            body,
            query={"per_page": "30", "page": str(number)},
            headers={"Link": ", ".join(links), "X-GitHub-Api-Version-Selected": "2026-03-10"}
            if links
            else {"X-GitHub-Api-Version-Selected": "2026-03-10"},
        )
    return out


# -- PyPI ------------------------------------------------------------------------------------------------------


def pypi_day(fid: str, day: date) -> int:
    p = profile(fid)
    weekend = 0.62 if day.weekday() >= 5 else 1.0
    trend = 1 + (day - date(2026, 1, 1)).days / 2000
    return int(p["pypi"] * weekend * trend * (0.9 + 0.2 * noise("pypi", fid, day)))


def pypistats(fw: Framework, today: date) -> list[dict[str, Any]]:
    package = fw.pypi_primary.lower()
    days = [today - timedelta(days=i) for i in range(180, 0, -1)]
    return [
        {
            "source": "pypistats",
            "method": "GET",
            "path": f"/packages/{package}/overall",
            "query": {"mirrors": "false"},
            "status": 200,
            "headers": {
                "Content-Type": "application/json",
                "Server": "nginx",
                "Cache-Control": "max-age=3600",
                "X-Frame-Options": "DENY",
                "Strict-Transport-Security": "max-age=31536000",
            },
            "json": {
                "data": [
                    {"category": "without_mirrors", "date": d.isoformat(), "downloads": pypi_day(fw.id, d)}
                    for d in days
                ],
                "package": package,
                "type": "overall_downloads",
            },
        }
    ]


def clickhouse(fw: Framework, today: date, start: date) -> list[dict[str, Any]]:
    package = fw.pypi_primary.lower()
    last = last_complete_month(today)
    p = profile(fw.id)
    first_download = max(start, date(p["created"].year, p["created"].month, 1))
    data = []
    for month in month_starts(first_download, last):
        days = calendar.monthrange(month.year, month.month)[1]
        growth = min(1.0, 0.05 + (month - first_download).days / 3000)
        data.append({"month": month.isoformat(), "downloads": str(int(p["pypi"] * 1.3 * growth * days))})
    sql = ClickHouse.query(package, start, last)
    return [
        {
            "source": "clickhouse",
            "method": "POST",
            "path": "/",
            "query": {"user": "demo", "default_format": "JSON"},
            "body_match": sql,
            "status": 200,
            "headers": {
                "Content-Type": "application/json; charset=UTF-8",
                "X-ClickHouse-Format": "JSON",
                "X-ClickHouse-Timezone": "UTC",
                "X-ClickHouse-Server-Display-Name": "sql-clickhouse",
                "X-ClickHouse-Query-Id": f"5b2f6c1e-{len(data):04d}-4f7a-9a3e-{ts(today):012d}",
                "X-ClickHouse-Summary": json.dumps(
                    {
                        "read_rows": str(len(data) * 40),
                        "read_bytes": "1048576",
                        "written_rows": "0",
                        "result_rows": str(len(data)),
                    }
                ),
            },
            "json": {
                "meta": [{"name": "month", "type": "String"}, {"name": "downloads", "type": "UInt64"}],
                "data": data,
                "rows": len(data),
                "statistics": {"elapsed": 0.012, "rows_read": len(data) * 40, "bytes_read": 1048576},
            },
        }
    ]


# -- npm ----------------------------------------------------------------------------------------------------------


def npm(fw: Framework, today: date, start: date) -> list[dict[str, Any]]:
    package = fw.npm[0]
    p = profile(fw.id)
    end = today - timedelta(days=1)
    out = []
    chunk_start = start
    while chunk_start <= end:
        chunk_end = min(end, chunk_start + timedelta(days=CHUNK_DAYS - 1))
        days = []
        d = chunk_start
        while d <= chunk_end:
            n = 0 if d < p["npm_from"] else int(p["npm"] * (0.7 + 0.6 * noise("npm", fw.id, d)))
            days.append({"downloads": n, "day": d.isoformat()})
            d += timedelta(days=1)
        out.append(
            {
                "source": "npm",
                "method": "GET",
                "path": f"/downloads/range/{chunk_start.isoformat()}:{chunk_end.isoformat()}/{package}",
                "query": {},
                "status": 200,
                "headers": {
                    "Content-Type": "application/json; charset=utf-8",
                    "CF-Cache-Status": "MISS",
                    "Cache-Control": "max-age=3600",
                    "Access-Control-Allow-Origin": "*",
                },
                "json": {
                    "start": chunk_start.isoformat(),
                    "end": chunk_end.isoformat(),
                    "package": package,
                    "downloads": days,
                },
            }
        )
        chunk_start = chunk_end + timedelta(days=1)
    return out


# -- Stack Exchange --------------------------------------------------------------------------------------------


SE_HEADERS = {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Encoding": "gzip",
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET, POST",
    "Cache-Control": "private",
    "X-Content-Type-Options": "nosniff",
}


def so_month(fid: str, month: date) -> int:
    p = profile(fid)
    if month < p["so_from"]:
        return 0
    age = (month - p["so_from"]).days
    rise = min(1.0, 0.1 + age / 900)
    fall = max(0.35, 1 - max(0, (month - date(2023, 1, 1)).days) / 2000)  # questions fade after 2023
    return int(p["so"] * rise * fall * (0.85 + 0.3 * noise("so", fid, month)))


def stackexchange(fw: Framework, today: date, months: list[date]) -> list[dict[str, Any]]:
    tag = fw.stackoverflow[0]
    total = sum(so_month(fw.id, m) for m in month_starts(date(2008, 8, 1), today))
    out = [
        {
            "source": "stackexchange",
            "method": "GET",
            "path": f"/tags/{tag}/info",
            "query": {"site": "stackoverflow"},
            "status": 200,
            "headers": SE_HEADERS,
            "json": {
                "items": [
                    {
                        "has_synonyms": True,
                        "is_moderator_only": False,
                        "is_required": False,
                        "count": total,
                        "name": tag,
                    }
                ],
                "has_more": False,
                "quota_max": 300,
                "quota_remaining": 296,
            },
        }
    ]
    for month in months:
        last_day = calendar.monthrange(month.year, month.month)[1]
        out.append(
            {
                "source": "stackexchange",
                "method": "GET",
                "path": "/questions",
                "query": {
                    "site": "stackoverflow",
                    "tagged": tag,
                    "fromdate": str(epoch(month)),
                    "todate": str(epoch(month.replace(day=last_day)) + 86_399),
                    "filter": "total",
                },
                "status": 200,
                "headers": SE_HEADERS,
                "json": {"total": so_month(fw.id, month)},
            }
        )
    return out


# -- Hugging Face --------------------------------------------------------------------------------------------------


def huggingface(fw: Framework, today: date) -> list[dict[str, Any]]:
    p = profile(fw.id)
    count = int(p["hf"] * (1 + (today - DAY1).days / 400))
    models = [
        {
            "_id": f"66f0a1b2c3d4e5f6a7b8c9{i:02d}",
            "id": f"example-org/{fw.huggingface}-model-{i}",
            "likes": 900 - i * 37,
            "downloads": 1_200_000 - i * 50_000,
            "trendingScore": 40 - i,
            "private": False,
            "pipeline_tag": "text-generation",
            "library_name": fw.huggingface,
            "createdAt": "2025-11-03T10:21:44.000Z",
            "tags": [fw.huggingface, "safetensors"],
        }
        for i in range(3)
    ]
    return [
        {
            "source": "huggingface",
            "method": "GET",
            "path": "/models-json",
            "query": {"library": fw.huggingface},
            "status": 200,
            "headers": {
                "Content-Type": "application/json; charset=utf-8",
                "x-powered-by": "huggingface-moon",
                "ETag": f'W/"{count:x}-{len(fw.id)}"',
                "Vary": "Origin",
                "Access-Control-Allow-Origin": "*",
            },
            "json": {"models": models, "numItemsPerPage": 30, "numTotalItems": count, "pageIndex": 0},
        }
    ]


# -- arXiv -------------------------------------------------------------------------------------------------------

ARXIV_FIXTURE_SCALE = 0.1
"""The recordings on disk hold a tenth of the profile's papers (pytorch still spans two pages of 2,000) to stay
small; the benchmark builds the full profile in memory."""


def arxiv_month(fid: str, month: date, scale: float = 1.0) -> int:
    """Papers first submitted in `month` that mention the framework (made-up, deterministic)."""
    p = profile(fid)
    if month < p["arxiv_from"]:
        return int(2 * noise("ax0", fid, month) * scale)
    rise = min(1.0, 0.05 + (month - p["arxiv_from"]).days / 1500)
    return int(p["arxiv"] * rise * (0.8 + 0.4 * noise("ax", fid, month)) * scale)


def arxiv_papers(fid: str, months: list[date], scale: float) -> list[tuple[str, datetime]]:
    """(arXiv id, first submitted) of every paper in these months, newest first, as arXiv sorts submittedDate."""
    papers = []
    for month in months:
        n = arxiv_month(fid, month, scale)
        days = calendar.monthrange(month.year, month.month)[1]
        seed = int(noise("idbase", fid, month) * 20000)
        for i in range(n):  # spread over the month, ids rising with time as arXiv assigns them
            at = datetime(month.year, month.month, 1 + i * days // n, tzinfo=UTC) + timedelta(
                seconds=int(86399 * noise("t", fid, month, i) * 0.999)
            )
            papers.append((f"{month:%y%m}.{seed + i:05d}", at))
    papers.sort(key=lambda p: (p[1], p[0]), reverse=True)
    return papers


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <link href="http://arxiv.org/api/query?search_query%3D{q}%26id_list%3D%26start%3D{start}%26max_results%3D{size}" \
rel="self" type="application/atom+xml"/>
  <title type="html">ArXiv Query: search_query={q_html}&amp;id_list=&amp;start={start}&amp;max_results={size}</title>
  <id>http://arxiv.org/api/{feed_id}</id>
  <updated>{updated}T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{total}</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{start}</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">{size}</opensearch:itemsPerPage>
{entries}</feed>
"""

ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{arxiv_id}v1</id>
    <updated>{at}</updated>
    <published>{at}</published>
    <title>{title} with {name}</title>
    <summary>We report experiments implemented in {name}.</summary>
    <author><name>A. Researcher</name></author>
    <link href="http://arxiv.org/abs/{arxiv_id}v1" rel="alternate" type="text/html"/>
    <arxiv:primary_category xmlns:arxiv="http://arxiv.org/schemas/atom" term="cs.LG" \
scheme="http://arxiv.org/schemas/atom"/>
  </entry>
"""
TITLES = ("Scaling experiments", "Efficient training", "A benchmark study", "Sparse models", "Reproducible baselines")


def arxiv_page(fw: Framework, today: date, q: str, start: int, size: int, total: int, papers: list) -> dict[str, Any]:
    """One page of a search, as export.arxiv.org answers it (Atom 1.0 with OpenSearch totals)."""
    entries = "".join(
        ENTRY.format(
            arxiv_id=ident,
            at=at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            title=TITLES[int(ident[-2:]) % len(TITLES)],
            name=fw.name,
        )
        for ident, at in papers
    )
    text = ATOM.format(
        q=quote(q, safe=""),
        q_html=q.replace("&", "&amp;").replace('"', "&quot;"),
        start=start,
        size=size,
        feed_id=f"{int(noise('feed', fw.id, q, start) * 1e12):x}",
        updated=today.isoformat(),
        total=total,
        entries=entries,
    )
    query = {"search_query": q, "start": str(start), "max_results": str(size)}
    return {
        "source": "arxiv",
        "method": "GET",
        "path": "/query",
        "query": {**query, "sortBy": "submittedDate", "sortOrder": "descending"},
        "status": 200,
        "headers": {"Content-Type": "application/atom+xml; charset=UTF-8", "Server": "Apache"},
        "text": text,
        "file": f"query_{fw.id}",
    }


def arxiv(
    fw: Framework,
    today: date,
    first: date,
    last: date,
    scale: float = 1.0,
    page_size: int = PAGE_SIZE,
    cap: int = DEEP_PAGING_CAP,
) -> list[dict[str, Any]]:
    """Every page of the search for months first..last, newest first, `page_size` a page; past arXiv's `cap`
    the search goes on as a new one ending at the month the cap cut into (as the client asks)."""
    papers = arxiv_papers(fw.id, month_starts(first, last), scale)
    out = []
    upper = last
    while first <= upper:
        hits = [p for p in papers if first <= p[1].date().replace(day=1) <= upper]
        q = search_query(fw.arxiv, first, upper)
        for start in range(0, max(1, min(len(hits), cap)), page_size):
            page = hits[start : min(start + page_size, cap)]
            out.append(arxiv_page(fw, today, q, start, page_size, len(hits), page))
        if len(hits) <= cap:
            break
        oldest = hits[cap - 1][1].date().replace(day=1)
        if oldest < upper:
            upper = oldest
            continue
        # the cap fell inside one month: the client asks that month alone, for its totalResults
        alone = [p for p in hits if p[1].date().replace(day=1) == upper]
        out.append(arxiv_page(fw, today, search_query(fw.arxiv, upper, upper), 0, 1, len(alone), alone[:1]))
        upper = previous_month(upper)
    return out


# -- everything ---------------------------------------------------------------------------------------------------


def exchanges(
    frameworks: list[Framework],
    today: date,
    so_since: date = date(2008, 8, 1),
    arxiv_since: date = date(2015, 1, 1),
    arxiv_scale: float = 1.0,
) -> list[dict[str, Any]]:
    """Every exchange a first refresh on `today` could ask for, for these frameworks."""
    out: list[dict[str, Any]] = []
    last = last_complete_month(today)
    for fw in frameworks:
        if fw.github:
            out += github(fw, today)
        if fw.pypi:
            out += pypistats(fw, today)
            out += clickhouse(fw, today, ClickHouse.since)
        if fw.npm:
            out += npm(fw, today, date(2015, 1, 10))
        if fw.stackoverflow:
            out += stackexchange(fw, today, month_starts(so_since, last))
        if fw.huggingface:
            out += huggingface(fw, today)
        if fw.arxiv:
            out += arxiv(fw, today, arxiv_since, last, arxiv_scale)
    return out


def second_day(frameworks: list[Framework], first: date, today: date, arxiv_scale: float = 1.0) -> list[dict[str, Any]]:
    """What changed by `today`, for a refresh that already ran on `first`: new periods and new snapshots."""
    out: list[dict[str, Any]] = []
    new_months = month_starts(last_complete_month(first), last_complete_month(today))[1:]
    for fw in frameworks:
        if fw.github:
            out += github(fw, today)
        if fw.pypi:
            out += pypistats(fw, today)
            out += clickhouse(fw, today, new_months[0])
        if fw.npm:
            out += npm(fw, today, first)
        if fw.stackoverflow:
            out += stackexchange(fw, today, new_months)
        if fw.huggingface:
            out += huggingface(fw, today)
        if fw.arxiv:
            out += arxiv(fw, today, new_months[0], new_months[-1], arxiv_scale)
    return out


def file_name(source: str, stem: list[str]) -> str:
    if source == "github":  # repos/<owner>/<repo>[/<what>[/<sub>]]
        return "_".join(stem[1:3]) + "_" + ("_".join(stem[3:]) or "repo")
    if source == "pypistats":
        return stem[1]
    if source == "npm":
        return "range_" + stem[-1].replace("@", "")
    return {
        "clickhouse": "pypi_downloads_per_month",
        "stackexchange": "tags_and_questions",
        "huggingface": "models_json",
        "arxiv": "query",
    }[source]


def write(day: str, items: list[dict[str, Any]]) -> None:
    root = FIXTURES / day
    by_file: dict[Path, list] = {}
    for ex in items:
        name = ex.pop("file", None) or file_name(ex["source"], ex["path"].strip("/").split("/"))
        by_file.setdefault(root / ex["source"] / f"{name}.json", []).append(ex)
    for path, group in by_file.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(group, indent=1) + "\n")


def main() -> None:
    fws = [catalog()[f] for f in FIXTURE_FRAMEWORKS]
    for day in ("day1", "day2"):
        shutil.rmtree(FIXTURES / day, ignore_errors=True)
    write("day1", exchanges(fws, DAY1, arxiv_scale=ARXIV_FIXTURE_SCALE))
    write("day2", second_day(fws, DAY1, DAY2, arxiv_scale=ARXIV_FIXTURE_SCALE))


if __name__ == "__main__":
    main()
