"""Block Kit as Slack checks it: the documented limits, per block and element type, as data.

``message_errors(payload)`` / ``view_errors(view)`` return Slack-style problems, each a
``Problem(message, pointer)`` such as ``must be more than 0 characters`` at ``/blocks/2/text/text``;
``refusal(problems)`` turns them into the body Slack answers with::

    {"ok": false, "error": "invalid_blocks",
     "errors": ["must be more than 0 characters [json-pointer:/blocks/2/text/text]"],
     "response_metadata": {"messages": ["[ERROR] must be more than 0 characters [json-pointer:/blocks/2/text/text]"]}}

Limits are from docs.slack.dev (reference/block-kit: blocks, block elements, composition objects,
surfaces): section text 1–3000 and fields ≤10 of ≤2000; header plain_text ≤150; context 1–10
elements; actions 1–25 elements; button text plain_text ≤75, value ≤2000, action_id ≤255, url ≤3000;
image image_url ≤3000 or slack_file, alt_text ≤2000; block_id ≤255, unique; 50 blocks a message,
100 a modal or Home tab; modal title/submit/close plain_text ≤24. Message wording copies Slack's
("must be less than 3001 characters", "no more than 50 items allowed", "must provide at least 1 items").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000


@dataclass(frozen=True)
class Problem:
    message: str
    pointer: str

    def __str__(self) -> str:
        return f"{self.message} [json-pointer:{self.pointer}]"


def refusal(problems: list[Problem], error: str = "invalid_blocks") -> JsonDict:
    """The body Slack answers a refused message or view with."""
    return {
        "ok": False,
        "error": error,
        "errors": [str(p) for p in problems],
        "response_metadata": {"messages": [f"[ERROR] {p}" for p in problems]},
    }


# -- field specs -----------------------------------------------------------------------------------
Check = Callable[[Any, str, list[Problem]], None]


@dataclass(frozen=True)
class Text:
    """A text object: plain_text only where Slack says so, text 1..max characters."""

    max: int
    plain_only: bool = False

    def __call__(self, value: Any, at: str, out: list[Problem]) -> None:
        if not isinstance(value, dict):
            out.append(Problem("must be an object", at))
            return
        kind = value.get("type")
        allowed = ("plain_text",) if self.plain_only else ("plain_text", "mrkdwn")
        if kind not in allowed:
            out.append(Problem(f"must be a valid enum value ({' or '.join(allowed)})", f"{at}/type"))
        if "text" not in value:
            out.append(Problem("missing required field: text", at))
        else:
            _string(value["text"], f"{at}/text", out, 1, self.max)
        if "emoji" in value and kind != "plain_text":
            out.append(Problem("emoji is only allowed on plain_text", f"{at}/emoji"))


@dataclass(frozen=True)
class Str:
    max: int
    min: int = 1

    def __call__(self, value: Any, at: str, out: list[Problem]) -> None:
        _string(value, at, out, self.min, self.max)


@dataclass(frozen=True)
class Enum:
    values: tuple[str, ...]

    def __call__(self, value: Any, at: str, out: list[Problem]) -> None:
        if value not in self.values:
            out.append(Problem("must be a valid enum value", at))


@dataclass(frozen=True)
class Items:
    """A list of min..max items, each checked by ``item``."""

    item: Check
    max: int
    min: int = 1

    def __call__(self, value: Any, at: str, out: list[Problem]) -> None:
        if not isinstance(value, list):
            out.append(Problem("must be an array", at))
            return
        if len(value) < self.min:
            out.append(Problem(f"must provide at least {self.min} items", at))
        if len(value) > self.max:
            out.append(Problem(f"no more than {self.max} items allowed", at))
        for i, item in enumerate(value):
            self.item(item, f"{at}/{i}", out)


@dataclass(frozen=True)
class Obj:
    """An object by its ``type``: known keys checked, required keys present, ``one_of`` groups satisfied."""

    fields: dict[str, Check]
    required: tuple[str, ...] = ()
    one_of: tuple[tuple[str, ...], ...] = ()
    """Each group: at least one key of it must be present (``exactly`` makes it exactly one)."""
    exactly: bool = False

    def __call__(self, value: Any, at: str, out: list[Problem]) -> None:
        for key in self.required:
            if key not in value:
                out.append(Problem(f"missing required field: {key}", at))
        for group in self.one_of:
            present = [k for k in group if k in value]
            if not present or (self.exactly and len(present) > 1):
                names = " or ".join(f"`{k}`" for k in group)
                out.append(Problem(f"must define {'exactly one' if self.exactly else 'either'} of {names}", at))
        for key, check in self.fields.items():
            if key in value:
                check(value[key], f"{at}/{key}", out)


@dataclass(frozen=True)
class ByType:
    """A union chosen by the object's ``type`` key (blocks, elements)."""

    kinds: dict[str, Obj] = field(default_factory=dict)
    name: str = "type"

    def __call__(self, value: Any, at: str, out: list[Problem]) -> None:
        if not isinstance(value, dict):
            out.append(Problem("must be an object", at))
            return
        kind = value.get("type")
        rule = self.kinds.get(kind) if isinstance(kind, str) else None
        if rule is None:
            out.append(Problem(f"unsupported type: {kind}", f"{at}/type"))
            return
        rule(value, at, out)


