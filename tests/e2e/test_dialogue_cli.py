"""End-to-end: ``beteiligung dialogue add`` records what makes an event accessible, which the
public page then shows."""

from __future__ import annotations


def test_an_activity_with_its_accessibility(make_cli, env, clock, journey):
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
