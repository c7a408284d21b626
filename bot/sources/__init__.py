"""One module per upstream API, all behind `bot.sources.base.Source`."""

from __future__ import annotations

from bot.sources.arxiv import Arxiv
from bot.sources.base import Source
from bot.sources.github import GitHub
from bot.sources.huggingface import HuggingFace
from bot.sources.npm import Npm
from bot.sources.pypi import ClickHouse, PyPIStats
from bot.sources.stackexchange import StackExchange

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