def _string(value: Any, at: str, out: list[Problem], low: int, high: int) -> None:
    if not isinstance(value, str):
        out.append(Problem("must be a string", at))
    elif len(value) < low:
        out.append(Problem(f"must be more than {low - 1} characters", at))
    elif len(value) > high:
        out.append(Problem(f"must be less than {high + 1} characters", at))


# -- composition objects and elements --------------------------------------------------------------
URL = Str(3000)
ACTION_ID = Str(255)
SLACK_FILE = Obj({"id": Str(255), "url": URL}, one_of=(("id", "url"),), exactly=True)
CONFIRM = Obj(
    {"title": Text(100, True), "text": Text(300), "confirm": Text(30, True), "deny": Text(30, True)},
    required=("title", "text", "confirm", "deny"),
)
OPTION = Obj(
    {"text": Text(75, True), "value": Str(150), "description": Text(75, True), "url": URL},
    required=("text", "value"),
)
OPTION_MRKDWN = Obj({"text": Text(75), "value": Str(150), "description": Text(75)}, required=("text", "value"))

BUTTON = Obj(
    {
        "text": Text(75, True),
        "action_id": ACTION_ID,
        "value": Str(2000),
        "url": URL,
        "style": Enum(("primary", "danger")),
        "confirm": CONFIRM,
        "accessibility_label": Str(75),
    },
    required=("text",),
)
IMAGE_ELEMENT = Obj(
    {"image_url": URL, "slack_file": SLACK_FILE, "alt_text": Str(2000)},
    required=("alt_text",),
    one_of=(("image_url", "slack_file"),),
    exactly=True,
)
_SELECT_COMMON: dict[str, Check] = {"action_id": ACTION_ID, "placeholder": Text(150, True), "confirm": CONFIRM}
STATIC_SELECT = Obj(
    {**_SELECT_COMMON, "options": Items(OPTION, 100), "initial_option": OPTION},
    one_of=(("options", "option_groups"),),
)
OVERFLOW = Obj({"action_id": ACTION_ID, "options": Items(OPTION, 5), "confirm": CONFIRM}, required=("options",))
PLAIN_TEXT_INPUT = Obj({"action_id": ACTION_ID, "placeholder": Text(150, True), "initial_value": Str(3000, 0)})
CHOICES = Obj({"action_id": ACTION_ID, "options": Items(OPTION_MRKDWN, 10)}, required=("options",))
LOOSE = Obj({"action_id": ACTION_ID, "placeholder": Text(150, True)})

INTERACTIVE = ByType(
    {
        "button": BUTTON,
        "static_select": STATIC_SELECT,
        "overflow": OVERFLOW,
        "checkboxes": CHOICES,
        "radio_buttons": CHOICES,
        "datepicker": LOOSE,
        "timepicker": LOOSE,
        "datetimepicker": LOOSE,
        "users_select": LOOSE,
        "conversations_select": LOOSE,
        "channels_select": LOOSE,
        "external_select": LOOSE,
        "multi_static_select": STATIC_SELECT,
        "multi_users_select": LOOSE,
        "multi_conversations_select": LOOSE,
        "multi_channels_select": LOOSE,
        "multi_external_select": LOOSE,
    }
)
ACCESSORY = ByType({**INTERACTIVE.kinds, "image": IMAGE_ELEMENT})
INPUT_ELEMENT = ByType({**INTERACTIVE.kinds, "plain_text_input": PLAIN_TEXT_INPUT, "number_input": LOOSE})
CONTEXT_ELEMENT = ByType(
    {
        "mrkdwn": Obj({"text": Str(3000)}, required=("text",)),
        "plain_text": Obj({"text": Str(3000)}, required=("text",)),
        "image": IMAGE_ELEMENT,
    }
)

RICH_INLINE = ByType(
    {
        "text": Obj({"text": Str(4000)}, required=("text",)),
        "link": Obj({"url": URL, "text": Str(4000)}, required=("url",)),
        "user": Obj({"user_id": Str(64)}, required=("user_id",)),
        "channel": Obj({"channel_id": Str(64)}, required=("channel_id",)),
        "usergroup": Obj({"usergroup_id": Str(64)}, required=("usergroup_id",)),
        "emoji": Obj({"name": Str(100)}, required=("name",)),
        "broadcast": Obj({"range": Enum(("here", "channel", "everyone"))}, required=("range",)),
        "date": Obj({"timestamp": lambda v, at, out: None}, required=("timestamp",)),
        "color": Obj({"value": Str(32)}, required=("value",)),
    }
)
RICH_SECTION = Obj({"elements": Items(RICH_INLINE, 1000, min=0)}, required=("elements",))
RICH_ELEMENT = ByType(
    {
        "rich_text_section": RICH_SECTION,
        "rich_text_preformatted": RICH_SECTION,
        "rich_text_quote": RICH_SECTION,
        "rich_text_list": Obj(
            {"elements": Items(RICH_SECTION, 1000), "style": Enum(("bullet", "ordered"))},
            required=("elements", "style"),
        ),
    }
)

