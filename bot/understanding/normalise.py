"""Plain-English text made regular before the English reader reads it: lower case, the few marks names
use, emoji as words, and period words spelt one way ("2 yrs" → "2 years", "last two years" → "last 2
years", "since '21" → "since 2021").
"""

from __future__ import annotations

import re

from bot.understanding.vocabulary import vocabulary

# Abbreviated units → the unit; the keys are regexes (alternatives), so they stay code.
UNIT_ABBREVIATIONS = {
    r"yrs?": "years", r"mos|mths?|mnths?": "months", r"wks?": "weeks", r"dys": "days",
}  # fmt: skip


def normalise(text: str) -> str:
    """Lower-case words, digits and the few marks names use (tf.keras, scikit-learn, c++)."""
    t = text.lower().replace("’", "'").replace("‘", "'").replace("“", " ").replace("”", " ")
    t = t.replace("⭐", " stars ").replace("🌟", " stars ").replace("🤗", " hugging face ")
    t = re.sub(r"@\w+|^/?fwtrend\b", " ", t)
    t = re.sub(r"'s\b", "", t)
    t = re.sub(r"n't\b", " not", t)
    t = re.sub(r"\bv\.?s\.?(?=\s|$)", " vs ", t)
    t = re.sub(r"[^\w\s.,&/+#'-]", " ", t)
    t = t.replace("'", " ")
    t = re.sub(r"(?<!\w)[.-]+|[.-]+(?!\w)", " ", t)  # sentence dots and dashes, not tf.keras
    t = t.replace("_", " ")
    return re.sub(r"\s+", " ", t).strip()


def normalise_period_words(t: str) -> str:
    """Period words in normalised text written the way the period readers read them."""
    for pattern, unit in UNIT_ABBREVIATIONS.items():
        t = re.sub(rf"(?<=\d)\s*(?:{pattern})\b|\b(?<=\s)(?:{pattern})\b(?=\s|$)", f" {unit}", t)
    t = re.sub(r"\bhalf (?:a )?year\b|\b6 month period\b", "6 months", t)
    t = re.sub(r"\b(?:the )?(?:last|past) quarter\b", "last 3 months", t)
    for word, n in sorted(vocabulary().number_words.items(), key=lambda kv: -len(kv[0])):
        t = re.sub(rf"\b(last|past|previous|recent)\s+{word}\s+(day|week|month|year)s?\b", rf"\1 {n} \2s", t)
    t = re.sub(r"\b(?:previous|recent)\s+(\d+)\s+(day|week|month|year)", r"last \1 \2", t)
    t = re.sub(
        r"\b(since|in|from|after|before|until|till|til|through|thru) '?(\d{2})\b(?!\d)", lambda m: f"{m[1]} 20{m[2]}", t
    )
    t = re.sub(r"\b(?:during|for|throughout|across)\s+(\d{4})\b", r"in \1", t)
    t = re.sub(r"\b(\d{4})\s+(?:onwards?|and later|or later|and after)\b", r"since \1", t)
    t = re.sub(r"\bfrom (\d{4}) (?:through|thru|till|until|up to) (\d{4})\b", r"from \1 to \2", t)
    return re.sub(r"\bso far this year\b|\bthis year so far\b|\byear to date\b", "ytd", t)


def cut(t: str, m: re.Match[str]) -> str:
    """`t` without the match `m`."""
    return (t[: m.start()] + " " + t[m.end() :]).strip()
