"""Message events not addressed to the app (a channel it was added to, edits and deletions in its DM):
acknowledged and dropped, so Slack does not redeliver them."""


def ignore_message() -> None:
    """Bolt acks on return; there is nothing to do."""
