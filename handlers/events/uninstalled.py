"""`app_uninstalled` / `tokens_revoked` with one workspace's token: nothing to forget, but say so in the log.

(With many workspaces, Bolt's own token-revocation listeners delete the installation instead.)"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger("fwtrend.events")


def uninstalled(event: dict[str, Any], context: Any) -> None:
    log.warning(
        "Slack says fwtrend was uninstalled or its tokens revoked (%s, team %s): answers and digests there "
        "stop until it is reinstalled and SLACK_BOT_TOKEN updated",
        event.get("type"),
        context.team_id,
    )
