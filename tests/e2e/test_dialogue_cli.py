"""End-to-end: ``beteiligung dialogue add`` records what makes an event accessible, which the
public page then shows."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path


def _journey():
    name = "_beteiligung_tests_workflow_journey"
    if name not in sys.modules:
        path = Path(__file__).parents[1] / "workflow" / "journey.py"
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_an_activity_with_its_accessibility(make_cli, env, clock):
    journey = _journey()
    pid = journey.new_process(env).id
    journey.advance_to(env, pid, "dialogue", clock)
    cli = make_cli()
    cli("dialogue", "add", str(pid), "--format", "Planungswerkstatt", "--mode", "on_site",
        "--date", "2026-04-01", "--place", "Freizeitheim Linden",
        "--accessibility", "Stufenloser Zugang, Gebärdensprache")
    cli("dialogue", "add", str(pid), "--format", "Online-Dialog", "--mode", "online",
        "--date", "2026-04-02", "--place", "beteiligung.hannover.de")
    first, second = journey.current(env, pid).activities[-2:]
    assert first.accessibility == "Stufenloser Zugang, Gebärdensprache"
    assert second.accessibility == ""
    assert "--accessibility TEXT" in cli("dialogue", "add", "--help").stdout
