from slack_bolt import App

from handlers.events.app_home_opened import app_home_opened
from handlers.events.app_mention import app_mention
from handlers.events.link_shared import link_shared
from handlers.events.message_im import in_a_dm, message_im
from handlers.events.other_messages import ignore_message
from handlers.events.uninstalled import uninstalled


def register(app: App, *, many_workspaces: bool = False) -> None:
    app.event("app_mention")(app_mention)
    app.event("app_home_opened")(app_home_opened)
    app.event("link_shared")(link_shared)
    # Only DMs to the app (message.im is the one message event the manifest subscribes to). Bolt's event
    # constraints match only type and subtype, so the channel type needs a matcher of its own; inside DMs,
    # `bot.slack.messages.question_in` decides which subtypes are questions.
    app.event("message", matchers=[in_a_dm])(message_im)
    # Any other message event (a channel the app was added to) is not addressed to us: ack it quietly.
    app.event("message")(ignore_message)
    if not many_workspaces:  # with OAuth, Bolt's token-revocation listeners handle these
        app.event("app_uninstalled")(uninstalled)
        app.event("tokens_revoked")(uninstalled)
