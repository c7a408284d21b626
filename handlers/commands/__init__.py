from slack_bolt import App

from handlers.commands.fwtrend import fwtrend_command


def register(app: App) -> None:
    app.command("/fwtrend")(fwtrend_command)
