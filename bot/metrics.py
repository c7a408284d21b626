"""The metrics fwtrend knows: what each counts, in which unit, and how fresh it should be."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

# cumulative: a running total (stars); its per-period form is the change per week or month.
# level: a count at a moment that can go down (open issues, models on the Hub).
# rate: already a flow per day (downloads per day).
# flow: a count per calendar period (questions per month).
# share: a percentage of some population.
Kind = Literal["cumulative", "level", "rate", "flow", "share"]


class Metric(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    label: str
    short: str
    unit: str
    kind: Kind
    sources: tuple[str, ...]
    fresh_days: int
    """How old the newest figure may be before we call it stale."""
    chartable: bool = True
    note: str = ""


METRICS: dict[str, Metric] = {
    m.id: m
    for m in [
        Metric(
            id="github_stars",
            label="GitHub stars",
            short="Stars",
            unit="stars",
            kind="cumulative",
            sources=("github", "bestof", "repostory"),
            fresh_days=8,
            note="counted at the time (best-of-ml-python weekly, our daily snapshots)",
        ),
        Metric(
            id="github_stars_retained",
            label="GitHub stars (retained, by star date)",
            short="Stars by star date",
            unit="stars",
            kind="cumulative",
            sources=("repostory", "github"),
            fresh_days=35,
            note="rebuilt from today's stargazers: unstars and deleted accounts vanish, so the past reads low",
        ),
        Metric(
            id="github_forks",
            label="GitHub forks",
            short="Forks",
            unit="forks",
            kind="cumulative",
            sources=("github", "bestof"),
            fresh_days=8,
        ),
        Metric(
            id="github_contributors",
            label="GitHub contributors",
            short="Contributors",
            unit="contributors",
            kind="cumulative",
            sources=("github", "bestof"),
            fresh_days=8,
        ),
        Metric(
            id="github_open_issues",
            label="GitHub open issues and PRs",
            short="Open issues",
            unit="open issues",
            kind="level",
            sources=("github", "bestof"),
            fresh_days=8,
        ),
        Metric(
            id="github_watchers",
            label="GitHub watchers",
            short="Watchers",
            unit="watchers",
            kind="level",
            sources=("github",),
            fresh_days=8,
            note="subscribers_count: people notified of activity (GitHub's `watchers` field means stars)",
        ),
        Metric(
            id="github_commits",
            label="GitHub commits per week",
            short="Commits/week",
            unit="commits/week",
            kind="flow",
            sources=("github",),
            fresh_days=14,
            note="week ending on the date, merge commits excluded; GitHub gives none for 10,000+ commit repos",
        ),
        Metric(
            id="pypi_downloads",
            label="PyPI downloads per day",
            short="PyPI downloads",
            unit="downloads/day",
            kind="rate",
            sources=("pypistats", "clickhouse", "top_pypi"),
            fresh_days=40,
            note="a window's downloads divided by its length in days",
        ),
        Metric(
            id="pypi_downloads_daily",
            label="PyPI downloads per day (daily, last 180 days)",
            short="PyPI daily",
            unit="downloads/day",
            kind="rate",
            sources=("pypistats",),
            fresh_days=4,
            note="one day's downloads, mirrors excluded (pypistats.org keeps 180 days)",
        ),
        Metric(
            id="npm_downloads",
            label="npm downloads per day",
            short="npm downloads",
            unit="downloads/day",
            kind="rate",
            sources=("npm",),
            fresh_days=3,
        ),
        Metric(
            id="so_questions",
            label="Stack Overflow questions per month",
            short="SO questions",
            unit="questions/month",
            kind="flow",
            sources=("stackexchange",),
            fresh_days=40,
        ),
        Metric(
            id="so_questions_total",
            label="Stack Overflow questions with the tag (all time)",
            short="SO questions (total)",
            unit="questions",
            kind="level",
            sources=("stackexchange",),
            fresh_days=3,
            note="today's tag count; deleted questions drop out, so it can go down",
        ),
        Metric(
            id="hf_models",
            label="Hugging Face models",
            short="HF models",
            unit="models",
            kind="level",
            sources=("huggingface",),
            fresh_days=3,
        ),
        Metric(
            id="arxiv_papers",
            label="arXiv papers per month",
            short="arXiv papers",
            unit="papers/month",
            kind="flow",
            sources=("arxiv",),
            fresh_days=40,
        ),
        Metric(
            id="survey_usage",
            label="Stack Overflow survey usage (all respondents)",
            short="Survey usage",
            unit="% of respondents",
            kind="share",
            sources=("article",),
            fresh_days=400,
            chartable=False,
        ),
        Metric(
            id="survey_usage_professional",
            label="Stack Overflow survey usage (professional developers)",
            short="Survey usage (pros)",
            unit="% of professional developers",
            kind="share",
            sources=("article",),
            fresh_days=400,
            chartable=False,
        ),
        Metric(
            id="survey_loved",
            label="Stack Overflow survey 'loved' (of its users)",
            short="Survey loved",
            unit="% of its users",
            kind="share",
            sources=("article",),
            fresh_days=400,
            chartable=False,
        ),
        Metric(
            id="hf_exclusive_model_share",
            label="Share of framework-exclusive Hugging Face models",
            short="HF exclusive share",
            unit="% of framework-exclusive models",
            kind="share",
            sources=("article",),
            fresh_days=400,
            chartable=False,
        ),
        Metric(
            id="hf_exclusive_models_added",
            label="Framework-exclusive Hugging Face models added in the year",
            short="HF models added",
            unit="models/year",
            kind="flow",
            sources=("article",),
            fresh_days=400,
            chartable=False,
        ),
        Metric(
            id="pwc_paper_share",
            label="Papers with Code implementation share",
            short="PwC share",
            unit="% of implementations",
            kind="share",
            sources=("article",),
            fresh_days=100000,
            chartable=False,
            note="Papers with Code shut down in July 2025: these figures are frozen",
        ),
    ]
}

# Metrics offered on the "switch metric" buttons, in this order.
BUTTON_METRICS = ("github_stars", "pypi_downloads", "so_questions", "hf_models", "arxiv_papers", "github_forks")


def metric(metric_id: str) -> Metric:
    return METRICS[metric_id]
