"""An answer's figures as a Slack `table` block (the monospace code table stays for the terminal and for
workspaces that refuse the block).

Slack's limits (docs.slack.dev/reference/block-kit/blocks/table-block): at most 100 rows of at most 20
cells, each cell `raw_text` or `rich_text`, at most 20 `column_settings`, and one table per message.
Rows come from `bot.render.table.answer_rows`, the same rows the terminal prints, so both say the same.
"""

from __future__ import annotations

from typing import Any

from bot.answering.model import Answer
from bot.render.table import answer_rows

MAX_ROWS = 100
MAX_CELLS = 20


def _cell(text: str, *, bold: bool = False) -> dict[str, Any]:
    """A raw_text cell; a header cell as rich_text in bold. Slack refuses an empty raw_text, so blanks are " "."""
    if bold and text:
        element = {"type": "text", "text": text, "style": {"bold": True}}
        return {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [element]}]}
    return {"type": "raw_text", "text": text or " "}


def table_rows_fit(rows: list[list[str]]) -> bool:
    """Whether rows fit one table block: 1..100 rows of 1..20 cells, every row as long as the first."""
    return 0 < len(rows) <= MAX_ROWS and 0 < len(rows[0]) <= MAX_CELLS and all(len(r) == len(rows[0]) for r in rows)


def table_block(rows: list[list[str]]) -> dict[str, Any] | None:
    """A table block of `rows` (first row and first column in bold, figures right-aligned), or None when
    they don't fit Slack's limits (the caller keeps the monospace table)."""
    if not table_rows_fit(rows):
        return None
    body = [[_cell(c, bold=True) for c in rows[0]]]
    body += [[_cell(row[0], bold=True), *(_cell(c) for c in row[1:])] for row in rows[1:]]
    settings = [{"align": "left", "is_wrapped": True}] + [{"align": "right"} for _ in rows[0][1:]]
    return {"type": "table", "block_id": "figures", "rows": body, "column_settings": settings}


def answer_table(answer: Answer) -> dict[str, Any] | None:
    """The answer's figures as a table block, or None when it has none or they don't fit."""
    rows = answer_rows(answer)
    return table_block(rows) if rows else None
