"""Notifications: e-mail templates, the outbox and its sender (built in issue 3).

Import rule: imports ``states`` and ``workflow`` only; never ``config``, ``cli`` or ``web``.
"""
