"""arXiv: papers per calendar month whose title or abstract mentions a framework, counted from paged searches.

arXiv asks for one request every 3 seconds over a single connection. Rather than one request per month, each
framework gets one search over the months it is missing, sorted by submission date (newest first) and paged
2,000 entries at a time (arXiv's maximum per request); every entry's `<published>` date (its first version's
submission, GMT) puts it in a month. A month is stored only once every entry of it has been seen, so a count
is never a partial one. arXiv serves at most 30,000 results of one query: past that the search continues as
a new query ending at the month the cap cut into, which is counted again from its start; a month that alone
fills the cap is counted by the totalResults of a search for that month only (what the monthly queries did).
"""

from __future__ import annotations

import calendar
import xml.etree.ElementTree as ET
from collections import Counter
from datetime import date, datetime
from typing import ClassVar

import httpx
from pydantic import BaseModel, ValidationError

from bot.catalog import Framework
from bot.ingest.sources.base import (
    Batch,
    Context,
    HostPolicy,
    PartialFetch,
    Source,
    SourceError,
    expect,
    explain,
    last_complete_month,
    month_starts,
    next_month,
)

PACING_SECONDS = 3.0
PAGE_SIZE = 2000  # arXiv's documented maximum `max_results` per request
DEEP_PAGING_CAP = 30_000  # arXiv serves at most this many results of one query (start + max_results)
MAX_REQUESTS_PER_RUN = 240  # a safety budget: 12 minutes at arXiv's pace, 480,000 entries
ATOM = "{http://www.w3.org/2005/Atom}"
OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
# The counting method is unchanged from the one-request-per-month queries (papers first submitted in the month,
# GMT, whose title or abstract holds a phrase), so the label is kept: a new label would show a false break.
METHOD = "arXiv API totalResults, title or abstract mentions, submitted in the month"


class Feed(BaseModel):
    total_results: int
    start_index: int
    items_per_page: int
    entries: list[tuple[str, date]] = []
    """(arXiv id without version, day first submitted in GMT), in the feed's order."""
    error: str | None = None


def parse_feed(resp: httpx.Response, what: str) -> Feed:
    """The Atom feed of one search page; raises SourceError on broken XML or a changed shape."""
    try:
        root = ET.fromstring(resp.content)
    except ET.ParseError:
        raise SourceError(f"{what}: invalid or truncated XML in the response") from None
    if root.tag != f"{ATOM}feed":
        raise SourceError(f"{what}: response shape changed: root element is {root.tag}, not an Atom feed")
    error = None
    entries: list[tuple[str, date]] = []
    for entry in root.findall(f"{ATOM}entry"):
        # arXiv reports a bad query as a feed with a single entry titled "Error".
        if (entry.findtext(f"{ATOM}title") or "").strip() == "Error":
            error = (entry.findtext(f"{ATOM}summary") or "unknown error").strip()
            continue
        ident = (entry.findtext(f"{ATOM}id") or "").strip().rsplit("/abs/", 1)[-1]
        published = (entry.findtext(f"{ATOM}published") or "").strip()
        try:
            day = datetime.fromisoformat(published.replace("Z", "+00:00")).date()
        except ValueError:
            raise SourceError(f"{what}: response shape changed: entry {ident or '?'} has no <published> date") from None
        entries.append((ident.rsplit("v", 1)[0] if "v" in ident else ident, day))
    try:
        return Feed(
            total_results=root.findtext(f"{OPENSEARCH}totalResults"),
            start_index=root.findtext(f"{OPENSEARCH}startIndex"),
            items_per_page=root.findtext(f"{OPENSEARCH}itemsPerPage"),
            entries=entries,
            error=error,
        )
    except ValidationError as exc:
        raise SourceError(f"{what}: {explain(exc)}") from None


def search_query(phrases: tuple[str, ...], first: date, last: date | None = None) -> str:
    """Title or abstract mentions of any phrase, submitted from `first`'s month to `last`'s month (GMT, inclusive)."""
    last = last or first
    mentions = " OR ".join(f'ti:"{p}" OR abs:"{p}"' for p in phrases)
    end_day = calendar.monthrange(last.year, last.month)[1]
    start = first.replace(day=1).strftime("%Y%m%d") + "0000"
    end = last.replace(day=end_day).strftime("%Y%m%d") + "2359"
    return f"({mentions}) AND submittedDate:[{start} TO {end}]"  # dates are GMT, per arXiv staff


def month_runs(months: list[date]) -> list[tuple[date, date]]:
    """Contiguous runs of month starts as (first, last), newest run first: one search each."""
    runs: list[tuple[date, date]] = []
    for month in sorted(months):
        if runs and next_month(runs[-1][1]) == month:
            runs[-1] = (runs[-1][0], month)
        else:
            runs.append((month, month))
    return runs[::-1]


def previous_month(month: date) -> date:
    return date(month.year - 1, 12, 1) if month.month == 1 else date(month.year, month.month - 1, 1)


