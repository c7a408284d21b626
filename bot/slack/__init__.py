"""The Slack layer: the only package besides handlers/ that imports slack_sdk or slack_bolt.

app            the Bolt app: settings, client, middleware, listeners from handlers/ (wiring only)
server         Socket Mode or HTTP (gunicorn + Flask) around the app
interactions   what happens after ack(): payload → Query → answer → Block Kit → Slack
worker         the answer worker: render processes, answer cache, Slack I/O threads
delivery       post (joining), upload, embed the chart, private fallback: answers and digests
errors         Slack error codes, plain messages, the capped retry on 429s
clients        Web API clients: one token, or one per workspace from OAuth (oauth: the install flow)
middleware     event de-duplication and service injection;  redaction: no token in a log line
messages       which message events carry a person's question;  asker_time: the asker's date
home           what the App Home shows;  subscriptions: the digest subscription commands
digest_delivery, pacing                  posting due digests exactly once (`fwtrend digest` is bot.cli.digest)
blocks/        Block Kit renderers (slack_sdk models): answer, home, digest, subscriptions, modal, layout
"""
