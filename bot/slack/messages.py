"""Which Slack message events carry a person's question: the one place that decides it.

Every listener that reads what someone wrote (`message.im` DMs, `app_mention` in channels and threads)
asks `question_in(event)`. Slack marks non-plain messages with a `subtype`
(https://docs.slack.dev/reference/events/message). Only a few of them are a person writing:

- no subtype: a plain message;
- `file_share`: a message with a file attached (`user`, `text` and `files`; `text` may be empty);
- `thread_broadcast`: a thread reply also sent to the channel (`user`, `text`, `thread_ts`, `root`);
- `me_message`: `/me is wondering about jax vs flax` (`user`, `text`).

A message a person forwards or shares into the conversation ("Share message" / forward) arrives as one of
those with the original under `attachments`, marked `is_share: true` (its `text`, `author_id`,
`from_url`, `channel_id`, `ts`, `message_blocks`, sometimes `files`); the typed `text` is often empty.
With no words of their own, the shared message's text is the question. Link previews (attachments
without `is_share`) are Slack's decoration, never a question.

Everything else is bookkeeping or another app's voice and is ignored quietly: `bot_message`,
`message_changed` / `message_deleted` / `message_replied` (edits, deletions, thread reply counts: answering
an edit would answer the same question twice), `channel_join` / `channel_leave` / `group_join`,
`channel_topic` / `channel_purpose` / `channel_name`, `channel_archive`, `tombstone`, `ekm_access_denied`,
`assistant_app_thread` (the title of an assistant thread, not a question), `huddle_thread`, ... It is an
allow-list on purpose: a subtype Slack adds later is ignored until someone decides it is a person's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# The subtypes (None: no subtype) whose `text` a person typed to us.
PERSON_SUBTYPES: frozenset[str | None] = frozenset({None, "file_share", "thread_broadcast", "me_message"})

_MENTION = re.compile(r"<@[UW][A-Z0-9]+(?:\|[^>]*)?>")

# Someone shared a file, an image or a message with no words we can read. In a DM or an @mention they
# addressed us directly, so silence would look like the app is broken (and the house rule is: never a
# silent drop). A short reply says what we can read and how to ask; it does not guess a question from a
# file we cannot read.
FILE_WITHOUT_QUESTION = (
    "I can only read the words of a message, not files or images. "
    "Type your question, e.g. `pytorch vs tensorflow` or `jax stars since 2022`."
)


@dataclass(frozen=True)
class Asked:
    """A person's question found in a message event.

    `text` is as typed (mentions included; the reader strips them), or, when the person typed no words,
    the text of a message they shared; `has_files` says files or a shared message came with it;
    `thread_ts` is the thread the message is in (None for a top-level message).
    """

    text: str
    user: str
    has_files: bool
    thread_ts: str | None

    @property
    def only_files(self) -> bool:
        """Something shared without a readable question (nothing but mentions and spaces around it)."""
        return self.has_files and not _words(self.text)


def _words(text: str) -> str:
    return _MENTION.sub("", text).strip()


def _shared(event: dict[str, Any]) -> list[dict[str, Any]]:
    """The messages shared or forwarded in this one (attachments marked `is_share`)."""
    attachments = event.get("attachments")
    if not isinstance(attachments, list):
        return []
    return [a for a in attachments if isinstance(a, dict) and a.get("is_share")]


def _shared_text(shared: list[dict[str, Any]]) -> str:
    """The words of the shared messages, in order ("" when they carry none, e.g. only an image)."""
    return " ".join(t for a in shared if (t := str(a.get("text") or "").strip()))


def question_in(event: dict[str, Any], *, bot_user_id: str | None = None) -> Asked | None:
    """The question a message or `app_mention` event carries, or None when no person asked one.

    None for: subtypes outside `PERSON_SUBTYPES`, anything an app or bot sent (`bot_id`, or our own bot
    user, e.g. the file_share echo of a chart we uploaded into a DM), events without a `user`, and
    messages with neither text, files nor a shared message. The person's own words win over a message
    they shared; with none, the shared message's words are the question (mentions in `text` are kept
    before them, so a mention still reads as addressed to us).
    """
    if event.get("subtype") not in PERSON_SUBTYPES:
        return None
    user = event.get("user")
    if not user or event.get("bot_id") or (bot_user_id and user == bot_user_id):
        return None
    text = str(event.get("text") or "")
    shared = _shared(event)
    if shared and not _words(text):
        text = f"{text.strip()} {_shared_text(shared)}".strip()
    has_files = bool(event.get("files")) or bool(shared)
    if not text.strip() and not has_files:
        return None
    return Asked(text=text, user=str(user), has_files=has_files, thread_ts=event.get("thread_ts"))
