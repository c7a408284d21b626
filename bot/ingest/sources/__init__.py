"""One module per upstream API, all behind `bot.ingest.sources.base.Source`."""

from __future__ import annotations

from bot.ingest.sources.arxiv import Arxiv
from bot.ingest.sources.base import Source
from bot.ingest.sources.github import GitHub
from bot.ingest.sources.huggingface import HuggingFace
from bot.ingest.sources.npm import Npm
from bot.ingest.sources.pypi import ClickHouse, PyPIStats
from bot.ingest.sources.stackexchange import StackExchange

# In the order a refresh reports them.
SOURCES: dict[str, type[Source]] = {
    cls.id: cls for cls in (GitHub, PyPIStats, ClickHouse, Npm, StackExchange, HuggingFace, Arxiv)
}

# Names people type for a source on the command line.
ALIASES: dict[str, tuple[str, ...]] = {
    "pypi": ("pypistats", "clickhouse"),
    "stackoverflow": ("stackexchange",),
    "so": ("stackexchange",),
    "hf": ("huggingface",),
}
