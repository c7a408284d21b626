"""The watch list's words: `track` / `untrack` / `tracking` in the strict grammar and in plain English,
read by `fwtrend parse`, with names read like any project name and what is found nowhere kept unknown."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.understanding.grammar import COMMANDS, query_text
from bot.understanding.reader import understand


def parsed(text: str, capsys: pytest.CaptureFixture[str]) -> dict:
    assert main(["parse", text]) == 0
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("word", ["track", "untrack", "tracking"])
def test_the_watch_list_commands_are_words_of_the_strict_grammar(word: str):
    assert COMMANDS[word] == word


@pytest.mark.parametrize(
    ("text", "intent", "frameworks"),
    [
        ("track polars", "track", ["polars"]),
        ("untrack polars", "untrack", ["polars"]),
        ("tracking", "tracking", []),
        ("track polars duckdb", "track", ["polars", "duckdb"]),
        ("track pola-rs/polars, pypi:duckdb and pytorch lightning", "track", ["polars", "duckdb", "lightning"]),
        ("track https://github.com/pola-rs/polars", "track", ["polars"]),
        ("track torch and tf", "track", ["pytorch", "tensorflow"]),
    ],
)
def test_parse_shows_the_watch_list_commands_with_their_projects(text, intent, frameworks, capsys):
    out = parsed(text, capsys)
    assert (out["intent"], out["frameworks"]) == (intent, frameworks)
    assert [p["id"] for p in out.get("projects", [])] == frameworks


@pytest.mark.parametrize(
    ("text", "intent", "frameworks"),
    [
        ("keep an eye on polars", "track", ["polars"]),
        ("could you track duckdb for us?", "track", ["duckdb"]),
        ("please add duckdb to our watch list", "track", ["duckdb"]),
        ("stop tracking polars", "untrack", ["polars"]),
        ("remove polars from the watchlist", "untrack", ["polars"]),
        ("what are we tracking?", "tracking", []),
        ("show our watch list", "tracking", []),
    ],
)
def test_plain_english_asks_for_the_watch_list(text, intent, frameworks, capsys):
    out = parsed(text, capsys)
    assert (out["intent"], out["frameworks"]) == (intent, frameworks)


def test_what_frameworks_do_you_track_stays_a_question_for_help():
    assert understand("what frameworks do you track").intent == "help"


def test_a_name_found_nowhere_is_kept_unknown_beside_the_names_read(capsys):
    out = parsed("track zzqqxx polars", capsys)
    assert (out["frameworks"], out["unknown"]) == (["polars"], ["zzqqxx"])


def test_a_separate_project_near_a_framework_keeps_its_not_tracked_reason():
    query = understand("track onnxruntime")
    assert query.unknown == ["onnxruntime"]
    assert query.not_tracked["onnxruntime"].startswith("I don't track “onnxruntime”")


def test_a_command_word_given_as_a_name_is_not_dropped():
    assert understand("track top").unknown == ["top"]


def test_keep_an_eye_on_in_a_thread_is_not_a_follow_up_of_the_threads_question():
    context = understand("pytorch vs tensorflow")
    assert understand("keep an eye on polars", context=context).intent == "track"


def test_a_watch_list_query_writes_back_as_its_command():
    assert query_text(understand("keep an eye on polars")) == "track polars"
    assert query_text(understand("what are we tracking")) == "tracking"
