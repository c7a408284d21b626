"""Block Kit renderers: answers, App Home and digests as Slack messages."""
