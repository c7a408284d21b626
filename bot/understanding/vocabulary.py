"""The readers' vocabulary, loaded from `data/vocabulary.toml` and checked: aliases, special names,
stop words, key words, number words and the slash grammar's metric words.

    vocabulary() -> Vocabulary          # the bundled file, loaded once per process
    load_vocabulary(path, cat) -> Vocabulary

A broken file stops with the file, the entry and the field ("data/vocabulary.toml: metric_words[3]
(“new stars”): metric: no such metric 'github_starz'"), as the catalog does: `VocabularyError`.
Aliases must name frameworks of the catalog; metric ids must be in `bot.metrics.METRICS`.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator

from bot.catalog import Catalog, catalog, normalise_name
from bot.metrics import METRICS
from bot.paths import data_dir


class VocabularyError(Exception):
    """The vocabulary file is missing, not TOML, or has an entry that does not check out."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MetricWord(_Strict):
    """A phrase of the slash grammar that names a metric ("new stars" → github_stars, per period)."""

    phrase: str
    metric: str
    rate: bool = False

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, metric: str) -> str:
        if metric not in METRICS:
            raise ValueError(f"no such metric {metric!r}")
        return metric


class SpecialNames(_Strict):
    npm: frozenset[str]
    """Names of JavaScript ports: naming one asks about npm downloads."""
    hugging_face: frozenset[str]
    """Names of Hugging Face: the Transformers library or the Hub's models."""
    tf_keras: frozenset[str]
    """Names of Keras inside TensorFlow: Keras or TensorFlow."""


def _tracked(fid: str, info: ValidationInfo) -> str:
    known = (info.context or {}).get("frameworks")
    if known is not None and fid not in known:
        raise ValueError(f"{fid!r} is not a framework of the catalog")
    return fid


FrameworkId = Annotated[str, AfterValidator(_tracked)]


class Vocabulary(_Strict):
    stop_words: frozenset[str]
    key_words: tuple[str, ...]
    """Sorted, so fuzzy matching breaks ties the same way every run."""
    metric_words: tuple[MetricWord, ...]
    """In the order the grammar tries them: the first found wins."""
    aliases: dict[str, FrameworkId]
    """Normalised name → framework id."""
    names: SpecialNames
    number_words: dict[str, int]
    metric_word: dict[str, str]
    """Metric id → the word `query_text` writes for it."""

    @field_validator("stop_words", "key_words", mode="before")
    @classmethod
    def _words(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str):  # a word list reads best as text: split on whitespace
            words = value.split()
            return sorted(set(words)) if info.field_name == "key_words" else words
        return value

    @field_validator("aliases")
    @classmethod
    def _normalised(cls, aliases: dict[str, str]) -> dict[str, str]:
        return {normalise_name(alias): fid for alias, fid in aliases.items()}

    @field_validator("metric_words")
    @classmethod
    def _unique_phrases(cls, words: tuple[MetricWord, ...]) -> tuple[MetricWord, ...]:
        seen: set[str] = set()
        for word in words:
            if word.phrase in seen:
                raise ValueError(f"the phrase {word.phrase!r} is listed twice")
            seen.add(word.phrase)
        return words

    @field_validator("metric_word")
    @classmethod
    def _reads_back(cls, words: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        phrases = {(w.phrase, w.metric) for w in info.data.get("metric_words", ()) if not w.rate}
        for metric, word in words.items():
            if (word, metric) not in phrases:
                raise ValueError(f"{metric} = {word!r} is not a metric_words phrase (without rate) for {metric!r}")
        return words


def _where(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """An error's place in the file: "metric_words[3] (“new stars”): metric", "aliases: 'tf js'"."""
    if not loc:
        return "file"
    section, rest = str(loc[0]), loc[1:]
    if section == "metric_words" and rest and isinstance(rest[0], int):
        entries = raw.get("metric_words") or []
        entry = entries[rest[0]] if rest[0] < len(entries) else {}
        phrase = entry.get("phrase") if isinstance(entry, dict) else None
        field = ".".join(str(p) for p in rest[1:]) or "entry"
        return f"metric_words[{rest[0]}]" + (f" (“{phrase}”)" if phrase else "") + f": {field}"
    return ".".join([section, *(str(p) for p in rest)])


def load_vocabulary(path: Path | None = None, cat: Catalog | None = None) -> Vocabulary:
    """Read and check a vocabulary file (default: the bundled one). Raises `VocabularyError`."""
    path = path or data_dir() / "vocabulary.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise VocabularyError(f"{path}: cannot read the vocabulary: {exc}") from exc
    cat = cat or catalog()
    try:
        return Vocabulary.model_validate(raw, context={"frameworks": set(cat.ids())})
    except ValidationError as exc:
        problems = "; ".join(
            f"{_where(tuple(err['loc']), raw)}: {err['msg'].removeprefix('Value error, ')}" for err in exc.errors()
        )
        raise VocabularyError(f"{path}: {problems}") from None


@cache
def vocabulary() -> Vocabulary:
    """The bundled vocabulary, loaded once per process."""
    return load_vocabulary()
