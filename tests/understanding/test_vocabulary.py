"""The vocabulary is data (data/vocabulary.toml): it loads, the readers use it, and a broken entry stops
with the file, the entry and the field."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from bot.catalog import catalog
from bot.paths import data_dir
from bot.understanding.grammar import parse, query_text
from bot.understanding.name_match import names
from bot.understanding.reader import understand
from bot.understanding.vocabulary import VocabularyError, load_vocabulary, vocabulary

TODAY = date(2026, 11, 25)
BUNDLED = data_dir() / "vocabulary.toml"


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = BUNDLED.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "vocabulary.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_the_bundled_vocabulary_loads_with_every_part():
    vocab = load_vocabulary()
    assert {"the", "lately", "sept"} <= vocab.stop_words and {"stars", "downloads"} <= set(vocab.key_words)
    assert vocab.aliases["sk learn"] == "scikit-learn"
    assert "tfjs" in vocab.names.npm and "hugging face" in vocab.names.hugging_face
    assert vocab.number_words["twenty four"] == 24
    assert (vocab.metric_words[0].phrase, vocab.metric_words[0].rate) == ("new stars", True)
    assert list(vocab.key_words) == sorted(vocab.key_words)


def test_every_alias_of_the_vocabulary_is_a_name_the_english_reader_looks_up():
    cat = catalog()
    lookup = names(cat)
    for alias, fid in vocabulary().aliases.items():
        assert lookup[alias] == cat.names.get(alias, fid), alias  # the catalog's own names come first


@pytest.mark.parametrize(
    ("text", "frameworks"),
    [
        ("sk learn vs keras", ["scikit-learn", "keras"]),
        ("pytorch-lightening vs keras", ["lightning", "keras"]),
        ("py-torch vs jax", ["pytorch", "jax"]),
        ("paddle-paddle vs keras", ["paddlepaddle", "keras"]),
        ("transformers library vs jax", ["transformers", "jax"]),
    ],
)
def test_an_alias_from_the_vocabulary_reads_as_its_framework(text, frameworks):
    assert understand(text, today=TODAY).frameworks == frameworks


def test_every_metric_word_of_query_text_reads_back_as_its_metric():
    for metric_id, word in vocabulary().metric_word.items():
        assert parse(f"pytorch {word}", today=TODAY).metric == metric_id, word
        assert parse(query_text(parse(f"pytorch vs jax {word}", today=TODAY)), today=TODAY).metric == metric_id


def test_a_stop_word_is_never_read_as_a_misspelt_framework():
    query = understand("is pytorch doing well lately", today=TODAY)
    assert query.frameworks == ["pytorch"] and not query.corrections


@pytest.mark.parametrize(
    ("old", "new", "where"),
    [
        (
            'metric = "github_forks", rate = true',
            'metric = "github_frks", rate = true',
            "metric_words[10] (“new forks”): metric",
        ),
        (
            '{ phrase = "stars", metric = "github_stars" }',
            '{ phrase = "stars", metrc = "github_stars" }',
            "metric_words[8] (“stars”): metrc",
        ),
        ('"sk learn" = "scikit-learn"', '"sk learn" = "scikit-lern"', "aliases.sk learn"),
        ('"twelve" = 12', '"twelve" = "a dozen"', "number_words.twelve"),
        ('github_forks = "forks"', 'github_forks = "forkz"', "metric_word: github_forks = 'forkz'"),
        ("hugging_face = [", "huggingface = [", "names.huggingface"),
    ],
)
def test_a_broken_entry_stops_with_the_file_the_entry_and_the_field(tmp_path, old, new, where):
    path = _broken(tmp_path, old, new)
    with pytest.raises(VocabularyError) as error:
        load_vocabulary(path, catalog())
    message = str(error.value)
    assert message.startswith(f"{path}: ")
    assert where in message, message


def test_an_unknown_metric_is_named_in_the_message(tmp_path):
    path = _broken(tmp_path, 'metric = "github_forks", rate = true', 'metric = "github_frks", rate = true')
    with pytest.raises(VocabularyError, match=re.escape("no such metric 'github_frks'")):
        load_vocabulary(path)


def test_an_alias_naming_no_framework_of_the_catalog_is_refused(tmp_path):
    path = _broken(tmp_path, '"sk learn" = "scikit-learn"', '"sk learn" = "scikit-lern"')
    message = "aliases.sk learn: 'scikit-lern' is not a framework of the catalog"
    with pytest.raises(VocabularyError, match=re.escape(message)):
        load_vocabulary(path)


def test_a_vocabulary_that_is_not_toml_stops_with_the_file(tmp_path):
    path = tmp_path / "vocabulary.toml"
    path.write_text("stop_words = [unclosed", encoding="utf-8")
    with pytest.raises(VocabularyError, match=re.escape(f"{path}: cannot read the vocabulary")):
        load_vocabulary(path)


def test_a_missing_vocabulary_file_stops_with_the_file(tmp_path):
    with pytest.raises(VocabularyError, match="cannot read the vocabulary"):
        load_vocabulary(tmp_path / "absent.toml")


def test_a_metric_phrase_listed_twice_is_refused(tmp_path):
    path = _broken(tmp_path, '{ phrase = "star", metric', '{ phrase = "stars", metric')
    with pytest.raises(VocabularyError, match=re.escape("metric_words: the phrase 'stars' is listed twice")):
        load_vocabulary(path)
