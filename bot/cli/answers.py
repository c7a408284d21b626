"""`fwtrend ask | parse | frameworks | metrics | sources`: answers in the terminal.

The answering, chart and Slack modules are imported inside each command: `fwtrend parse` and
`fwtrend frameworks` must start fast, without pandas, matplotlib or slack_sdk (start-up cost).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from bot.catalog import catalog
from bot.metrics import METRICS


def cmd_ask(args: argparse.Namespace) -> int:
    from bot.answering.engine import answer_text  # start-up cost, see the module docstring
    from bot.ingest.seeded import open_seeded_store

    text = " ".join(args.text)
    store = open_seeded_store(args.db)
    # No asker here: "this year" is read at the machine's local date (Slack reads it at the asker's).
    answer = live_answer(store, text) or answer_text(store, text)
    if args.json:
        from bot.slack.blocks.answer import render_blocks

        print(json.dumps(render_blocks(answer), ensure_ascii=False, indent=2))
    else:
        from bot.render.terminal import render_text

        sys.stdout.write(render_text(answer))
    if args.chart:
        from bot.render.chart import render_chart, write_chart

        write_chart(render_chart(answer), args.chart)
    if args.csv:
        from bot.render.figures_csv import write_csv
        from bot.store.observations import sources_by_id

        write_csv(answer, sources_by_id(store), args.csv)
    return 0


def live_answer(store: Any, text: str) -> Any:
    """The answer after a live look-up of the names no bundled file holds (a progress line on stderr), or
    None when the question names none (or look-ups are off: FWTREND_LOOKUPS_PER_HOUR=0)."""
    from bot.answering.engine import answer_query
    from bot.answering.live_answers import after_lookup, looking_up_text
    from bot.ingest.live.candidates import lookup_candidates
    from bot.ingest.live.lookup import know_stored_projects, look_up
    from bot.settings import get_settings
    from bot.understanding.query import Query
    from bot.understanding.reader import understand

    settings = get_settings()
    if settings.fwtrend_lookups_per_hour <= 0:
        return None
    know_stored_projects(store)
    candidates = lookup_candidates(understand(text))
    if not candidates:
        return None
    print(looking_up_text([(c.typed, c.registries) for c in candidates]), file=sys.stderr, flush=True)
    outcome = look_up(store, candidates, settings)
    result = after_lookup(understand(text), outcome)
    return answer_query(store, result) if isinstance(result, Query) else result


def cmd_parse(args: argparse.Namespace) -> int:
    from bot.answering.engine import understand_text  # start-up cost, see the module docstring

    print(json.dumps(understand_text(" ".join(args.text)).contract_dict(), ensure_ascii=False))
    return 0


def cmd_frameworks(args: argparse.Namespace) -> int:
    for fw in catalog():
        print(f"{fw.id:<14} {fw.name:<18} {', '.join(fw.aliases)}")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    for m in METRICS.values():
        print(f"{m.id:<28} {m.label:<55} {m.unit:<32} {', '.join(m.sources)}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from bot.answering.engine import answer_text  # start-up cost, see the module docstring
    from bot.ingest.seeded import open_seeded_store
    from bot.render.terminal import render_text

    sys.stdout.write(render_text(answer_text(open_seeded_store(args.db), "sources")))
    return 0


def add_commands(sub: Any) -> None:
    """Add ask, parse, frameworks, metrics and sources to the `fwtrend` subparsers."""
    ask = sub.add_parser("ask", help="answer a question in the terminal", description="Answer TEXT from the store.")
    ask.add_argument("text", nargs="+", help='what you would type after /fwtrend, e.g. "pytorch vs tensorflow"')
    ask.add_argument("--json", action="store_true", help="print the Slack message (text + blocks) instead")
    ask.add_argument("--chart", metavar="PATH", help="also write the chart as a PNG file")
    ask.add_argument(
        "--csv", metavar="PATH", help="also write the figures behind the answer as CSV (one row per figure)"
    )
    ask.set_defaults(func=cmd_ask)

    parse = sub.add_parser("parse", help="show how a text is understood, as JSON")
    parse.add_argument("text", nargs="+")
    parse.set_defaults(func=cmd_parse)

    sub.add_parser("frameworks", help="list tracked frameworks (id, name, aliases)").set_defaults(func=cmd_frameworks)
    sub.add_parser("metrics", help="list metrics (id, label, unit, sources)").set_defaults(func=cmd_metrics)
    sub.add_parser("sources", help="where figures come from and how fresh they are").set_defaults(func=cmd_sources)
