"""An answer as plain text for `fwtrend ask`."""

from __future__ import annotations

import re
import textwrap

from bot import format as fmt
from bot.answering.model import Answer
from bot.render.table import answer_rows, legend, monospace
from bot.understanding.grammar import query_text


def _plain(text: str) -> str:
    """Drop Slack's *bold* and `code` marks, which read as noise in a terminal; lone asterisks
    (a file pattern such as history/*_projects.csv) stay."""
    text = re.sub(r"(?<![\w*/])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*/])", r"\1", text)
    return re.sub(r"`([^`\n]*)`", r"\1", text)


def render_text(answer: Answer, width: int = 100) -> str:
    out = [answer.title, "=" * min(len(answer.title), width), ""]
    out += textwrap.wrap(_plain(answer.headline), width) or [""]
    out.append("")
    rows = answer_rows(answer)
    if rows:
        out.append(monospace(rows))
        marks = legend(answer)
        if marks:
            out.append("   " + " · ".join(marks))
        out.append("")
    for line in answer.lines:
        out += textwrap.wrap(_plain(line), width, subsequent_indent="  ") or [""]
    if answer.lines:
        out.append("")
    if answer.suggestions:
        out.append("Try: " + " · ".join(f'fwtrend ask "{query_text(s)}"' for s in answer.suggestions))
        out.append("")
    if answer.notes:
        out.append("Notes:")
        for note in answer.notes:
            out += textwrap.wrap(_plain(note), width, initial_indent="  - ", subsequent_indent="    ")
        out.append("")
    if answer.sources:
        out.append("Sources:")
        for s in answer.sources:
            licence = f"; {s.licence}" if s.licence else ""
            out += textwrap.wrap(
                f"{s.name}, to {fmt.day(s.as_of)} ({s.credit}{licence})",
                width,
                initial_indent="  - ",
                subsequent_indent="    ",
            )
    return "\n".join(out).rstrip() + "\n"
