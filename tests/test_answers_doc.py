"""docs/answers.md is what tools/answers_doc.py writes from the real engine today: a change to any answer
shows up as a failing test until the document is written again."""

from __future__ import annotations

import re

from tools import answers_doc


def test_docs_answers_md_is_up_to_date_with_the_engine(seeded_store):
    text, pngs = answers_doc.build(seeded_store)
    current = answers_doc.DOC.read_text(encoding="utf-8")
    assert current == text, "docs/answers.md is out of date: run python tools/answers_doc.py"
    linked = set(re.findall(r"\]\(answers/([\w-]+\.png)\)", current))
    assert linked == set(pngs)
    for name in linked:
        assert (answers_doc.PNG_DIR / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_every_kind_of_answer_is_in_the_doc(seeded_store):
    kinds = {e.slug for e in answers_doc.EXAMPLES}
    assert {"compare", "profile", "leaderboard", "growth", "crossover", "gap", "help", "clarify"} <= kinds
    text = answers_doc.DOC.read_text(encoding="utf-8")
    assert '"type": "table"' in text and '"type": "data_visualization"' in text
    assert "The chart is on a log scale" in text and "since its first figure in the source" in text
