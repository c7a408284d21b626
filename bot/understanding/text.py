"""Text as it arrives (from Slack or a terminal) made ready to read, and the list of names not understood.

clean_text(text) -> (text, truncated)   Slack markup undone, unprintable characters out, at most MAX_TEXT
cut_words(text, limit) -> text          cut at a word boundary
add_unknown(unknown, name)              add a name not understood, without repeating part of another
"""

from __future__ import annotations

import re
import unicodedata

from bot.understanding.names import is_project_url

MAX_TEXT = 500
"""The longest text any reader reads, in characters; longer text is cut at a word and marked truncated."""


# An HTML-like tag (<script>, </b>, <br/>) typed as text; not a Slack link such as <https://…>.
_TAG = re.compile(r"</?[a-z][a-z0-9-]*(?:\s[^<>]*)?/?>", re.I)


def clean_text(text: str) -> tuple[str, bool]:
    """Undo Slack's markup and strip anything that is not printable text; cap the length at a word."""
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"<[@#!][^>]*>", " ", text)  # user, channel and special mentions
    # A link to a project (GitHub, PyPI, npm, a stats site, its web site) is read as that project;
    # another link by its label (what the user typed, which Slack auto-linked), and a bare one as its
    # address, which the readers name in the answer as a link they did not read.
    text = re.sub(r"<(https?://[^|>]*)(?:\|([^>]*))?>", _link, text)
    text = re.sub(r"<(?:mailto|tel):[^>]*>", " ", text)  # an address or a phone number names no framework
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _TAG.sub(" ", text)  # markup typed as text ("<script>") is not a name
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = re.sub(r"\s+", " ", text).strip()
    truncated = len(text) > MAX_TEXT
    return cut_words(text, MAX_TEXT), truncated


def _link(m: re.Match[str]) -> str:
    url, label = m[1], m[2]
    return f" {label} " if label and not is_project_url(url) else f" {url} "


def cut_words(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, dropping a word the cut would split."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    if not text[limit].isspace() and " " in head.strip():
        head = head.rsplit(" ", 1)[0]
    return head.strip()


def add_unknown(unknown: list[str], name: str) -> None:
    """Add an unknown name unless it repeats part of one already there ("script" after "script alert");
    a longer name replaces the shorter ones it contains."""
    if any(_contains(have, name) for have in unknown):
        return
    unknown[:] = [have for have in unknown if not _contains(name, have)]
    unknown.append(name)


def _contains(longer: str, shorter: str) -> bool:
    return f" {shorter} " in f" {longer} "
