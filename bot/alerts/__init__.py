"""Alerts and milestones, without Slack: what a channel asked to be told (`commands`), which conditions the
stored figures meet as of a date (`conditions`, pure; `check`, over the store) and what each says (`wording`).

Posting each crossing exactly once is `bot.slack.alert_delivery`; the alert tables are `bot.store.alerts`.
"""
