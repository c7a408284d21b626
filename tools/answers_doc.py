"""Write docs/answers.md: each kind of answer as the Block Kit JSON fwtrend sends, beside the PNG chart it
would carry (docs/answers/*.png), all from the real engine and the bundled figures.

    python tools/answers_doc.py          # rewrite docs/answers.md and docs/answers/*.png
    python tools/answers_doc.py --check  # exit 1 when docs/answers.md is out of date

Answers are read on a fixed date (TODAY) so the document changes only when the answers do.
`tests/test_answers_doc.py` fails when the committed document differs from what this writes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.answering.engine import answer_text
from bot.ingest.seeded import open_seeded_store
from bot.render.chart import render_chart
from bot.slack.blocks.answer import render_blocks
from bot.slack.blocks.native_chart import has_native_chart
from bot.store.connection import Store

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "answers.md"
PNG_DIR = ROOT / "docs" / "answers"
TODAY = date(2026, 11, 25)


@dataclass(frozen=True)
class Example:
    slug: str
    kind: str
    question: str
    why: str


EXAMPLES = (
    Example(
        "compare",
        "Compare",
        "pytorch vs tensorflow",
        "every metric side by side; the chart spans a change of counting method, so it is a PNG",
    ),
    Example(
        "compare-native",
        "Compare, chart drawn by Slack",
        "jax vs flax downloads since 2025-07",
        "nine monthly figures each: Slack draws the chart itself",
    ),
    Example(
        "log-scale",
        "Compare on a log scale",
        "pytorch vs mxnet downloads",
        "the values are 144× apart, so the chart turns logarithmic and says so",
    ),
    Example(
        "aligned",
        "Aligned timelines",
        "pytorch vs jax downloads since launch",
        "each line starts at its own first stored figure",
    ),
    Example(
        "profile",
        "Profile",
        "jax",
        "every metric of one framework with its 12-month change",
    ),
    Example(
        "leaderboard",
        "Leaderboard",
        "top stars",
        "the tracked frameworks ranked; Slack draws the bars",
    ),
    Example(
        "growth",
        "Growth",
        "is jax growing faster than pytorch?",
        "growth rates of two frameworks",
    ),
    Example(
        "crossover",
        "Crossover",
        "when did pytorch overtake tensorflow in downloads?",
        "the date one passed the other",
    ),
    Example(
        "point-in-time",
        "Point in time",
        "pytorch vs tensorflow stars in january 2023",
        "the figures at a date beside today's",
    ),
    Example(
        "gap",
        "Gap answer",
        "pytorch vs tensorflow downloads in january 2025",
        "the month asked is missing from the source: the gap is named, with the nearest real figures",
    ),
    Example(
        "article",
        "Article check",
        "was the 2023 article right?",
        "each claim of the 2023 article checked",
    ),
    Example(
        "clarify",
        "Clarifying question",
        "how is hf doing",
        "a name with two readings gets a button for each",
    ),
    Example(
        "not-tracked",
        "Names found nowhere",
        "caffe vs zorblax",
        "what is tracked, never a guess",
    ),
    Example(
        "help",
        "Help",
        "help",
        "the grammar",
    ),
)


def _section(store: Store, example: Example) -> tuple[str, bytes | None]:
    answer = answer_text(store, example.question, today=TODAY)
    payload = render_blocks(answer, today=TODAY)
    png = render_chart(answer)
    kinds = [b["type"] for b in payload["blocks"]]
    if has_native_chart(payload):
        chart = "chart: a `data_visualization` block (no upload; the PNG is kept for export and classic workspaces)"
    elif png is not None:
        chart = "chart: the PNG below, uploaded into the answer's thread and shown in the message"
    else:
        chart = "no chart"
    figures = "figures: a `table` block" if "table" in kinds else "no table"
    lines = [
        f"## {example.kind}: `{example.question}`",
        "",
        f"{example.why}. Answer kind `{answer.kind}`; {figures}; {chart}.",
        "",
    ]
    if png is not None:
        lines += [f"![{example.kind} chart](answers/{example.slug}.png)", ""]
    lines += ["```json", json.dumps(payload, ensure_ascii=False, indent=1), "```", ""]
    return "\n".join(lines), png


def build(store: Store) -> tuple[str, dict[str, bytes]]:
    """The document's text and its PNGs by file name."""
    head = [
        "# What fwtrend answers look like",
        "",
        "Each kind of answer as the Block Kit message fwtrend sends to Slack (`text` + `blocks`), beside the",
        "PNG chart it would carry. Generated from the real engine and the bundled figures, read on",
        f"{TODAY.isoformat()}, by `python tools/answers_doc.py`; a test fails when this file is out of date.",
        "",
        "Figures go in a `table` block and charts in a `data_visualization` block when they fit Slack's",
        "limits (≤ 20 categories, ≤ 6 lines, no change of counting method to mark); a workspace that refuses",
        "those blocks gets the classic message (a monospace table and the PNG) instead, in the same request.",
        "",
    ]
    head += [f"- [{e.kind}](#{e.slug})" for e in EXAMPLES] + [""]
    sections: list[str] = []
    pngs: dict[str, bytes] = {}
    for example in EXAMPLES:
        text, png = _section(store, example)
        sections.append(f'<a id="{example.slug}"></a>\n\n{text}')
        if png is not None:
            pngs[f"{example.slug}.png"] = png
    return "\n".join(head) + "\n" + "\n".join(sections), pngs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when docs/answers.md is out of date")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        text, pngs = build(open_seeded_store(Path(tmp) / "fwtrend.db"))
    if args.check:
        current = DOC.read_text(encoding="utf-8") if DOC.exists() else ""
        missing = [name for name in pngs if not (PNG_DIR / name).exists()]
        if current != text or missing:
            print("docs/answers.md is out of date: run python tools/answers_doc.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(text, encoding="utf-8")
    PNG_DIR.mkdir(exist_ok=True)
    for old in PNG_DIR.glob("*.png"):
        if old.name not in pngs:
            old.unlink()
    for name, png in pngs.items():
        (PNG_DIR / name).write_bytes(png)
    print(f"wrote {DOC.relative_to(ROOT)} and {len(pngs)} charts in {PNG_DIR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
