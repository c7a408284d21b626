"""A whole fwtrend for the alert tests: a copy of the seeded store, fwtrend's real Bolt app on the fake Slack,
the data sources replayed by a local server on 127.0.0.1 (shaped like GitHub and ClickHouse, see
tests/http_replay.py) whose figures each test sets, and `fwtrend refresh` / `fwtrend alerts` run as commands."""

from __future__ import annotations

import copy
import io
import json
import sqlite3
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from slack_bolt import App

from bot.cli import main as fwtrend
from bot.ingest.sources.base import last_complete_month
from bot.ingest.sources.pypi import SETTLE_DAYS, ClickHouse
from bot.store.connection import Store
from tests.digest.test_digest_post import slash
from tests.http_replay import FIXTURES, ReplayServer
from tests.support.fake_slack import FakeSlack


def copy_store(template: Path, target: Path) -> None:
    """A seeded store file copied through SQLite's backup API (its WAL included)."""
    src, dst = sqlite3.connect(template), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def repo_exchanges(repo: str, like: str = "google/flax") -> list[dict]:
    """Every recorded GitHub exchange of the `like` repository, for `repo` instead (both days)."""
    out = []
    for day in ("day1", "day2"):
        for file in sorted((FIXTURES / day / "github").glob(f"{like.replace('/', '_')}_*.json")):
            for ex in json.loads(file.read_text()):
                ex = copy.deepcopy(ex)
                ex["path"] = ex["path"].replace(f"/repos/{like}", f"/repos/{repo}")
                out.append(ex)
    return out


@dataclass
class World:
    store: Store
    app: App
    fake: FakeSlack
    server: ReplayServer

    def slash(self, text: str, channel: str = "C111", user: str = "U111", team: str = "T111") -> dict:
        """A signed `/fwtrend TEXT`; what the app sent back through the command's response_url."""
        return slash(self.app, self.fake, text, channel_id=channel, user_id=user, team_id=team)

    def stars(self, repo: str, count: int) -> None:
        """From now on GitHub's /repos/{repo} answers `stargazers_count: count`."""
        key = next(k for k in self.server.replay.table if k[0] == "github" and k[2] == f"/repos/{repo}")
        exchange = copy.deepcopy(self.server.replay.table[key])
        exchange["json"]["stargazers_count"] = count
        self.server.replay.add([exchange])

    def clickhouse_months(self, package: str, today: date, downloads: dict[str, int], start: date) -> None:
        """ClickHouse answers the query a refresh on `today` sends for `package` (months from `start`) with
        these month totals ({"2026-09": 48_000_000, …})."""
        last = last_complete_month(today - timedelta(days=SETTLE_DAYS))
        rows = [{"month": f"{m}-01", "downloads": str(n)} for m, n in sorted(downloads.items())]
        self.server.replay.add(
            [
                {
                    "source": "clickhouse",
                    "method": "POST",
                    "path": "/",
                    "query": {"user": "demo", "default_format": "JSON"},
                    "body_match": ClickHouse.query(package, start, last),
                    "status": 200,
                    "headers": {"Content-Type": "application/json; charset=UTF-8"},
                    "json": {"meta": [], "data": rows, "rows": len(rows)},
                }
            ]
        )

    def refresh(self, today: date, *args: str) -> tuple[int, str]:
        """`fwtrend refresh --today TODAY ARGS` in this process: (exit code, stdout is not captured here)."""
        return fwtrend(["refresh", "--quiet", "--today", today.isoformat(), *args]), ""

    def alerts(self, *args: str) -> tuple[int, str]:
        """`fwtrend alerts ARGS` in this process: (exit code, what it printed)."""
        from bot.cli import build_parser
        from bot.cli.alerts import cmd_alerts

        out = io.StringIO()
        code = cmd_alerts(build_parser().parse_args(["alerts", *args]), out=out)
        return code, out.getvalue()

    def posts(self, channel: str | None = None) -> list[str]:
        """The text of every chat.postMessage to a channel (not the replies to commands)."""
        calls = [c for c in self.fake.calls("chat.postMessage") if str(c.params.get("channel", "")).startswith("C")]
        return [str(c.params["text"]) for c in calls if channel is None or c.params["channel"] == channel]
