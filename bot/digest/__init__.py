"""Scheduled digests: a channel subscribes once and gets a short post every week (or day).

    subscriptions  the /fwtrend subscribe|unsubscribe|subscriptions commands and their table
    schedule       when a subscription is due (pure, time-zone and DST aware)
    compose        what moved in the period, from the store (pure)
    render         Block Kit, fallback text, chart and the terminal form
    post           `fwtrend digest` and the clock job: post each due digest exactly once

Importing the package registers its tables with the store's migrations.
"""

from bot.store import digests as _tables  # noqa: F401  (registers the migration)
