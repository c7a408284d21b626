"""End to end: the **Figures as CSV** button on an answer uploads the figures behind it as a CSV file
(signed block_actions → Bolt app → files_upload_v2 at the fake Slack)."""

from __future__ import annotations

import csv
import io
from datetime import date

from bot.answering.engine import answer_text
from bot.render.figures_csv import COLUMNS
from bot.slack.blocks.answer import ACTION_CSV, render_blocks
from bot.understanding.grammar import parse
from bot.understanding.query import encode_query
from tests.slack.test_slack_app import bot, ephemeral_replies, running  # noqa: F401  (the app under test, as a fixture)
from tests.test_cli_csv import _seed_downloads_per_day

QUESTION = "pytorch vs tensorflow downloads from 2020-01 to 2020-04"


def _rows(data: bytes) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(data.decode("utf-8")))
    assert tuple(reader.fieldnames or ()) == COLUMNS
    return list(reader)


def _action_ids(payload: dict) -> list[str]:
    return [e["action_id"] for b in payload["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_an_answer_with_figures_has_the_csv_button_and_one_without_has_none(seeded_store):
    today = date(2026, 11, 25)
    for question in ("pytorch vs tensorflow", "jax", "top downloads", "pytorch stars in january 2023"):
        assert ACTION_CSV in _action_ids(render_blocks(answer_text(seeded_store, question, today=today))), question
    for question in ("help", "sources", "caffe", "pytorch vs tensorflow stars in 2012"):
        assert ACTION_CSV not in _action_ids(render_blocks(answer_text(seeded_store, question, today=today))), question


def test_the_csv_button_uploads_the_figures_behind_the_answer_into_its_thread(bot):  # noqa: F811
    value = encode_query(parse(QUESTION))
    assert bot.click(ACTION_CSV, value, channel_id="C777", message_ts="1700000000.000500").status_code == 200
    bot.fake.wait_for("files.completeUploadExternal", timeout=20)
    ((file_id, filename, data),) = bot.fake.uploaded_files()
    record = bot.fake.file(file_id)
    assert filename == "fwtrend-pytorch-vs-tensorflow.csv"
    assert (record.channel_id, record.thread_ts) == ("C777", "1700000000.000500")
    assert record.title == "Figures: PyTorch vs TensorFlow"
    rows = _rows(data)
    expected = _seed_downloads_per_day({"torch": "pytorch", "tensorflow": "tensorflow"}, "2020-01-01", "2020-04-30")
    assert [(r["project_id"], r["date"], float(r["value"])) for r in rows] == expected
    assert {r["source"] for r in rows} == {"Top PyPI packages snapshots"}
    assert [r["note"] for r in rows if r["date"] == "2020-03-01"] == [
        "no figures between 2020-01-17 and 2020-03-01 (gap)"
    ] * 2


def test_the_csv_button_on_a_private_answer_sends_the_file_to_the_users_dm(bot):  # noqa: F811
    value = encode_query(parse("jax stars in 2023"))
    bot.click(ACTION_CSV, value, channel_id="G999", is_ephemeral=True, user_id="U4242")
    bot.fake.wait_for("files.completeUploadExternal", timeout=20)
    ((file_id, _, data),) = bot.fake.uploaded_files()
    record = bot.fake.file(file_id)
    assert record.channel_id == "D4242" and record.thread_ts is None  # the app's DM with the user
    (intro,) = bot.fake.calls("chat.postMessage")
    assert intro.params["channel"] == "U4242" and intro.params["text"].endswith("as CSV.")
    rows = _rows(data)
    assert rows and {r["project_id"] for r in rows} == {"jax"}
    assert all(r["date"].startswith("2023") for r in rows)
    bot.fake.wait_for("response_url")
    assert any("CSV" in reply.get("text", "") for reply in ephemeral_replies(bot.fake))


def test_the_csv_button_of_an_answer_without_figures_says_so_and_uploads_nothing(bot):  # noqa: F811
    bot.click(ACTION_CSV, encode_query(parse("pytorch vs tensorflow stars in 2012")))
    bot.fake.wait_for("response_url", timeout=20)
    bot.settle()
    assert not bot.fake.uploaded_files()
    assert any("no figures" in reply.get("text", "") for reply in ephemeral_replies(bot.fake))


def test_a_csv_button_that_cannot_be_read_says_to_ask_again(bot):  # noqa: F811
    bot.click(ACTION_CSV, "not-a-query")
    bot.fake.wait_for("response_url", timeout=20)
    assert any("Ask again" in reply.get("text", "") for reply in ephemeral_replies(bot.fake))
    assert not bot.fake.uploaded_files()
