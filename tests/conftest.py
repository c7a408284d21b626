# The fake Slack fixtures (fake_slack, fake_slack_client) are shared by every test module.
pytest_plugins = ["tests.support.fake_slack"]
