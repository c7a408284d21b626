"""`fwtrend bundle [--rebuild]`: where the bundled projects' figures are kept (unpacked from the shipped file
if missing), and rebuilding them from the CSVs in `data/seed/` (`bot.ingest.bundle`). Exit 0."""

from __future__ import annotations

import argparse
import time


def cmd_bundle(args: argparse.Namespace) -> int:
    from bot.ingest.bundle import build_bundle, bundle_path, ensure_bundle

    path = bundle_path()
    if args.rebuild:
        start = time.perf_counter()
        counts = build_bundle(path)
        listed = ", ".join(f"{name} {n:,}" for name, n in counts.items())
        print(f"rebuilt {path} from the bundled CSVs in {time.perf_counter() - start:.1f} s ({listed})")
    else:
        print(ensure_bundle())
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "bundle",
        help="the bundled projects' figures (shipped prebuilt, unpacked once per machine)",
        description="Print where the bundled projects' figures are kept (unpacked from the shipped file if "
        "missing); --rebuild builds them again from the CSVs in data/seed/.",
    )
    parser.add_argument("--rebuild", action="store_true", help="rebuild from the bundled CSVs")
    parser.set_defaults(func=cmd_bundle)
