from slack_bolt import App

from bot.slack.blocks.modal import CALLBACK_ASK
from handlers.views.ask_modal import ask_submitted


def register(app: App) -> None:
    app.view(CALLBACK_ASK)(ask_submitted)
