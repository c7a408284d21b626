"""Live look-ups: a project no bundled file holds, found on PyPI, npm or GitHub while the asker waits.

`names` checks each name against its registry's naming rules before any URL is built; `registries` asks
PyPI's JSON API, npm's registry and GitHub's `/repos` what a name is and which repository its own metadata
names; `lookup` runs the whole look-up (limits, registries, history from the refresh job's sources) and
writes what came back in one transaction.
"""
