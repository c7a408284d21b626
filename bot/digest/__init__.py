"""Scheduled digests: a channel subscribes once and gets a short post every week (or day).

    subscriptions  the subscription table, the `subscribe` arguments and what subscribing saves
    schedule       when a subscription is due (pure, time-zone and DST aware)
    compose        what moved in the period, from the store (pure)
    render         the digest's wording, its chart and the terminal form

Nothing here knows Slack: the Block Kit message is `bot.slack.blocks.digest`, the replies to the
subscription commands `bot.slack.subscriptions`, and posting each due digest exactly once
`bot.slack.digest_delivery` (its lease and ledger are `bot.store.digests`).

Importing the package registers its tables with the store's migrations.
"""

from bot.store import digests as _tables  # noqa: F401  (registers the migration)
