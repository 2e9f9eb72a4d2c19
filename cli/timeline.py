"""Handler of ``history ID --format mermaid``: the process's phases and deadlines as a Mermaid
Gantt chart (German labels, English with ``--lang en``); ``--json`` adds the timeline's data."""

from __future__ import annotations

import argparse

from ..states.codec import to_plain
from ..workflow.timeline import gantt, process_timeline
from .commands import wired
from .render import lang, print_json


def mermaid(args: argparse.Namespace) -> int:
    env = wired()
    timeline = process_timeline(env, args.id)
    chart = gantt(timeline, env.lifecycle.definition, lang(args))
    if getattr(args, "json", False):
        print_json(to_plain(timeline) | {"mermaid": chart})
    else:
        print(chart, end="")
    return 0
