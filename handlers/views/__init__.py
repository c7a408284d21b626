from slack_bolt import App

from handlers.views.ask_modal import CALLBACK_ASK, ask_submitted


def register(app: App) -> None:
    app.view(CALLBACK_ASK)(ask_submitted)
