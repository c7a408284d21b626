"""End to end: links pasted in Slack unfurl with the project's figures (signed `link_shared` → Bolt app →
`chat.unfurl` at the fake Slack, which accepts only links Slack told the app about)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from bot import format as fmt
from bot.answering.engine import answer_query
from bot.ingest.seeded import open_seeded_store
from bot.settings import Settings
from bot.slack.server import create_flask_app
from bot.understanding.grammar import Query
from tests.conftest import BASE_URLS, Harness, make_settings
from tests.http_replay import Replay
from tests.support.fake_slack import FakeSlack
from tests.support.signing import event_body, link_shared_event, post

SECRET = "unfurl-signing-secret"
TOKEN = "xoxb-unfurl-secret-token"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeSlack, str, Path]]:
    db = Path(tmp_path_factory.mktemp("store")) / "fwtrend.db"
    # The bundled snapshot has no npm downloads: a recorded npm refresh (TensorFlow's @tensorflow/tfjs) adds them.
    store = open_seeded_store(db)
    Harness(store, Replay.from_days(BASE_URLS, "day1"), make_settings()).run(sources=["npm"], frameworks=["tensorflow"])
    with FakeSlack() as fake:
        settings = Settings(
            _env_file=None,
            slack_bot_token=TOKEN,
            slack_signing_secret=SECRET,
            slack_api_url=fake.base_url,
            fwtrend_db=db,
            fwtrend_render_processes=1,
        )
        server = make_server("127.0.0.1", 0, create_flask_app(settings), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
        deadline = time.monotonic() + 60
        with httpx.Client(trust_env=False) as http:
            while http.get(base + "/healthz").status_code != 200:
                assert time.monotonic() < deadline, "the app never became ready"
                time.sleep(0.05)
        yield fake, base + "/slack/events", db
        server.shutdown()
        from bot.slack import server as server_module

        server_module._services.worker.shutdown()


class Links:
    def __init__(self, fake: FakeSlack, url: str, db: Path):
        self.fake, self.url, self.db = fake, url, db
        self._ids = iter(range(1, 10**6))

    def paste(self, *urls: str, event_id: str | None = None, retry_num: int | None = None, **fields: Any) -> dict:
        """Deliver a signed link_shared event for `urls` (Slack first records which links it told the app about)."""
        event = link_shared_event(list(urls), **fields)
        self.fake.share_links(
            list(urls),
            channel=event["channel"],
            ts=event["message_ts"],
            unfurl_id=event["unfurl_id"],
            source=event["source"],
        )
        return self.send(event, event_id=event_id, retry_num=retry_num)

    def send(self, event: dict, *, event_id: str | None = None, retry_num: int | None = None) -> dict:
        event_id = event_id or f"EvU{time.monotonic_ns()}{next(self._ids)}"
        response = post(self.url, event_body(event, event_id=event_id), SECRET, retry_num=retry_num)
        assert response.status_code == 200
        return event

    def unfurled(self, count: int = 1) -> list[dict[str, Any]]:
        """The `unfurls` argument of each chat.unfurl call, once `count` arrived."""
        calls = self.fake.wait_for("chat.unfurl", count=count, timeout=20)
        return [
            json.loads(c.params["unfurls"]) if isinstance(c.params["unfurls"], str) else c.params["unfurls"]
            for c in calls
        ]

    def answer(self, frameworks: list[str], metric: str | None = None, intent: str = "profile"):
        """The answer the store gives, to check the unfurl's figures against (never hard-coded)."""
        return answer_query(open_seeded_store(self.db), Query(intent=intent, frameworks=frameworks, metric=metric))


@pytest.fixture
def links(running: tuple[FakeSlack, str, Path]) -> Links:
    fake, url, db = running
    fake.reset()
    return Links(fake, url, db)


