"""Every way people name a project is read as that project, in both readers and in follow-ups; a name
of another project is never read as a framework, and a second package is never passed off as the first."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from bot.answering.engine import answer_text
from bot.catalog import CatalogError, catalog, load_catalog
from bot.cli import main
from bot.understanding.followup import apply_followup
from bot.understanding.grammar import parse
from bot.understanding.names import find_refs
from bot.understanding.query import Query
from bot.understanding.reader import understand
from bot.understanding.text import clean_text

TODAY = date(2026, 11, 25)


def both(text: str) -> list[Query]:
    """The strict slash grammar's reading and the full reader's (which adds plain English)."""
    return [parse(text, today=TODAY), understand(text, today=TODAY)]


# -- GitHub slugs ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jax-ml/jax vs pytorch stars", ["jax", "pytorch"]),
        ("google/jax vs pytorch stars", ["jax", "pytorch"]),  # before the move to jax-ml
        ("Lightning-AI/pytorch-lightning vs keras", ["lightning", "keras"]),
        ("PyTorchLightning/pytorch-lightning vs keras", ["lightning", "keras"]),
        ("lightning-ai/lightning vs keras", ["lightning", "keras"]),
        ("fchollet/keras vs tensorflow/tensorflow", ["keras", "tensorflow"]),
        ("apache/incubator-mxnet vs onnx/onnx", ["mxnet", "onnx"]),
        ("huggingface/pytorch-transformers vs PADDLEPADDLE/PADDLE", ["transformers", "paddlepaddle"]),
    ],
)
def test_a_github_slug_today_or_before_the_repository_moved_is_read_as_that_project(text, expected):
    for query in both(text):
        assert query.frameworks == expected, query
        assert query.unknown == []


def test_every_former_slug_in_the_catalog_reads_as_its_framework():
    formers = [(slug, fw.id) for fw in catalog() for slug in fw.github_former]
    assert len(formers) >= 5
    for slug, fid in formers:
        assert parse(f"{slug} stars", today=TODAY).frameworks == [fid], slug


def test_a_slash_between_two_framework_names_still_separates_them():
    for query in both("pytorch/tensorflow stars"):
        assert query.frameworks == ["pytorch", "tensorflow"]


# -- URLs, as typed and as Slack delivers them -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://github.com/pytorch/pytorch vs https://github.com/tensorflow/tensorflow", ["pytorch", "tensorflow"]),
        (
            "<https://github.com/pytorch/pytorch> vs <https://github.com/tensorflow/tensorflow>",
            ["pytorch", "tensorflow"],
        ),
        ("<https://github.com/jax-ml/jax/> vs <https://www.github.com/keras-team/keras.git>", ["jax", "keras"]),
        ("github.com/pytorch/pytorch/tree/main/torch/nn vs github.com/google/jax/issues/123", ["pytorch", "jax"]),
        (
            "<https://pypi.org/project/torch/|torch> vs <https://pypi.org/project/scikit-learn/1.5.0/>",
            ["pytorch", "scikit-learn"],
        ),
        ("<http://pytorch.org|pytorch.org> vs <https://www.tensorflow.org/|tensorflow.org>", ["pytorch", "tensorflow"]),
        ("https://jax.readthedocs.io/en/latest/ vs keras.io", ["jax", "keras"]),
        (
            "<https://scikit-learn.org/stable/> vs <https://huggingface.co/docs/transformers/index>",
            ["scikit-learn", "transformers"],
        ),
        ("https://lightning.ai/docs/pytorch/stable/ vs onnx.ai", ["lightning", "onnx"]),
    ],
)
def test_a_project_url_in_any_form_slack_delivers_is_read_as_that_project(text, expected):
    for query in both(text):
        assert query.frameworks == expected, query
        assert query.unknown == []


def test_an_npm_url_is_read_as_the_framework_and_asks_about_npm_downloads():
    for query in both(
        "<https://www.npmjs.com/package/@tensorflow/tfjs> vs <https://www.npmjs.com/package/@huggingface/transformers>"
    ):
        assert query.frameworks == ["tensorflow", "transformers"]
        assert query.metric == "npm_downloads"


def test_a_link_to_something_that_is_not_a_project_names_no_framework():
    for text in (
        "<https://example.com/blog/pytorch-vs-tf> pytorch vs tensorflow",
        "<https://github.com/pytorch> pytorch vs tensorflow",  # an organisation, not a repository
        "https://huggingface.co/blog/jax pytorch vs tensorflow",
    ):
        for query in both(text):
            assert query.frameworks == ["pytorch", "tensorflow"], (text, query)
            assert query.unknown == [], (text, query)


def test_a_github_url_of_an_untracked_repository_is_named_as_not_tracked():
    # (dmlc/xgboost, once the example here, is a bundled project now: tests/projects/test_project_names.py)
    for query in both("<https://github.com/octocat/hello-world> vs pytorch"):
        assert query.frameworks == ["pytorch"]
        assert query.unknown == ["octocat/hello-world"]


def test_slack_escapes_in_a_project_link_are_undone():
    text, _ = clean_text("<https://github.com/pytorch/pytorch/issues?q=a&amp;b=c> vs jax")
    assert "&amp;" not in text
    assert parse(text, today=TODAY).frameworks == ["pytorch", "jax"]


# -- package names -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("pypi:torch vs pypi:scikit-learn", ["pytorch", "scikit-learn"]),
        ("pytorch-lightning vs torch downloads", ["lightning", "pytorch"]),
        ("pypi:Scikit_Learn vs pypi:transformers", ["scikit-learn", "transformers"]),
        ("npm:@tensorflow/tfjs vs npm:@huggingface/transformers", ["tensorflow", "transformers"]),
        ("@tensorflow/tfjs vs keras", ["tensorflow", "keras"]),
    ],
)
def test_a_package_name_with_or_without_its_registry_prefix_is_read_as_its_project(text, expected):
    for query in both(text):
        assert query.frameworks == expected, query
        assert query.unknown == []


def test_an_unknown_package_with_a_prefix_is_not_tracked():
    # (pypi:xgboost, once the example here, is a bundled project now)
    for query in both("pypi:zorblax-nonesuch vs torch"):
        assert query.frameworks == ["pytorch"]
        assert query.unknown == ["zorblax-nonesuch"]


# -- never one package's figures under another's name ------------------------------------------------
@pytest.mark.parametrize(
    ("text", "name", "says"),
    [
        ("onnxruntime vs pytorch downloads", "onnxruntime", "separate PyPI package from ONNX's `onnx`"),
        ("onnx runtime vs pytorch", "onnx runtime", "separate project from ONNX"),
        ("pypi:onnxruntime-gpu vs onnx", "onnxruntime-gpu", "`onnxruntime-gpu` is a separate PyPI package"),
        ("<https://github.com/microsoft/onnxruntime> vs onnx", "microsoft/onnxruntime", "separate project from ONNX"),
        ("npm:onnxruntime-web vs tfjs", "onnxruntime-web", "separate npm package"),
        ("torchvision vs jax downloads", "torchvision", "separate PyPI package from PyTorch's `torch`"),
        ("tf-keras vs keras downloads", "tf-keras", "separate PyPI package from Keras's `keras`"),
    ],
)
def test_a_separate_project_is_never_read_as_the_framework_its_name_resembles(text, name, says):
    for query in both(text):
        assert name in query.unknown, query
        assert says in query.not_tracked[name], query
        near = {"onnxruntime": "onnx", "onnx runtime": "onnx", "torchvision": "pytorch", "tf-keras": "keras"}
        if name in near and near[name] not in text.replace(name, ""):
            assert near[name] not in query.frameworks


def test_the_answer_to_a_separate_project_says_plainly_it_is_not_tracked_and_shows_no_figures(seeded_store):
    answer = answer_text(seeded_store, "onnxruntime vs pytorch downloads", today=TODAY)
    assert answer.kind == "clarify" and answer.title == "Not tracked"
    assert answer.comparisons == []
    assert answer.headline.startswith("I don't track “onnxruntime”")
    assert "a separate PyPI package from ONNX's `onnx`" in answer.headline
    assert any(line.startswith("I track: ") for line in answer.lines)


@pytest.mark.parametrize(
    ("text", "framework", "package", "primary"),
    [
        ("jaxlib vs pytorch downloads", "jax", "jaxlib", "jax"),
        ("tensorflow-gpu vs pytorch downloads", "tensorflow", "tensorflow-gpu", "tensorflow"),
        ("paddlepaddle-gpu vs pytorch downloads", "paddlepaddle", "paddlepaddle-gpu", "paddlepaddle"),
        ("pypi:lightning vs pytorch downloads", "lightning", "lightning", "pytorch-lightning"),
    ],
)
def test_a_second_package_of_a_project_is_read_as_it_with_a_note_naming_the_charted_package(
    text, framework, package, primary
):
    for query in both(text):
        assert query.frameworks[0] == framework
        note = next(n for n in query.notes if "second package" in n)
        assert f"for `{primary}`, not `{package}`" in note


def test_the_answer_for_a_second_package_titles_the_project_and_says_whose_downloads_it_shows(seeded_store):
    answer = answer_text(seeded_store, "jaxlib vs pytorch downloads", today=TODAY)
    assert answer.kind == "compare"
    assert "jaxlib" not in answer.title and "jaxlib" not in answer.headline
    assert any("download figures are for `jax`, not `jaxlib`" in n for n in answer.notes)


def test_plain_lightning_is_the_project_not_a_note_about_its_package():
    for query in both("lightning vs keras"):
        assert query.frameworks == ["lightning", "keras"]
        assert query.notes == []


@pytest.mark.parametrize(
    ("text", "names", "framework"),
    [
        ("pytorch vs torch", ("“pytorch”", "“torch”"), "PyTorch"),
        ("tf vs tensorflow stars", ("“tf”", "“tensorflow”"), "TensorFlow"),
        ("jax-ml/jax vs jax", ("“jax-ml/jax”", "“jax”"), "JAX"),
        ("sklearn vs scikit-learn vs keras", ("“sklearn”", "“scikit-learn”"), "scikit-learn"),
    ],
)
def test_two_names_of_one_project_in_one_question_are_named_in_the_answer(text, names, framework):
    for query in both(text):
        note = next(n for n in query.notes if "one project" in n)
        assert all(name in note for name in names) and f"one project, {framework}" in note


def test_the_answer_to_two_names_of_one_project_says_so(seeded_store):
    answer = answer_text(seeded_store, "pytorch vs torch stars", today=TODAY)
    assert answer.query.frameworks == ["pytorch"]
    assert "“pytorch” and “torch” are one project, PyTorch: I show it once." in answer.notes


# -- follow-ups, the CLI, the catalog ---------------------------------------------------------------
def test_a_follow_up_naming_a_project_by_url_or_slug_reads_it():
    previous = parse("pytorch vs tensorflow stars", today=TODAY)
    followed = apply_followup("what about jax-ml/jax?", previous, TODAY)
    assert followed is not None and followed.frameworks == ["pytorch", "tensorflow", "jax"]
    followed = understand("and <https://github.com/keras-team/keras>?", today=TODAY, context=previous)
    assert followed.frameworks == ["pytorch", "tensorflow", "keras"]


def test_a_follow_up_naming_a_second_package_carries_its_note():
    previous = parse("pytorch vs tensorflow downloads", today=TODAY)
    followed = understand("what about jaxlib?", today=TODAY, context=previous)
    assert followed.frameworks[-1] == "jax"
    assert any("not `jaxlib`" in n for n in followed.notes)


def test_a_follow_up_naming_a_separate_project_is_not_read_as_the_framework():
    previous = parse("pytorch vs tensorflow downloads", today=TODAY)
    followed = understand("what about onnxruntime?", today=TODAY, context=previous)
    assert "onnx" not in followed.frameworks
    assert followed.unknown == ["onnxruntime"]


def test_fwtrend_parse_shows_the_framework_ids_of_urls_and_slugs(capsys):
    assert main(["parse", "<https://github.com/pytorch/pytorch> vs google/jax"]) == 0
    parsed = json.loads(capsys.readouterr().out)
    assert parsed["frameworks"] == ["pytorch", "jax"] and parsed["intent"] == "compare"


def test_references_are_found_in_text_order():
    _, refs = find_refs("pypi:jaxlib vs https://github.com/pytorch/pytorch vs onnxruntime")
    assert [(r.framework, r.untracked) for r in refs] == [("jax", None), ("pytorch", None), (None, "onnxruntime")]


def test_a_separate_project_named_like_a_framework_stops_the_catalog(tmp_path: Path):
    path = tmp_path / "frameworks.toml"
    path.write_text(
        '[frameworks.onnx]\nname = "ONNX"\ncolour = "#546E7A"\npypi = ["onnx"]\n'
        'separate = [{ name = "onnx", what = "not ONNX" }]\n',
        encoding="utf-8",
    )
    with pytest.raises(CatalogError, match="separate from 'onnx' but names a framework"):
        load_catalog(path)


def test_a_malformed_former_slug_or_homepage_stops_the_catalog(tmp_path: Path):
    path = tmp_path / "frameworks.toml"
    for field in ('github_former = ["not a slug"]', 'homepage = ["https://pytorch.org"]'):
        path.write_text(f'[frameworks.x]\nname = "X"\ncolour = "#546E7A"\n{field}\n', encoding="utf-8")
        with pytest.raises(CatalogError, match=r"\[frameworks.x\]"):
            load_catalog(path)
