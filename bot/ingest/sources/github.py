"""GitHub: daily snapshots from `/repos` (the at-the-time counts), contributors, languages, weekly commits,
and the retained-stars-by-star-date series rebuilt from `/stargazers/history`.

The rebuilt series goes under its own metric, `github_stars_retained`, never into `github_stars`: it counts
only stars that still exist, so it reads low for the past (see docs/sources.md, GitHub 2026 note).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

import httpx
from pydantic import BaseModel, RootModel

from bot.catalog import Framework
from bot.ingest.sources.base import Batch, Context, HostPolicy, Source, SourceError, expect, parse

HISTORY_PAGE_SIZE = 30  # the endpoint's maximum
HISTORY_MAX_PAGE = 100  # GitHub answers 422 past page 100
STATS_TRIES = 4  # 202 "still computing": ask again after 2, 4, 8 s, then give up until the next run
RETAINED_METHOD = "retained stars by star date (GitHub stargazers/history)"
RETAINED_NOTE = "rebuilt from today's stargazers: unstars and deleted accounts vanish, so the past reads low"


# -- response models ---------------------------------------------------------------------------------


class Repo(BaseModel):
    full_name: str
    stargazers_count: int
    forks_count: int
    open_issues_count: int
    subscribers_count: int | None = None  # the real watcher count; `watchers_count` means stars


class Languages(RootModel[dict[str, int]]):
    pass


class Contributor(BaseModel):
    contributions: int
    login: str | None = None  # anonymous contributors (anon=1) have no login


class Contributors(RootModel[list[Contributor]]):
    pass


class Week(BaseModel):
    week: int  # epoch seconds of the week's start
    total: int
    days: list[int]


class Weeks(RootModel[list[Week]]):
    pass


class ApiMessage(BaseModel):
    message: str = ""


# -- language make-up ------------------------------------------------------------------------------------


def language_rows(framework: str, day: date | str, body: Mapping[str, int], source: str = "github") -> list[dict]:
    """`github_languages` rows from one `/languages` JSON body, e.g. {"C++": 123, "Python": 456}; zeros left out."""
    return [
        {"framework": framework, "date": str(day)[:10], "language": lang, "bytes": int(size), "source": source}
        for lang, size in body.items()
        if int(size) > 0
    ]


# -- the source ---------------------------------------------------------------------------------------------


def last_page(resp: httpx.Response) -> int | None:
    last = resp.links.get("last")
    if not last:
        return None
    page = httpx.URL(last["url"]).params.get("page")
    return int(page) if page and page.isdigit() else None


def week_end(week_start_epoch: int) -> date:
    return datetime.fromtimestamp(week_start_epoch, UTC).date() + timedelta(days=6)


class GitHub(Source):
    id = "github"
    name = "GitHub REST API"
    metrics: ClassVar[tuple[str, ...]] = (
        "github_stars",
        "github_forks",
        "github_open_issues",
        "github_watchers",
        "github_contributors",
        "github_commits",
        "github_stars_retained",
    )
    since = date(2008, 1, 1)

    @property
    def base_url(self) -> str:
        return self.settings.github_api_url

    def policy(self) -> HostPolicy:
        # GitHub asks for serial requests to avoid secondary limits; 4 is a modest compromise across 11 repos.
        return HostPolicy(concurrency=4)

    def applies_to(self, fw: Framework) -> bool:
        return fw.github is not None

    def headers(self, api_version: str = "2022-11-28") -> dict[str, str]:
        headers = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": api_version}
        if self.settings.github_token is not None:
            headers["Authorization"] = f"Bearer {self.settings.github_token.get_secret_value()}"
        return headers

    async def _get(self, ctx: Context, path: str, *, api_version: str = "2022-11-28", **params) -> httpx.Response:
        return await ctx.fetcher.get(
            self.url(path), source=self.id, params=params or None, headers=self.headers(api_version)
        )

    async def fetch(self, ctx: Context, fw: Framework) -> Batch:
        batch = Batch()
        repo_path = f"/repos/{fw.github}"
        today = ctx.today.isoformat()
        snapshot_due = (ctx.stored.latest_date(fw.id, "github_stars", self.id) or "") < today
        retained_latest = ctx.stored.latest_date(fw.id, "github_stars_retained", self.id)
        newest_complete_week_end = ctx.today - timedelta(days=1)
        history_due = retained_latest is None or date.fromisoformat(retained_latest) < newest_complete_week_end - (
            timedelta(days=6)
        )
        if not snapshot_due and not history_due:
            batch.skipped = True
            return batch

        resp = await self._get(ctx, repo_path)
        expect(resp, f"GET {repo_path}")
        repo = parse(Repo, resp, f"GET {repo_path}")
        if snapshot_due:
            method = "GitHub /repos snapshot"
            batch.add(fw.id, "github_stars", today, repo.stargazers_count, self.id, method=method)
            batch.add(fw.id, "github_forks", today, repo.forks_count, self.id, method=method)
            batch.add(
                fw.id,
                "github_open_issues",
                today,
                repo.open_issues_count,
                self.id,
                method=method,
                note="includes open pull requests",
            )
            if repo.subscribers_count is not None:
                batch.add(fw.id, "github_watchers", today, repo.subscribers_count, self.id, method=method)
            await self._contributors(ctx, fw, repo_path, batch)
            await self._languages(ctx, fw, repo_path, batch)
            await self._commit_activity(ctx, fw, repo_path, batch)
        if history_due:
            await self._star_history(ctx, fw, repo_path, repo.stargazers_count, retained_latest, batch)
        return batch

    async def _contributors(self, ctx: Context, fw: Framework, repo_path: str, batch: Batch) -> None:
        path = f"{repo_path}/contributors"
        # One item per page, so the rel="last" page number is the count, at the cost of one request.
        resp = await self._get(ctx, path, per_page="1", anon="1")
        if resp.status_code == 403:
            message = parse(ApiMessage, resp, f"GET {path}").message
            if "too large" in message:
                batch.notes.append("contributor count unavailable: GitHub says the list is too large for its API")
                return
        if resp.status_code == 204:
            count = 0
        else:
            expect(resp, f"GET {path}")
            items = parse(Contributors, resp, f"GET {path}").root
            count = last_page(resp) or len(items)
        batch.add(
            fw.id,
            "github_contributors",
            ctx.today,
            count,
            self.id,
            method="GitHub /contributors?anon=1 (last page at per_page=1)",
        )

    async def _languages(self, ctx: Context, fw: Framework, repo_path: str, batch: Batch) -> None:
        path = f"{repo_path}/languages"
        resp = await self._get(ctx, path)
        expect(resp, f"GET {path}")
        languages = parse(Languages, resp, f"GET {path}").root
        batch.languages.extend(language_rows(fw.id, ctx.today, languages, source=self.id))

    async def _commit_activity(self, ctx: Context, fw: Framework, repo_path: str, batch: Batch) -> None:
        path = f"{repo_path}/stats/commit_activity"
        for attempt in range(STATS_TRIES):
            resp = await self._get(ctx, path)
            if resp.status_code == 202:  # GitHub is computing the stats; they are cached once ready
                if attempt < STATS_TRIES - 1:
                    await ctx.fetcher.clock.sleep(2.0 ** (attempt + 1))
                continue
            if resp.status_code == 422:  # repositories with 10,000+ commits get no stats at all
                batch.notes.append("weekly commits unavailable: GitHub computes no stats for 10,000+ commits")
                return
            if resp.status_code == 204:
                return
            expect(resp, f"GET {path}")
            for week in parse(Weeks, resp, f"GET {path}").root:
                end = week_end(week.week)
                if end < ctx.today:  # the current week is still counting
                    batch.add(
                        fw.id,
                        "github_commits",
                        end,
                        week.total,
                        self.id,
                        method="GitHub stats/commit_activity (week ending that day, merges excluded)",
                    )
            return
        raise SourceError(f"GET {path}: GitHub still computing commit stats (202) after {STATS_TRIES} tries")

    async def _star_history(
        self, ctx: Context, fw: Framework, repo_path: str, stars_now: int, latest: str | None, batch: Batch
    ) -> None:
        """Weeks come newest first, so retained stars at each week's end is today's count minus the newer weeks.

        That lets an update stop at the first week already stored, and a page cap only loses the oldest years
        (which are then missing, not guessed).
        """
        path = f"{repo_path}/stargazers/history"
        latest_day = date.fromisoformat(latest) if latest else None
        running = stars_now
        page = 1
        while True:
            resp = await self._get(ctx, path, api_version="2026-03-10", per_page=str(HISTORY_PAGE_SIZE), page=str(page))
            if resp.status_code == 422:
                message = parse(ApiMessage, resp, f"GET {path}").message or "unprocessable"
                raise SourceError(f"GET {path}: GitHub refused page {page} (422: {message[:100]})")
            expect(resp, f"GET {path}")
            weeks = parse(Weeks, resp, f"GET {path}").root
            reached_stored = False
            for week in weeks:
                end = week_end(week.week)
                if latest_day is not None and end <= latest_day:
                    reached_stored = True
                    break
                if end < ctx.today and running >= 0:
                    batch.add(
                        fw.id,
                        "github_stars_retained",
                        end,
                        running,
                        self.id,
                        method=RETAINED_METHOD,
                        note=RETAINED_NOTE,
                    )
                running -= week.total
            if reached_stored or not weeks or "next" not in resp.links:
                break
            if page >= HISTORY_MAX_PAGE:
                batch.notes.append(f"star history stops at page {HISTORY_MAX_PAGE}: older weeks left out, not guessed")
                break
            page += 1
        if running < 0:
            batch.notes.append("star history sums past today's star count: weeks where it went negative left out")
