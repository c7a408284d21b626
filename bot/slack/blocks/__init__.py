"""Block Kit renderers (slack_sdk block models): answers, the App Home, digests, subscription replies,
the ask modal, and `layout` for fitting long text into Slack's boxes."""
