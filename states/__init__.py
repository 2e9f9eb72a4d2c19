"""The lifecycle as data: domain objects, the process definition and the guards.

Import rule: this package imports only the standard library and ``transitions``. No database,
no templates, no wall clock: guards are pure functions of the case and ``now``.
"""
