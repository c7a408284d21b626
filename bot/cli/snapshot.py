"""`fwtrend snapshot publish PATH` / `fwtrend snapshot apply PATH`: the figures of the machine that refreshes,
carried to the stores of the others (`bot.store.snapshot`, docs/deploying.md). Exit 0 done (an apply of a
snapshot already applied included), 1 the snapshot could not be written or applied (one line saying why)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_snapshot(args: argparse.Namespace) -> int:
    from bot.ingest.seeded import open_seeded_store  # the store's libraries: only for this command
    from bot.store import snapshot

    store = open_seeded_store(args.db)
    try:
        if args.action == "publish":
            published = snapshot.publish(store, args.path)
            rows = ", ".join(f"{table} {n:,}" for table, n in published.rows.items() if n)
            print(f"published {published.path} at {published.published_at} ({rows})")
        else:
            applied = snapshot.apply(store, args.path)
            if applied.skipped:
                print(f"{args.path}: already applied (published {applied.published_at})")
            else:
                changed = ", ".join(f"{table} {n:,}" for table, n in applied.changed.items() if n) or "no changes"
                print(f"applied {args.path}, published {applied.published_at}: {changed}")
    except snapshot.SnapshotError as exc:
        print(f"fwtrend: {exc}", file=sys.stderr)
        return 1
    return 0


def add_command(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "snapshot",
        help="carry the figures to other machines: publish a snapshot, or apply one",
        description="With several machines, one refreshes and publishes a snapshot of its figures to a path all "
        "can read; every other machine applies it to its own store (its clock does so by itself with "
        "FWTREND_SNAPSHOT_FROM). Publishing is atomic: readers see the old snapshot or the new one. Applying "
        "writes in one transaction, keeps every figure from a better source, and deletes nothing; running web "
        "processes answer from the new figures at once.",
    )
    parser.add_argument(
        "action", choices=["publish", "apply"], help="publish this store's figures, or apply a snapshot"
    )
    parser.add_argument("path", type=Path, help="the snapshot file (e.g. on a volume every machine mounts)")
    parser.set_defaults(func=cmd_snapshot)
