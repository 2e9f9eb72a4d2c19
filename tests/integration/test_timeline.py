"""The timeline chart of a process walked through several phases on the real databases:
stays read from the stored audit trail, deadlines from the deadlines table with the statuses
the engine gave them (missed, met, waived, open and overdue)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from beteiligung.states.case import Member
from beteiligung.workflow import content, deadlines, process
from beteiligung.workflow.timeline import gantt, process_timeline

BERLIN = ZoneInfo("Europe/Berlin")
STAMP = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}"
HEADER = re.compile(r"    (title [^:#;%\n]+|dateFormat YYYY-MM-DD HH:mm|axisFormat %\S+"
                    r"|section [^:#;%\n]+)")
TASK = re.compile(rf"    (?P<text>[^:#;%\n]+) :(?P<tags>(?:(?:active|done|crit|milestone), )*)"
                  rf"(?P<id>[sd]\d+), (?P<start>{STAMP}), (?P<end>{STAMP}|0d)")


def tasks(chart: str) -> list[dict[str, str]]:
    """Every task of the chart, each line checked against the gantt statements we write."""
    lines = chart.rstrip("\n").split("\n")
    assert lines[0] == "gantt"
    found, section = [], ""
    for line in lines[1:]:
        task = TASK.fullmatch(line)
        if task is None:
            assert HEADER.fullmatch(line), line
            section = line[12:] if line.startswith("    section ") else section
            continue
        found.append(task.groupdict() | {"section": section,
                                         "tags": task["tags"].rstrip(", ")})
    return found


def local(moment) -> str:
    return moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M")


def test_the_chart_of_a_walked_process_shows_stays_and_deadlines(env, clock, kit, engine):
    lead = kit.LEAD.email
    pid = kit.new_process(env, "Lindener Marktplatz: Umbau #2; Teil B")
    report = deadlines.add_deadline(env, lead, pid, "Bericht an den Ausschuss",
                                    clock() + timedelta(days=70))
    visit = deadlines.add_deadline(env, lead, pid, "Ortstermin", clock() + timedelta(days=90))
    clock.advance(days=61)  # the 60 days of 'initiated' are over
    process.advance(env, lead, pid, "set_up_begleitgruppe")
    content.set_begleitgruppe_requester(env, lead, pid, "politics")
    content.add_member(env, lead, pid, Member("Dr. Petra Nowak", "Stadtplanung (61)"))
    clock.advance(days=2)
    process.advance(env, lead, pid, "draft_concept")
    clock.advance(days=1)
    process.advance(env, lead, pid, "hold", "Haushaltssperre: bis zum Nachtrag")
    clock.advance(days=4)
    process.advance(env, lead, pid, "resume")
    deadlines.waive_deadline(env, lead, pid, visit, "entfällt")
    clock.advance(days=10, hours=3)  # the report was due 8 days ago, still open

    timeline = process_timeline(env, pid)
    chart = gantt(timeline, env.lifecycle.definition)
    found = tasks(chart)

    assert chart.split("\n")[1] == "    title Prozess 1 – Lindener Marktplatz： Umbau ＃2； Teil B"
    bars = [t for t in found if "milestone" not in t["tags"]]
    assert [(b["section"], b["text"], b["tags"]) for b in bars] == [
        ("Initiierung", "Initiierung", "done"),
        ("Einrichtung der Projektbegleitgruppe", "Einrichtung der Projektbegleitgruppe", "done"),
        ("Erstellung des Beteiligungskonzepts", "Erstellung des Beteiligungskonzepts – Teil 1",
         "done"),
        ("Erstellung des Beteiligungskonzepts", "Erstellung des Beteiligungskonzepts – Teil 2",
         "active"),
        ("Pausiert", "Pausiert – Haushaltssperre： bis zum Nachtrag", "done")]
    # bars begin and end where the stored transitions say, in Berlin time; the last runs to now
    entered = [e.at for e in process.history(env, pid)
               if e.action in ("process_created", "transition")]
    assert len(entered) == 5
    bounds = {b["id"]: (b["start"], b["end"]) for b in bars}
    assert [bounds[f"s{n}"] for n in range(1, 6)] == [
        (local(a), local(b)) for a, b in zip(entered, [*entered[1:], clock()], strict=True)]

    stored = {d.id: d for d in deadlines.list_deadlines(env, pid)}
    marks = {t["id"]: t for t in found if "milestone" in t["tags"]}
    assert set(marks) == {f"d{i}" for i in stored} and len(stored) == 7
    assert all(marks[f"d{i}"]["start"] == local(d.due_at) for i, d in stored.items())
    assert sorted((m["section"], m["tags"], stored[int(i[1:])].status)
                  for i, m in marks.items() if stored[int(i[1:])].kind == "phase") == [
        ("Einrichtung der Projektbegleitgruppe", "milestone, done", "met"),
        ("Erstellung des Beteiligungskonzepts", "milestone, active", "open"),
        ("Erstellung des Beteiligungskonzepts", "milestone, done", "waived"),
        ("Initiierung", "milestone, crit", "missed"),
        ("Pausiert", "milestone, done", "met")]
    # the pause interrupts the concept's dwell limit (waived, not met); after it, the limit
    # goes on where it stopped: 120 days from entering the concept, plus the 4 days on hold
    concept_entered, held, resumed = entered[2:5]
    limits = sorted((d for d in stored.values() if d.kind == "phase"
                     and d.ref.startswith("concept@")), key=lambda d: d.created_at)
    assert [(d.status, d.reason) for d in limits] == [("waived", "Prozess pausiert"),
                                                      ("open", "")]
    assert limits[1].due_at == concept_entered + (resumed - held) + timedelta(days=120)
    assert (marks[f"d{report}"]["tags"], marks[f"d{report}"]["section"]) == (
        "milestone, crit", "Initiierung")
    assert marks[f"d{report}"]["text"].endswith(", überfällig)")
    assert marks[f"d{visit}"]["tags"] == "milestone, done"
    assert marks[f"d{visit}"]["text"].endswith(", entfallen)")

    english = tasks(gantt(timeline, env.lifecycle.definition, "en"))
    assert [t["section"] for t in english if t["id"] == "s4"] == ["On hold"]
    assert {t["text"] for t in english if t["id"] == "s5"} == {
        "Drafting the participation concept – part 2"}
    assert [t["id"] for t in english] == [t["id"] for t in found]

