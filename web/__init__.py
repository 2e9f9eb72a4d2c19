"""The web application (issue 5): an app factory over the same wiring as the CLI.

Import rule: ``states``, ``workflow``, ``storage``, ``notifications``, ``config`` and the web
libraries; the CLI starts it (``beteiligung serve``).
"""
