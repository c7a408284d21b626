"""A first refresh against the recordings fills the store with every source's figures, labelled by method."""

from __future__ import annotations


def test_first_run_succeeds_for_every_source(harness):
    report = harness.run()
    assert report.reasons() == []
    assert report.exit_code == 0
    assert {u.source for u in report.units} == {
        "github", "pypistats", "clickhouse", "npm", "stackexchange", "huggingface", "arxiv"
    }