# -- blocks ----------------------------------------------------------------------------------------
BLOCK_ID = Str(255)
BLOCKS: dict[str, Obj] = {
    "section": Obj(
        {"block_id": BLOCK_ID, "text": Text(3000), "fields": Items(Text(2000), 10), "accessory": ACCESSORY},
        one_of=(("text", "fields"),),
    ),
    "header": Obj({"block_id": BLOCK_ID, "text": Text(150, True)}, required=("text",)),
    "context": Obj({"block_id": BLOCK_ID, "elements": Items(CONTEXT_ELEMENT, 10)}, required=("elements",)),
    "actions": Obj({"block_id": BLOCK_ID, "elements": Items(INTERACTIVE, 25)}, required=("elements",)),
    "divider": Obj({"block_id": BLOCK_ID}),
    "image": Obj(
        {
            "block_id": BLOCK_ID,
            "image_url": URL,
            "slack_file": SLACK_FILE,
            "alt_text": Str(2000),
            "title": Text(2000, True),
        },
        required=("alt_text",),
        one_of=(("image_url", "slack_file"),),
        exactly=True,
    ),
    "rich_text": Obj({"block_id": BLOCK_ID, "elements": Items(RICH_ELEMENT, 1000)}, required=("elements",)),
    "markdown": Obj({"block_id": BLOCK_ID, "text": Str(12_000)}, required=("text",)),
    "input": Obj(
        {
            "block_id": BLOCK_ID,
            "label": Text(2000, True),
            "hint": Text(2000, True),
            "element": INPUT_ELEMENT,
        },
        required=("label", "element"),
    ),
}
# Where each block may appear (docs: "Available in surfaces").
SURFACES: dict[str, frozenset[str]] = {
    "message": frozenset(BLOCKS),
    "modal": frozenset(BLOCKS) - {"markdown"},
    "home": frozenset(BLOCKS) - {"markdown"},
}


def blocks_errors(blocks: Any, *, surface: str = "message", at: str = "/blocks") -> list[Problem]:
    """Every problem Slack would report for this list of blocks on ``surface`` (message, modal, home)."""
    out: list[Problem] = []
    if not isinstance(blocks, list):
        return [Problem("must be an array", at)]
    limit = MAX_MESSAGE_BLOCKS if surface == "message" else MAX_VIEW_BLOCKS
    if len(blocks) > limit:
        out.append(Problem(f"no more than {limit} items allowed", at))
    allowed = ByType({k: v for k, v in BLOCKS.items() if k in SURFACES[surface]} | _data_blocks(surface))
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        allowed(block, f"{at}/{i}", out)
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen:
                out.append(Problem(f"duplicate block_id: {block_id}", f"{at}/{i}/block_id"))
            seen.add(block_id)
    if surface == "message":
        from tests.support.block_kit_data_blocks import data_block_counts

        out += data_block_counts(blocks, at)
    return out


def _data_blocks(surface: str) -> dict[str, Obj]:
    """`table` and `data_visualization` (their rules live in `block_kit_data_blocks`, imported late: it
    builds on the specs above)."""
    from tests.support.block_kit_data_blocks import DATA_BLOCKS, DATA_SURFACES

    return {k: v for k, v in DATA_BLOCKS.items() if k in DATA_SURFACES[surface]}


def message_errors(payload: JsonDict) -> list[Problem]:
    """A message (chat.postMessage/postEphemeral/update, response_url): its blocks and its text."""
    out: list[Problem] = []
    blocks = payload.get("blocks")
    if blocks is not None:
        out += blocks_errors(blocks)
    text = payload.get("text")
    if isinstance(text, str) and len(text) > MAX_MESSAGE_TEXT:
        out.append(Problem(f"must be less than {MAX_MESSAGE_TEXT + 1} characters", "/text"))
    return out


VIEWS: dict[str, Obj] = {
    "modal": Obj(
        {
            "title": Text(24, True),
            "submit": Text(24, True),
            "close": Text(24, True),
            "callback_id": Str(255),
            "private_metadata": Str(3000, 0),
            "external_id": Str(255),
        },
        required=("title", "blocks"),
    ),
    "home": Obj(
        {"callback_id": Str(255), "private_metadata": Str(3000, 0), "external_id": Str(255)}, required=("blocks",)
    ),
}


def view_errors(view: Any) -> list[Problem]:
    """A modal or Home tab view (views.open/update/push/publish)."""
    if not isinstance(view, dict):
        return [Problem("must be an object", "/view")]
    kind = view.get("type")
    if kind not in VIEWS:
        return [Problem(f"unsupported type: {kind}", "/view/type")]
    out: list[Problem] = []
    VIEWS[kind](view, "/view", out)
    blocks = view.get("blocks", [])
    out += blocks_errors(blocks, surface=kind, at="/view/blocks")
    has_input = any(isinstance(b, dict) and b.get("type") == "input" for b in blocks if isinstance(blocks, list))
    if kind == "modal" and has_input and "submit" not in view:
        out.append(Problem("submit is required when a modal has input blocks", "/view"))
    return out
