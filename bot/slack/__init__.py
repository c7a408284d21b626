"""The Slack layer: the only package besides handlers/ that imports slack_sdk or slack_bolt."""
