"""The `projects` table: every project the store holds figures for beyond the built-in frameworks, with
its packages, repository (today's slug and former ones) and where each link between them came from.

Browsable as it is (`datasette`); the answering code reads projects through `bot.catalog`, which builds
the same entries from the bundled files, so a name is read the same before and after a store exists.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from bot.store.connection import Store

PROJECT_COLUMNS = ("id", "name", "pypi", "npm", "github", "github_former", "links", "source")


def migrate_projects(db: sqlite_utils.Database) -> None:
    # pypi, npm, github_former and links are JSON arrays; links: "github.com/a/b ↔ pypi:c (source)".
    db.execute(
        """CREATE TABLE IF NOT EXISTS projects (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            pypi TEXT NOT NULL DEFAULT '[]',
            npm TEXT NOT NULL DEFAULT '[]',
            github TEXT,
            github_former TEXT NOT NULL DEFAULT '[]',
            links TEXT NOT NULL DEFAULT '[]',
            source TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX IF NOT EXISTS projects_github ON projects (github COLLATE NOCASE)")


def upsert_projects(store: Store, projects: Iterable[Mapping[str, Any]]) -> int:
    """Write projects (dicts with PROJECT_COLUMNS; list fields as lists). Returns rows written."""
    params = [
        (
            p["id"],
            p["name"],
            json.dumps(list(p.get("pypi", ()))),
            json.dumps(list(p.get("npm", ()))),
            p.get("github"),
            json.dumps(list(p.get("github_former", ()))),
            json.dumps(list(p.get("links", ())), ensure_ascii=False),
            p["source"],
        )
        for p in projects
    ]
    with store.transaction() as conn:
        conn.executemany(
            f"INSERT OR REPLACE INTO main.projects ({', '.join(PROJECT_COLUMNS)}) VALUES ({', '.join('?' * 8)})", params
        )
    return len(params)


def stored_projects(store: Store) -> dict[str, dict[str, Any]]:
    """Every stored project by id, list fields decoded."""
    out = {}
    for row in store.db.query("SELECT * FROM projects ORDER BY id"):
        for key in ("pypi", "npm", "github_former", "links"):
            row[key] = json.loads(row[key])
        out[row["id"]] = row
    return out


LIVE_SOURCE_PREFIX = "live look-up"
"""`source` of a project found by a live look-up: "live look-up 2026-11-30: PyPI JSON API, GitHub /repos"."""


def live_projects(store: Store) -> list[dict[str, Any]]:
    """The projects live look-ups stored in this store (never the bundle's), list fields decoded; cached per
    data version, since every answer asks (a look-up's write moves the version)."""

    def read() -> list[dict[str, Any]]:
        rows = []
        for row in store.db.query(
            "SELECT * FROM main.projects WHERE source LIKE ? ORDER BY id", [LIVE_SOURCE_PREFIX + "%"]
        ):
            for key in ("pypi", "npm", "github_former", "links"):
                row[key] = json.loads(row[key])
            rows.append(row)
        return rows

    return store.cached(("live_projects",), read)
