"""What `fwtrend serve --http` loads on its way to `/healthz` 200 (BENCHMARKS.md, "Start"): neither pandas
nor numpy (sqlite_utils would import both only to map their types), nor httpx in gunicorn's master; the
libraries stay importable and a new store is still seeded (with pandas) where one is needed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.ingest.seeded import open_seeded_store

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("pandas", "numpy", "httpx", "matplotlib")


def run_python(code: str, tmp_path: Path, **env: str) -> str:
    """`code`'s stdout, run by a fresh interpreter (a process's imports are what is checked)."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "FWTREND_"))}
    environ |= {"PYTHONPATH": str(ROOT), "FWTREND_BUNDLE_DIR": os.environ["FWTREND_BUNDLE_DIR"], **env}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env=environ, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def loaded(*modules: str) -> str:
    """Code printing which of `modules` (default: all of HEAVY) the process has loaded."""
    return f"import sys; print(sorted(m for m in {modules or HEAVY!r} if m in sys.modules))"


def test_gunicorns_master_loads_neither_pandas_numpy_httpx_nor_the_store(tmp_path: Path) -> None:
    code = "from bot.cli import build_parser; import bot.slack.launch; build_parser()\n"
    code += "import sys; print('sqlite_utils' in sys.modules)\n" + loaded()
    assert run_python(code, tmp_path).splitlines() == ["False", "[]"]


def test_the_store_check_before_serving_opens_a_seeded_store_without_pandas_or_numpy(tmp_path: Path) -> None:
    db = tmp_path / "fwtrend.db"
    open_seeded_store(db)  # seeded beforehand, as on any machine after its first run
    code = "from bot.slack.launch import _open_store_here; assert _open_store_here(__import__('bot.settings').settings"
    code += f".Settings(_env_file=None, fwtrend_db={str(db)!r}), 2) == 0\n" + loaded()
    assert run_python(code, tmp_path) == "[]"


def test_the_web_worker_reads_questions_without_pandas_or_numpy(tmp_path: Path) -> None:
    db = tmp_path / "fwtrend.db"
    open_seeded_store(db)
    code = (
        "from bot.settings import Settings\n"
        "from bot.slack.server import open_here\n"
        f"assert open_here(Settings(_env_file=None, fwtrend_db={str(db)!r})) is None\n"
        "from bot.answering.engine import understand_text\n"
        "assert understand_text('polars vs pytorch stars').frameworks == ['polars', 'pytorch']\n"
        + loaded()  # httpx too: live look-ups load it in the background, once the worker is warm
    )
    assert run_python(code, tmp_path) == "[]"


def test_a_new_store_is_still_seeded_where_sqlite_utils_was_loaded_without_pandas(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    code = (
        "import bot.store.connection, sys\n"
        "assert 'pandas' not in sys.modules\n"
        "from bot.ingest.seeded import open_seeded_store\n"
        f"store = open_seeded_store({str(db)!r})\n"
        "print(store.get_meta('seeded_at') is not None, store.db.execute(\"SELECT COUNT(*) FROM main.observations\")"
        ".fetchone()[0] > 10_000, 'pandas' in sys.modules)\n"
    )
    assert run_python(code, tmp_path) == "True True True"
