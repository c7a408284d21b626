import re

from slack_bolt import App

from bot.slack.blocks.answer import ACTION_CSV, ACTION_METRIC, ACTION_PERIOD, ACTION_SHARE, ACTION_SUGGEST
from bot.slack.blocks.clarify import ACTION_READING
from bot.slack.blocks.home import ACTION_ASK
from handlers.actions.answer_buttons import change_answer, share_in_channel
from handlers.actions.figures_csv import figures_as_csv
from handlers.actions.home_ask import open_ask_modal

# A reading of a name that means two things is answered like a suggestion: the message redrawn in place.
_BUTTONS = (ACTION_METRIC, ACTION_PERIOD, ACTION_SUGGEST, ACTION_READING)
SWITCHES = re.compile(rf"^(?:{'|'.join(re.escape(a) for a in _BUTTONS)})\..+$")


def register(app: App) -> None:
    app.action(SWITCHES)(change_answer)
    app.action(ACTION_SHARE)(share_in_channel)
    app.action(ACTION_CSV)(figures_as_csv)
    app.action(ACTION_ASK)(open_ask_modal)
