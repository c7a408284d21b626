"""Build the shipped bundle `data/bundled_projects.db.gz` from the CSVs in `data/seed/`.

    .venv/bin/python tools/build_bundle.py

Run it after changing a bundled CSV, `data/frameworks.toml` or the way bundled rows are read
(`bot/ingest/seed_projects.py`, `bot/store/bundled.py`), and commit the file it writes:
`tests/projects/test_shipped_bundle.py` fails while the shipped file differs from what the CSVs give.
"""

from __future__ import annotations

import time

from bot.ingest.bundle import shipped_path, write_shipped


def main() -> None:
    start = time.perf_counter()
    counts = write_shipped()
    rows = ", ".join(f"{name} {n:,}" for name, n in counts.items() if name != "bytes")
    print(f"wrote {shipped_path()} ({counts['bytes'] / 1e6:.1f} MB) in {time.perf_counter() - start:.1f} s: {rows}")


if __name__ == "__main__":
    main()