def _text(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def _latest(answer, metric: str, framework: str) -> str:
    comparison = next(c for c in answer.comparisons if c.metric.id == metric and not c.rate)
    figure = next(f for f in comparison.figures if f.framework == framework)
    return fmt.human(figure.latest.value, comparison.unit)


def _trend(answer, metric: str, framework: str) -> str:
    comparison = next(c for c in answer.comparisons if c.metric.id == metric and not c.rate)
    figure = next(f for f in comparison.figures if f.framework == framework)
    arrow = "↗" if figure.change_pct > 0.5 else "↘" if figure.change_pct < -0.5 else "→"
    return f"{arrow} {fmt.pct(figure.change_pct)}"


def test_a_github_repository_link_unfurls_with_its_headline_figures_and_trend(links):
    url = "https://github.com/pytorch/pytorch"
    links.paste(url)
    (unfurls,) = links.unfurled()
    assert set(unfurls) == {url}
    blocks = unfurls[url]["blocks"]
    text = _text(blocks)
    expected = links.answer(["pytorch"])
    assert "*PyTorch* on fwtrend" in text
    for metric in ("github_stars", "pypi_downloads"):
        assert _latest(expected, metric, "pytorch") in text
        assert _trend(expected, metric, "pytorch") in text
    assert "`/fwtrend pytorch`" in text
    assert len(blocks) <= 5  # compact: title, figures, one context line


def test_a_pypi_package_page_of_a_bundled_project_unfurls_with_its_downloads(links):
    url = "https://pypi.org/project/polars/"
    links.paste(url)
    (unfurls,) = links.unfurled()
    text = _text(unfurls[url]["blocks"])
    assert "*polars* on fwtrend" in text
    assert _latest(links.answer(["polars"]), "pypi_downloads", "polars") in text


def test_an_npm_package_page_unfurls_with_its_npm_downloads(links):
    url = "https://www.npmjs.com/package/@tensorflow/tfjs"
    links.paste(url)
    (unfurls,) = links.unfurled()
    text = _text(unfurls[url]["blocks"])
    expected = links.answer(["tensorflow"], metric="npm_downloads", intent="compare")
    assert "npm downloads" in text.lower()
    assert _latest(expected, "npm_downloads", "tensorflow") in text


def test_download_stats_pages_unfurl_with_pypi_downloads_first(links):
    pages = {"https://pepy.tech/project/jax": "jax", "https://pypistats.org/packages/torch": "pytorch"}
    links.paste(*pages)
    (unfurls,) = links.unfurled()
    assert set(unfurls) == set(pages)
    for url, fid in pages.items():
        fields = next(b for b in unfurls[url]["blocks"] if "fields" in b)["fields"]
        assert fields[0]["text"].startswith("*PyPI downloads per day*"), url
        assert _latest(links.answer([fid]), "pypi_downloads", fid) in fields[0]["text"]


def test_a_star_history_page_of_several_repositories_unfurls_as_a_compact_comparison_of_stars(links):
    url = "https://star-history.com/#pytorch/pytorch&jax-ml/jax&google/flax&Date"
    links.paste(url)
    (unfurls,) = links.unfurled()
    blocks = unfurls[url]["blocks"]
    fields = next(b for b in blocks if "fields" in b)["fields"]
    expected = links.answer(["pytorch", "jax", "flax"], intent="compare")
    assert [f["text"].split("\n")[0] for f in fields] == ["*PyTorch*", "*JAX*", "*Flax*"]
    for field, fid in zip(fields, ["pytorch", "jax", "flax"], strict=True):
        first_line = field["text"].split("\n")[1]
        assert first_line.startswith("Stars "), first_line  # the page is about stars: they come first
        assert _latest(expected, "github_stars", fid) in first_line


def test_an_npm_trends_page_unfurls_the_packages_with_figures_and_names_the_one_without(links):
    url = "https://npmtrends.com/@tensorflow/tfjs-vs-@huggingface/transformers"
    links.paste(url)
    (unfurls,) = links.unfurled()
    text = _text(unfurls[url]["blocks"])
    expected = links.answer(["tensorflow", "transformers"], metric="npm_downloads", intent="compare")
    assert _latest(expected, "npm_downloads", "tensorflow") in text
    assert "No npm downloads per day for Transformers." in text


def test_a_link_delivered_twice_unfurls_once(links):
    url = "https://github.com/jax-ml/jax"
    event = links.paste(url, event_id="EvDup1")
    links.send(event, event_id="EvDup1", retry_num=1)  # Slack's retry of the same delivery
    links.send(event, event_id="EvDup2")  # the same message's links under a new event id
    links.unfurled()
    time.sleep(1.0)
    assert len(links.fake.calls("chat.unfurl")) == 1


def test_a_link_to_something_without_figures_is_not_unfurled_and_nothing_is_posted(links):
    unknown = ["https://github.com/nobody-here/no-such-repo", "https://pypi.org/project/no-such-package-xyz/"]
    links.paste(*unknown)
    known = "https://github.com/keras-team/keras"
    links.paste(unknown[0], known)  # a message with one of each: only the known link unfurls
    (unfurls,) = links.unfurled()
    time.sleep(1.0)
    assert len(links.fake.calls("chat.unfurl")) == 1
    assert set(unfurls) == {known}
    assert not links.fake.calls("chat.postMessage") and not links.fake.calls("chat.postEphemeral")


def test_links_still_in_the_composer_are_unfurled_by_unfurl_id_and_source(links):
    url = "https://github.com/pytorch/pytorch"
    links.paste(url, unfurl_id="C111.composer.1", source="composer")
    links.unfurled()
    (call,) = links.fake.calls("chat.unfurl")
    assert call.params["unfurl_id"] == "C111.composer.1" and call.params["source"] == "composer"
    assert "channel" not in call.params and "ts" not in call.params


def test_slack_refusing_an_unfurl_is_logged_and_nothing_is_posted(links, caplog):
    links.fake.fail("chat.unfurl", "cannot_unfurl_url")
    links.paste("https://github.com/pytorch/pytorch")
    links.fake.wait_for("chat.unfurl")
    time.sleep(0.5)
    assert not links.fake.calls("chat.postMessage") and not links.fake.calls("chat.postEphemeral")
    assert "cannot_unfurl_url" in caplog.text


def test_a_repository_link_whose_stars_fit_the_chart_block_unfurls_with_a_native_chart(links):
    url = "https://github.com/jax-ml/jax"
    links.paste(url)
    (unfurls,) = links.unfurled()
    charts = [b for b in unfurls[url]["blocks"] if b["type"] == "data_visualization"]
    assert len(charts) == 1 and charts[0]["chart"]["type"] == "line"
    (series,) = charts[0]["chart"]["series"]
    assert series["name"] == "JAX"
    latest = links.answer(["jax"], metric="github_stars")
    stars = next(c for c in latest.comparisons if c.metric.id == "github_stars" and not c.rate)
    assert series["data"][-1]["value"] == stars.figures[0].latest.value  # a real figure, the latest one


def test_a_workspace_refusing_the_chart_block_gets_the_unfurl_without_it_in_the_same_request(links):
    links.fake.refuse_data_blocks()
    url = "https://github.com/jax-ml/jax"
    links.paste(url)
    first, second = links.unfurled(count=2)
    assert any(b["type"] == "data_visualization" for b in first[url]["blocks"])
    assert [b["type"] for b in second[url]["blocks"]] == ["section", "section", "context"]
    assert "*JAX* on fwtrend" in _text(second[url]["blocks"])