class Arxiv(Source):
    id = "arxiv"
    name = "arXiv API"
    metrics: ClassVar[tuple[str, ...]] = ("arxiv_papers",)
    since = date(2015, 1, 1)
    pacing = PACING_SECONDS
    page_size = PAGE_SIZE
    cap = DEEP_PAGING_CAP
    max_requests = MAX_REQUESTS_PER_RUN

    def __init__(self, settings):
        super().__init__(settings)
        self.share = 0
        self.spent: Counter[str] = Counter()

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
        """Counts for every missing complete month, newest first; a failing page keeps the months already whole
        (raised as PartialFetch, which the refresh writes and records as failed)."""
        batch = Batch()
        stored = ctx.stored.stored_dates(fw.id, "arxiv_papers", self.id)
        missing = [m for m in month_starts(self.since, last_complete_month(ctx.today)) if m.isoformat() not in stored]
        if not missing:
            batch.skipped = True
            return batch
        counts: dict[date, int] = {}
        try:
            for first, last in month_runs(missing):
                if not await self._count(ctx, fw, first, last, counts, batch.notes):
                    left = sum(1 for m in missing if m not in counts)
                    batch.notes.append(f"{left} months left for later runs (arXiv pacing, {self.share} requests)")
                    break
        except SourceError as exc:
            self._add_rows(batch, fw, counts)
            if batch.rows:
                raise PartialFetch(f"{exc} (kept {len(batch.rows)} complete months)", batch) from None
            raise
        self._add_rows(batch, fw, counts)
        return batch

    async def _count(
        self, ctx: Context, fw: Framework, first: date, last: date, counts: dict[date, int], notes: list[str]
    ) -> bool:
        """Count months first..last into `counts`, each as soon as it is whole; False when the budget ran out."""
        upper = last  # the newest month not counted yet
        while first <= upper:
            tally: Counter[date] = Counter()
            seen: set[str] = set()  # a repeat means the results shifted between pages, so one may have been skipped
            newest_left, start, total, previous = upper, 0, -1, None
            while True:
                if self.spent[fw.id] >= self.share:
                    return False
                feed = await self._page(ctx, fw, first, newest_left, start)
                total = feed.total_results if total < 0 else total
                if feed.total_results != total:
                    raise SourceError(f"GET /query: totalResults went from {total} to {feed.total_results} mid-search")
                expected = min(self.page_size, min(total, self.cap) - start)
                if len(feed.entries) < expected:  # arXiv sometimes serves short or empty pages: never count around one
                    raise SourceError(
                        f"GET /query: page at start={start} held {len(feed.entries)} entries, not {expected} of {total}"
                    )
                for ident, day in feed.entries:
                    if previous and day > previous:
                        raise SourceError("GET /query: entries are not sorted newest first as asked")
                    if not first <= day.replace(day=1) <= newest_left:
                        raise SourceError(f"GET /query: entry {ident} published {day} is outside the months searched")
                    if ident in seen:
                        raise SourceError(f"GET /query: entry {ident} came twice: the results shifted while paging")
                    previous = day
                    seen.add(ident)
                    tally[day.replace(day=1)] += 1
                start += self.page_size
                if start >= total:  # every entry seen: each month of the window is whole, zeros included
                    for month in month_starts(first, upper):
                        counts[month] = tally[month]
                    return True
                oldest = feed.entries[-1][1].replace(day=1)
                for month in month_starts(next_month(oldest), upper) if oldest < upper else []:
                    counts[month] = tally[month]  # every entry of a month newer than the oldest seen has come
                upper = min(upper, oldest)
                if start >= self.cap:
                    break  # arXiv pages no deeper: go on with a new search ending at the month the cap cut into
            if upper == newest_left:  # the cap fell inside one month: its own search's totalResults counts it
                if self.spent[fw.id] >= self.share:
                    return False
                counts[upper] = (await self._page(ctx, fw, upper, upper, 0, size=1)).total_results
                notes.append(f"{upper:%Y-%m} counted by its own search's totalResults: {self.cap:,}+ entries to page")
                upper = previous_month(upper)
        return True

    async def _page(
        self, ctx: Context, fw: Framework, first: date, last: date, start: int, size: int | None = None
    ) -> Feed:
        self.spent[fw.id] += 1
        resp = await ctx.fetcher.get(
            self.url("/query"),
            source=self.id,
            params={
                "search_query": search_query(fw.arxiv, first, last),
                "start": str(start),
                "max_results": str(size or self.page_size),
                "sortBy": "submittedDate",
                "sortOrder": "descending",
            },
        )
        expect(resp, "GET /query")
        feed = parse_feed(resp, "GET /query")
        if feed.error:
            raise SourceError(f"GET /query: arXiv says: {feed.error[:120]}")
        return feed

    def _add_rows(self, batch: Batch, fw: Framework, counts: dict[date, int]) -> None:
        for month in sorted(counts, reverse=True):
            batch.add(
                fw.id,
                "arxiv_papers",
                month,
                counts[month],
                self.id,
                method=METHOD,
                note="phrases: " + ", ".join(fw.arxiv),
            )
