"""Entrypoint: the ``beteiligung`` command. It parses, calls a use case and prints.

Import rule: may import every layer (through ``config.bootstrap`` for wiring); nothing
imports it. It holds no rules.
"""
