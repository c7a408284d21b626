"""Understanding text: the slash grammar, plain English, names and follow-ups (no Slack)."""
