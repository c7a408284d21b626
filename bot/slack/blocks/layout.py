"""Laying long text out in Slack's boxes without losing any of it.

Slack refuses a whole message whose section text is empty or over 3000 characters, or that has
more than 50 blocks. These helpers split text at line breaks (then spaces) into pieces that fit,
pack short pieces together when there are too many, and, only when even that cannot fit, end with
a line saying how much was left out and where to see it. Nothing here knows about answers.
"""

from __future__ import annotations

SECTION_LIMIT = 3000
# Slack also refuses a message whose blocks hold ~13,000 characters in all (`msg_blocks_too_long`,
# undocumented: slackapi/bolt-js#2509), so the body of an answer keeps well under that.
BODY_CHARS = 9000


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """`text` in pieces of 1..limit characters: cut at line breaks, else at spaces, else anywhere.

    Empty or blank text gives no pieces (Slack refuses an empty text object)."""
    pieces: list[str] = []
    rest = text.strip("\n")
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip("\n ")
    pieces.append(rest)
    return [p for p in pieces if p.strip()]


def paragraphs(lines: list[str]) -> list[str]:
    """Blank lines separate paragraphs; with no blank line, each line is its own paragraph."""
    if "" not in (line.strip() for line in lines):
        return [line for line in lines if line.strip()]
    out: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            out[-1].append(line)
        elif out[-1]:
            out.append([])
    return ["\n".join(p) for p in out if p]


def pack(pieces: list[str], limit: int = SECTION_LIMIT, sep: str = "\n") -> list[str]:
    """Join consecutive pieces (each already ≤ limit) into as few texts of ≤ limit characters as keeps order."""
    out: list[str] = []
    for piece in pieces:
        if out and len(out[-1]) + len(sep) + len(piece) <= limit:
            out[-1] += sep + piece
        else:
            out.append(piece)
    return out


def body_sections(lines: list[str], *, max_sections: int, more: str, chars: int = BODY_CHARS) -> list[str]:
    """Section texts for an answer's lines: one a paragraph while they fit in `max_sections`, packed
    when there are more, and, past `max_sections` or `chars` in all, a last section
    "…N more lines not shown here: {more}." so nothing is cut without a word."""
    pieces = [piece for para in paragraphs(lines) for piece in split_text(para)]
    if len(pieces) > max_sections:
        pieces = pack(pieces, sep="\n\n" if "" in lines else "\n")
    shown: list[str] = []
    used = 0
    for piece in pieces:
        if len(shown) == max_sections - 1 or used + len(piece) > chars:
            break
        shown.append(piece)
        used += len(piece)
    if len(shown) == len(pieces):
        return shown
    hidden = sum(1 for piece in pieces[len(shown) :] for line in piece.split("\n") if line.strip())
    where = f": {more}" if more else ""
    return [*shown, f"_…{hidden} more line{'s' if hidden != 1 else ''} not shown here{where}._"]


def code_sections(table: str, limit: int = SECTION_LIMIT) -> list[str]:
    """A monospace table as ```code``` sections of ≤ limit characters, the header row repeated in each."""
    fence = "```\n{}\n```"
    if len(fence.format(table)) <= limit:
        return [fence.format(table)]
    header, *rows = table.split("\n")
    room = limit - len(fence.format("")) - len(header) - 1
    out: list[str] = []
    for chunk in pack([r[:room] for r in rows], room):
        out.append(fence.format(f"{header[: limit - 9]}\n{chunk}" if chunk else header[: limit - 8]))
    return out
