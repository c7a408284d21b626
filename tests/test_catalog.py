"""The framework catalog: what it holds and how a broken one is reported."""

from __future__ import annotations

import pytest

from bot.catalog import CatalogError, catalog, load_catalog

CONTRACT_IDS = {
    "pytorch",
    "tensorflow",
    "jax",
    "keras",
    "scikit-learn",
    "transformers",
    "mxnet",
    "onnx",
    "flax",
    "paddlepaddle",
    "lightning",
}


def test_the_contract_frameworks_are_tracked():
    assert set(catalog().ids()) == CONTRACT_IDS


@pytest.mark.parametrize(
    "alias, fid",
    [
        ("torch", "pytorch"),
        ("tf", "tensorflow"),
        ("sklearn", "scikit-learn"),
        ("hf transformers", "transformers"),
        ("pytorch lightning", "lightning"),
        ("TFJS", "tensorflow"),
    ],
)
def test_contract_aliases(alias, fid):
    assert catalog().resolve(alias) == fid


def test_every_framework_has_a_colour_and_a_github_repo():
    for fw in catalog():
        assert fw.colour.startswith("#") and fw.github


def test_a_broken_entry_names_the_file_entry_and_field(tmp_path):
    path = tmp_path / "frameworks.toml"
    path.write_text('[frameworks.caffe]\nname = "Caffe"\ncolour = "red"\n')
    with pytest.raises(CatalogError) as exc:
        load_catalog(path)
    message = str(exc.value)
    assert str(path) in message and "[frameworks.caffe]" in message and "colour" in message


def test_a_name_given_to_two_frameworks_is_refused(tmp_path):
    path = tmp_path / "frameworks.toml"
    path.write_text(
        '[frameworks.a]\nname = "A"\ncolour = "#000000"\naliases = ["x"]\n'
        '[frameworks.b]\nname = "B"\ncolour = "#000000"\naliases = ["x"]\n'
    )
    with pytest.raises(CatalogError, match="'x'"):
        load_catalog(path)


def test_an_unreadable_catalog_is_reported(tmp_path):
    path = tmp_path / "frameworks.toml"
    path.write_text("[frameworks.a\n")
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(path)
