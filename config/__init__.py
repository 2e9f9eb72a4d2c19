"""Wiring: the settings object, the default definition and district list, and ``bootstrap``.

``bootstrap`` is the one place where engines, clocks and the lifecycle machine are built;
nothing is built at import time.
Import rule: may import every layer below (``states``, ``workflow``, ``storage``,
``notifications``); never ``cli`` or ``web``.
"""
