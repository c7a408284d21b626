"""Finding the metric a question names: the slash grammar's phrases (data, `metric_words` in
data/vocabulary.toml) and the English reader's patterns (code, below), and the word that names a
metric when a Query is written back as text.
"""

from __future__ import annotations

import re
from functools import cache

from bot.understanding.vocabulary import vocabulary


@cache
def _grammar_res() -> tuple[tuple[re.Pattern[str], str, bool], ...]:
    return tuple(
        (re.compile(rf"(?<![\w-]){re.escape(w.phrase)}(?![\w-])"), w.metric, w.rate) for w in vocabulary().metric_words
    )


def find_metric(text: str) -> tuple[str | None, bool, str]:
    """The slash grammar's metric: (metric id, per-period form, text without the phrase, lower-cased);
    (None, False, text) when no phrase is found. The first phrase of the vocabulary found wins."""
    lowered = f" {text.lower()} "
    for regex, metric_id, rate in _grammar_res():
        m = regex.search(lowered)
        if m:
            rest = (lowered[: m.start()] + " " + lowered[m.end() :]).strip()
            return metric_id, rate, rest
    return None, False, text


def metric_word(metric_id: str) -> str:
    """The word `query_text` writes for a metric ("github_stars" → "stars"); "" for one without a word."""
    return vocabulary().metric_word.get(metric_id, "")


# English metric phrases, most specific first; each is a regex over the normalised text.
# These stay code, not data: they are grammar (optional words, alternatives, look-aheads such as
# "on the hub" but not "on the hf transformers"), and their order and overlaps read best beside the
# code that tries them. A plain word list (the slash grammar's phrases) is data in vocabulary.toml.
METRIC_PHRASES: list[tuple[str, str, bool]] = [
    # The 2023 article's own measures come first: their words contain "models", "papers", "share".
    (r"(?:framework[- ]exclusive |exclusive )?(?:hf |hugging ?face )?models added", "hf_exclusive_models_added", False),
    (
        r"(?:hf|hugging ?face) share|(?:framework[- ])?exclusive (?:hf |hugging ?face )?models?(?: share)?",
        "hf_exclusive_model_share",
        False,
    ),
    (r"papers with code(?: share)?|pwc(?: share)?|implementations?(?: share)?", "pwc_paper_share", False),
    (r"daily downloads|downloads (?:per|a) day|pypistats", "pypi_downloads_daily", False),
    (r"stars? by star date|retained stars", "github_stars_retained", False),
    (
        r"new (?:github )?stars|(?:monthly|weekly) stars|stars? (?:per|a|each) (?:month|week)"
        r"|stars? gained|gaining stars|star (?:growth|velocity)",
        "github_stars",
        True,
    ),
    (r"new forks|forks? (?:per|a) month", "github_forks", True),
    (r"github stars?|stargazers|stars?|starred|star count", "github_stars", False),
    (r"github forks|forks?|forked", "github_forks", False),
    (r"contributors?|contributions|committers|maintainers|commit(?:s|ters)?", "github_contributors", False),
    (r"open issues|issues|bug reports|bugs", "github_open_issues", False),
    (r"npm(?: downloads| installs)?|javascript|js downloads", "npm_downloads", False),
    (
        r"survey usage professional|survey professional|survey pros|professional developers",
        "survey_usage_professional",
        False,
    ),
    (r"survey loved|most loved|loved", "survey_loved", False),
    (r"(?:developer |dev |stack ?overflow )?survey", "survey_usage", False),
    (
        r"pypi(?: downloads)?|pip installs?|downloads?|downloaded|installs?|installed|install base"
        r"|usage|used|adoption|users",
        "pypi_downloads",
        False,
    ),
    (
        r"stack ?overflow(?: questions)?|so questions|on so|questions?|asked about|q ?& ?a",
        "so_questions",
        False,
    ),
    (
        r"(?:hugging ?face|hf)(?: hub)? models|models? on (?:the )?(?:hugging ?face|hf)(?: hub)?"
        r"|on (?:the )?(?:hugging ?face|hf)(?: hub)?(?! transformers)|(?:the )?hf hub|hugging ?face hub"
        r"|(?:the )?hub|models?|checkpoints|model repos",
        "hf_models",
        False,
    ),
    (r"arxiv(?: papers)?|papers?|research|academi[ac]|publications?|citations?|researchers", "arxiv_papers", False),
]
_METRIC_RES = [(re.compile(rf"(?<![\w.-])(?:{pattern})(?![\w-])"), mid, rate) for pattern, mid, rate in METRIC_PHRASES]


def english_metric(t: str) -> tuple[str, bool, re.Match[str]] | None:
    """The English reader's metric in normalised text: (metric id, per-period form, where it was found),
    or None. The first pattern that applies wins."""
    for regex, metric_id, rate in _METRIC_RES:
        m = regex.search(t)
        if m and _metric_word_applies(t, m, metric_id):
            return metric_id, rate, m
    return None


def _metric_word_applies(t: str, m: re.Match[str], metric_id: str) -> bool:
    """ "used" in "which should I use" or "questions" in "a few questions" are not metrics."""
    word = m.group(0)
    if metric_id == "pypi_downloads" and word in {"used", "users"}:
        return bool(
            re.search(r"\b(?:most|more|less|least|widely|commonly) used\b|\bused (?:more|most|less)\b|\busers\b", t)
        )
    return True
