"""Where fwtrend finds its bundled data, installed or run from a checkout."""

from __future__ import annotations

from pathlib import Path

import platformdirs

_HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The bundled `data/` folder: inside the wheel as `bot/_data`, else the checkout's `data/`."""
    for candidate in (_HERE / "_data", _HERE.parent / "data"):
        if (candidate / "frameworks.toml").is_file():
            return candidate
    raise FileNotFoundError("fwtrend's bundled data folder is missing (looked in bot/_data and data/)")


def seed_dir() -> Path:
    return data_dir() / "seed"


def default_db_path() -> Path:
    """The store file when neither --db nor FWTREND_DB names one: `fwtrend.db` in the user data dir."""
    return Path(platformdirs.user_data_dir("fwtrend", appauthor=False)) / "fwtrend.db"


def bundle_cache_dir() -> Path:
    """Where the bundled projects' figures are built once per machine: `FWTREND_BUNDLE_DIR`, else the
    user cache folder (`~/.cache/fwtrend` on Linux)."""
    import os

    override = os.environ.get("FWTREND_BUNDLE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("fwtrend", appauthor=False))
