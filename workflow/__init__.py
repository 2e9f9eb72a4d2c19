"""The use cases: one function per thing a lead or coordinator does.

Each loads through the unit of work, checks permission and rules, changes the case, appends
the audit event and commits once. Ports are ``typing.Protocol`` classes in ``workflow.ports``.
Import rule: imports ``states`` and the standard library only; never ``storage``, ``config``,
``cli`` or any database or template library.
"""
