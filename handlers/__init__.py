"""Bolt listeners, grouped by kind like Slack's bolt-python samples; each package has `register(app)`."""

from slack_bolt import App

from handlers import actions, commands, events, views


def register_all(app: App, *, many_workspaces: bool = False) -> None:
    commands.register(app)
    events.register(app, many_workspaces=many_workspaces)
    actions.register(app)
    views.register(app)
