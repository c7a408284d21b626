"""arXiv: papers per calendar month whose title or abstract mentions a framework, from `opensearch:totalResults`.

arXiv asks for one request every 3 seconds over a single connection, so a full backfill takes hours. Each
run spends at most MAX_REQUESTS_PER_RUN, newest months first, and later runs fill in the older months.
"""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from datetime import date
from typing import ClassVar

import httpx
from pydantic import BaseModel, ValidationError

from bot.catalog import Framework
from bot.ingest.sources.base import (
    Batch,
    Context,
    HostPolicy,
    Source,
    SourceError,
    expect,
    explain,
    last_complete_month,
    month_starts,
)

PACING_SECONDS = 3.0
MAX_REQUESTS_PER_RUN = 240  # 12 minutes at arXiv's pace
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


class Feed(BaseModel):
    total_results: int
    start_index: int
    items_per_page: int
    error: str | None = None


def parse_feed(resp: httpx.Response, what: str) -> Feed:
    try:
        root = ET.fromstring(resp.content)
    except ET.ParseError:
        raise SourceError(f"{what}: invalid or truncated XML in the response") from None
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"{what}: response shape changed: root element is {root.tag}, not an Atom feed")
    error = None
    for entry in root.findall(f"{ATOM}entry"):
        # arXiv reports a bad query as a feed with a single entry titled "Error".
        if (entry.findtext(f"{ATOM}title") or "").strip() == "Error":
            error = (entry.findtext(f"{ATOM}summary") or "unknown error").strip()
    try:
        return Feed(
            total_results=root.findtext(f"{OPENSEARCH}totalResults"),
            start_index=root.findtext(f"{OPENSEARCH}startIndex"),
            items_per_page=root.findtext(f"{OPENSEARCH}itemsPerPage"),
            error=error,
        )
    except ValidationError as exc:
        raise SourceError(f"{what}: {explain(exc)}") from None


def search_query(phrases: tuple[str, ...], month: date) -> str:
    mentions = " OR ".join(f'ti:"{p}" OR abs:"{p}"' for p in phrases)
    last_day = calendar.monthrange(month.year, month.month)[1]
    start = month.strftime("%Y%m%d") + "0000"
    end = month.replace(day=last_day).strftime("%Y%m%d") + "2359"
    return f"({mentions}) AND submittedDate:[{start} TO {end}]"  # dates are GMT, per arXiv staff


class Arxiv(Source):
    id = "arxiv"
    name = "arXiv API"
    metrics: ClassVar[tuple[str, ...]] = ("arxiv_papers",)
    since = date(2015, 1, 1)
    pacing = PACING_SECONDS
    max_requests = MAX_REQUESTS_PER_RUN

    def __init__(self, settings):
        super().__init__(settings)
        self.share = 0

    @property
    def base_url(self) -> str:
        return self.settings.fwtrend_arxiv_url

    def policy(self) -> HostPolicy:
        return HostPolicy(concurrency=1, min_interval=self.pacing)

    def applies_to(self, fw: Framework) -> bool:
        return bool(fw.arxiv)

    async def prepare(self, ctx: Context, frameworks: list[Framework]) -> None:
        self.share = max(1, self.max_requests // max(1, len(frameworks)))

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        stored = ctx.stored.stored_dates(fw.id, "arxiv_papers", self.id)
        missing = [m for m in month_starts(self.since, last_complete_month(ctx.today)) if m.isoformat() not in stored]
        if not missing:
            batch.skipped = True
            return batch
        missing.reverse()
        for done, month in enumerate(missing):
            if done >= self.share:
                batch.notes.append(f"{len(missing) - done} months left for later runs (arXiv pacing)")
                break
            resp = await ctx.fetcher.get(
                self.url("/query"),
                source=self.id,
                params={"search_query": search_query(fw.arxiv, month), "start": "0", "max_results": "1"},
            )
            expect(resp, "GET /query")
            feed = parse_feed(resp, "GET /query")
            if feed.error:
                raise SourceError(f"GET /query: arXiv says: {feed.error[:120]}")
            batch.add(
                fw.id,
                "arxiv_papers",
                month,
                feed.total_results,
                self.id,
                method="arXiv API totalResults, title or abstract mentions, submitted in the month",
                note="phrases: " + ", ".join(fw.arxiv),
            )
        return batch
