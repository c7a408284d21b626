"""Answering a Query from the store: figures, wording and the answer model (no Slack)."""
