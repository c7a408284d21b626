"""The fake Slack's link unfurling: what `link_shared` told the app, and `chat.unfurl` with Slack's errors.

Slack lets an app unfurl only links it was sent in a `link_shared` event, addressed either by the message
(`channel` + `ts`) or, for links still in the composer or just posted, by `unfurl_id` + `source`. Errors
as Slack documents them for chat.unfurl (https://docs.slack.dev/reference/methods/chat.unfurl/):
`missing_channel`, `missing_ts`, `cannot_find_channel`, `missing_unfurls`, `invalid_unfurls_format`,
`cannot_find_message`, `cannot_unfurl_url` (a URL no link_shared event named), and
`cannot_parse_attachment` for unfurl blocks Block Kit refuses (recorded as a refusal, so the test that
sent them fails).
"""

from __future__ import annotations

import threading
from typing import Any

from tests.support.block_kit_rules import blocks_errors, refusal

JsonDict = dict[str, Any]


class SlackError(Exception):
    def __init__(self, error: str):
        super().__init__(error)
        self.error = error


class FakeUnfurls:
    """Mixed into `FakeSlack`, which provides `_lock`, `_refusals` and `_channel`, and answers a raised
    `SlackError` with Slack's `{"ok": false, "error": ...}`."""

    _lock: threading.Lock
    _refusals: list[tuple[str, list[str]]]

    def _shared(self) -> dict[tuple[str, str, str], set[str]]:
        if not hasattr(self, "_shared_links"):
            self._shared_links: dict[tuple[str, str, str], set[str]] = {}
        return self._shared_links

    def share_links(
        self, urls: list[str], *, channel: str, ts: str, unfurl_id: str | None = None, source: str | None = None
    ) -> None:
        """Record that a link_shared event named `urls` (what Slack knows before the app may unfurl them)."""
        with self._lock:
            shared = self._shared()
            shared.setdefault(("message", channel, ts), set()).update(urls)
            if unfurl_id and source:
                shared.setdefault(("unfurl", unfurl_id, source), set()).update(urls)

    def forget_links(self) -> None:
        with self._lock:
            self._shared().clear()

    def _refuses_newer_blocks(self) -> bool:
        """Whether this fake's workspace was told to refuse table/data_visualization (`refuse_data_blocks`);
        chat.unfurl carries no team of its own here, and the unfurl tests use one workspace."""
        with self._lock:
            return self.team_id in getattr(self, "_classic_teams", set())  # type: ignore[attr-defined]

    def _fail(self, error: str) -> Exception:
        return SlackError(error)

    def _api_chat_unfurl(self, params: JsonDict) -> JsonDict:
        from tests.support.fake_slack import _maybe_json  # the one JSON-or-form reader

        unfurl_id, source = params.get("unfurl_id"), params.get("source")
        if unfurl_id or source:
            if not (unfurl_id and source):
                raise self._fail("invalid_arguments")  # Slack needs the two together
            key = ("unfurl", str(unfurl_id), str(source))
        else:
            channel, ts = params.get("channel"), params.get("ts")
            if not channel:
                raise self._fail("missing_channel")
            if not ts:
                raise self._fail("missing_ts")
            try:
                self._channel(str(channel))  # type: ignore[attr-defined]
            except Exception:
                raise self._fail("cannot_find_channel") from None
            key = ("message", str(channel), str(ts))
        unfurls = _maybe_json(params.get("unfurls"))
        if not unfurls:
            raise self._fail("missing_unfurls")
        if not isinstance(unfurls, dict) or not all(isinstance(v, dict) for v in unfurls.values()):
            raise self._fail("invalid_unfurls_format")
        with self._lock:
            shared = set(self._shared().get(key, set()))
        if not shared:
            raise self._fail("cannot_find_message")
        for url, unfurl in unfurls.items():
            if url not in shared:
                raise self._fail("cannot_unfurl_url")
            newer = [b for b in unfurl.get("blocks") or [] if b.get("type") in ("table", "data_visualization")]
            if newer and self._refuses_newer_blocks():
                raise self._fail("invalid_blocks")
            problems = blocks_errors(unfurl["blocks"], at=f"/unfurls/{url}/blocks") if "blocks" in unfurl else []
            if problems:
                with self._lock:
                    self._refusals.append(("chat.unfurl", refusal(problems)["errors"]))
                raise self._fail("cannot_parse_attachment")
        return {}
