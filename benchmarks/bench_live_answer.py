"""Benchmark: a live answer for a project no bundled file holds, from question to answer, against local servers
shaped like PyPI's JSON API, npm's registry and downloads API, ClickHouse and GitHub, each adding 50 ms to every
request. Goal: under 5 s.

    PYTHONPATH=$PWD python benchmarks/bench_live_answer.py [--latency 0.05] [--runs 3]

Measured in a warm process (store open, names loaded), as the Slack app answers: read the question, look the
name up, fetch its history (ClickHouse's months in one query; GitHub's counts and a 10-year star history, 18
pages; npm's daily downloads since 2015, 9 ranges), write it, read the question again and answer it. Each run
asks about a new name, so every run does the whole look-up. The servers' figures are made up, at real sizes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.answering.engine import answer_query  # noqa: E402
from bot.answering.live_answers import after_lookup  # noqa: E402
from bot.catalog import catalog  # noqa: E402
from bot.ingest.live.candidates import lookup_candidates  # noqa: E402
from bot.ingest.live.lookup import know_stored_projects, look_up  # noqa: E402
from bot.ingest.seeded import open_seeded_store  # noqa: E402
from bot.understanding.query import Query  # noqa: E402
from bot.understanding.reader import understand  # noqa: E402
from tests.live.conftest import months  # noqa: E402
from tests.support.fake_registries import FakeRegistries  # noqa: E402

TARGET_SECONDS = 5.0
WEEKS = 520  # ten years of star history: 18 pages of 30 weeks


def add_projects(fake: FakeRegistries, run: int) -> tuple[str, str]:
    pypi, npm = f"bench-pkg-{run}", f"bench-js-{run}"
    fake.add_pypi(pypi, urls={"Source": f"https://github.com/bench-org/{pypi}"})
    fake.add_months(pypi, months("2016-01", 120))
    fake.add_repo(f"bench-org/{pypi}", 40_000, [70] * WEEKS)
    fake.add_npm(npm, repository=f"github:bench-org/{npm}", since=date(2015, 2, 1), per_day=900)
    fake.add_repo(f"bench-org/{npm}", 9_000, [15] * WEEKS)
    return f"{pypi} vs langchain downloads", f"npm:{npm} downloads"


def answer_live(store, text: str, settings) -> tuple[float, object]:
    started = time.monotonic()
    know_stored_projects(store)
    outcome = look_up(store, lookup_candidates(understand(text)), settings)
    result = after_lookup(understand(text), outcome)
    answer = answer_query(store, result) if isinstance(result, Query) else result
    return time.monotonic() - started, answer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every request")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with FakeRegistries(latency=args.latency) as fake, tempfile.TemporaryDirectory() as tmp:
        store = open_seeded_store(Path(tmp) / "bench.db")
        catalog().project_names()  # a warm process, as the Slack app is once ready
        settings = fake.settings(fwtrend_lookups_per_hour=1000, fwtrend_lookups_per_hour_per_workspace=1000)
        times: dict[str, list[float]] = {"PyPI package + GitHub": [], "npm-only package + GitHub": []}
        for run in range(args.runs):
            for label, text in zip(times, add_projects(fake, run), strict=True):
                asked = len(fake.requests)
                seconds, answer = answer_live(store, text, settings)
                figures = sum(f.has_data for c in answer.comparisons for f in c.figures)
                print(f"{label:<28} {seconds:6.2f} s  {len(fake.requests) - asked:3d} requests  {figures} with figures")
                times[label].append(seconds)
    worst = max(max(v) for v in times.values())
    for label, values in times.items():
        print(f"{label:<28} median {statistics.median(values):.2f} s over {len(values)} runs")
    verdict = "within" if worst < TARGET_SECONDS else "OVER"
    latency = f"{args.latency * 1000:.0f} ms per request"
    print(f"live answer, {latency}: worst {worst:.2f} s, {verdict} the {TARGET_SECONDS:.0f} s goal")
    return 0 if worst < TARGET_SECONDS else 1


if __name__ == "__main__":
    raise SystemExit(main())
