"""`fwtrend refresh` on a terminal: one `rich` progress bar per source, drawn on stderr.

Only for a terminal and not with --quiet (the CLI decides); cron logs and pipes get the plain report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, ProgressColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bars
from rich.text import Text

from bot.ingest.refresh import UnitResult


class RequestsColumn(ProgressColumn):
    """Requests sent so far by the bar's source, read live from the fetcher's counter (arXiv's pace shows here)."""

    def __init__(self) -> None:
        super().__init__()
        self.requests: Mapping[str, int] = {}

    def render(self, task: Any) -> Text:
        return Text(f"{self.requests.get(task.fields['source'], 0):>4} requests", style="dim")


class RichProgress:
    """The `Progress` of bot.ingest.refresh, as one bar per source: frameworks done of those it covers."""

    def __init__(self, console: Console | None = None):
        self.console = console or Console(stderr=True)
        self.requests_column = RequestsColumn()
        self.bars = Bars(
            TextColumn("{task.description:<14}"),
            BarColumn(),
            MofNCompleteColumn(),
            self.requests_column,
            TextColumn("{task.fields[failed]}", style="red"),
            TimeElapsedColumn(),
            console=self.console,
        )
        self.tasks: dict[str, Any] = {}
        self.failed: dict[str, int] = {}

    def plan(self, units: Mapping[str, int], requests: Mapping[str, int]) -> None:
        self.requests_column.requests = requests
        for source, total in units.items():
            if not total:  # covers none of the frameworks asked for: the report says so, no empty bar
                continue
            self.failed[source] = 0
            self.tasks[source] = self.bars.add_task(source, total=total, source=source, failed="")
        self.bars.start()

    def done(self, unit: UnitResult) -> None:
        task = self.tasks.get(unit.source)
        if task is None:
            return
        if unit.status != "ok":
            self.failed[unit.source] += 1
        failed = self.failed[unit.source]
        self.bars.update(task, advance=1, failed=f"{failed} failed" if failed else "")

    def close(self) -> None:
        self.bars.stop()
