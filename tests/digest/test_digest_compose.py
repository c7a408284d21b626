"""The digest's content from hand-made series in a temp store, and its renderings."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.digest.compose import compose, round_label, round_numbers_crossed
from bot.digest.render import render_chart, render_text
from bot.slack.blocks.digest import render_blocks
from bot.store.connection import Store
from bot.store.observations import upsert_observations

END = date(2026, 11, 30)  # a Monday


def weekly(store: Store, framework: str, metric: str, values: list[float], *, end: date = END, source="github"):
    """Snapshots every Thursday, the last one inside the week that ends on `end`."""
    last = end - timedelta(days=4)
    rows = [
        {
            "framework": framework,
            "metric": metric,
            "date": last - timedelta(weeks=len(values) - 1 - i),
            "value": v,
            "source": source,
        }
        for i, v in enumerate(values)
    ]
    upsert_observations(store, rows)


def steady(start: float, gain: float, n: int = 7) -> list[float]:
    return [start + gain * i for i in range(n)]


@pytest.fixture
def store(empty_store: Store) -> Store:
    return empty_store


def test_round_numbers():
    assert round_numbers_crossed(99_900, 100_050) == [100_000]
    assert round_numbers_crossed(990_000, 1_000_000) == [1_000_000]
    assert round_numbers_crossed(1_000_000, 1_000_001) == []
    assert round_numbers_crossed(240_000, 260_000) == [250_000]
    assert [round_label(m) for m in (1_000, 2_500_000, 100_000)] == ["1k", "2.5M", "100k"]


def test_movers_milestones_leaders_and_crossovers(store: Store):
    weekly(store, "pytorch", "github_stars", [*steady(90_000, 100, 6), 90_500 + 300])  # 300 gained vs usual 100
    weekly(store, "tensorflow", "github_stars", steady(99_720, 50))  # steady, but crosses 100k
    weekly(store, "jax", "github_stars", steady(30_000, 40))
    weekly(store, "pytorch", "hf_models", steady(50_000, 10), source="huggingface")
    weekly(store, "tensorflow", "hf_models", [1_000] * 7, source="huggingface")
    weekly(store, "jax", "hf_models", [900] * 6 + [1_100], source="huggingface")

    digest = compose(store, ["pytorch", "tensorflow", "jax"], "weekly", END)

    stars = next(m for m in digest.movers if m.metric.id == "github_stars")
    [mover] = stars.movers
    assert mover.framework == "pytorch"
    assert mover.current == pytest.approx(300)
    assert mover.vs_previous_pct == pytest.approx(200)
    assert mover.vs_average_pct == pytest.approx(200)
    assert "TensorFlow passed 100k GitHub stars" in digest.milestones
    assert "JAX passed 1k Hugging Face models" in digest.milestones
    assert digest.crossovers == ["JAX passed TensorFlow on Hugging Face models"]
    assert digest.leaders == []
    assert not digest.quiet
    assert digest.chart is not None and digest.chart.metric.id in ("github_stars", "hf_models")

    text = render_text(digest)
    assert "PyTorch +300 (+200% vs last week, +200% vs 4-week avg)" in text
    # Stars may be 8 days old, Hugging Face counts 3: the latter is marked.
    assert "Data: github to 2026-11-26 · huggingface to 2026-11-26 (stale)" in text
    png = render_chart(digest)
    assert png is not None and png.startswith(b"\x89PNG")


def test_new_leader(store: Store):
    weekly(store, "pytorch", "github_stars", steady(98_950, 100))
    weekly(store, "tensorflow", "github_stars", [99_500] * 6 + [99_520])
    digest = compose(store, ["pytorch", "tensorflow"], "weekly", END)
    assert digest.leaders == ["PyTorch is the new leader on GitHub stars, passing TensorFlow"]
    assert digest.crossovers == []  # said once, as the leader change


def test_nothing_moved_is_one_line(store: Store):
    weekly(store, "pytorch", "github_stars", steady(80_000, 100))
    weekly(store, "jax", "github_stars", steady(30_000, 40))
    digest = compose(store, ["pytorch", "jax"], "weekly", END)
    assert digest.quiet
    assert digest.chart is None
    payload = render_blocks(digest)
    assert len(payload["blocks"]) == 1
    assert "\n" not in payload["text"]
    assert payload["text"].startswith("Weekly trend: PyTorch, JAX: nothing moved much this week")
    assert render_text(digest).count("\n") == 1


def test_no_new_figures_names_stale_sources(store: Store):
    weekly(store, "pytorch", "github_stars", steady(80_000, 100), end=END - timedelta(weeks=5))
    digest = compose(store, ["pytorch"], "weekly", END)
    line = render_text(digest)
    assert "no new figures this week" in line
    assert "Stale: github (newest 2026-10-22)" in line


def test_blocks_within_limits_and_escaped(store: Store):
    for i, fw in enumerate(["pytorch", "tensorflow", "jax", "keras", "onnx"]):
        weekly(store, fw, "github_stars", [*steady(10_000 * (i + 1), 10, 6), 10_000 * (i + 1) + 50 + 400])
        weekly(store, fw, "npm_downloads", [1_000 * (i + 1)] * 6 + [3_000 * (i + 1)], source="npm")
    digest = compose(store, ["pytorch", "tensorflow", "jax", "keras", "onnx"], "weekly", END)
    payload = render_blocks(digest)
    assert len(payload["blocks"]) <= 50
    for block in payload["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    assert len(payload["text"]) <= 3000
    assert "<" not in json.dumps(payload["text"])
    # Short enough to read in 20 seconds: a few lines, a few movers each.
    assert len(render_text(digest).splitlines()) <= 12
