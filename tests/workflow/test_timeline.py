"""The timeline of a process as a Mermaid Gantt chart: stays from hand-made audit trails,
milestones from hand-made deadlines, the use case on the fakes.

Every chart is read back by ``parse``, which lexes each line with the rules of Mermaid's gantt
lexer (``packages/mermaid/src/diagrams/gantt/parser/gantt.jison``, first matching rule wins, as
in jison) in two versions: the older one (comments at '#', text and sections end at ':', '#'
and ';') and the one of Mermaid 11 (comments at '%', ``gantt\\b``, ``weekend``). A chart passes
only when each line is exactly one statement under both, with nothing read as a comment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from beteiligung.config.settings import HERE
from beteiligung.states.deadlines import Deadline
from beteiligung.states.definition import load_definition
from beteiligung.states.errors import NotFound
from beteiligung.workflow import deadlines as deadline_cases
from beteiligung.workflow import process
from beteiligung.workflow.ports import AuditEvent
from beteiligung.workflow.timeline import (
    MAX_REASON,
    MAX_TEXT,
    build,
    gantt,
    process_timeline,
    sanitise,
)

DEFINITION = load_definition(HERE / "process_definition.toml")
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Berlin (winter time)
LEAD = "anna.lehmann@hannover-stadt.de"
COORDINATOR = "koordination@hannover-stadt.de"

# --- a reader of Mermaid gantt text ----------------------------------------------------------

SKIP, SPACE = "comment", "space"
_HEAD = [(r"%%\{", "directive"), (r"accTitle\s*:\s*", "accTitle"),
         (r"accDescr\s*:\s*", "accDescr"), (r"accDescr\s*\{\s*", "accDescr"),
         (r"%%[^\n]*", SKIP), (r"[^}]%%*[^\n]*", SKIP), (r"%%*[^\n]*[\n]*", SKIP),
         (r"[\n]+", "NL"), (r"\s+", SPACE)]
_CLICK = [(r'href[\s]+["]', "href"), (r"call[\s]+", "call"), (r"click[\s]+", "click")]
_OLD = _HEAD + [(r"\#[^\n]*", SKIP), (r"%%[^\n]*", SKIP)] + _CLICK + [
    (r"gantt", "gantt"), (r"dateFormat\s[^#\n;]+", "dateFormat"),
    (r"inclusiveEndDates", "keyword"), (r"topAxis", "keyword"),
    (r"axisFormat\s[^#\n;]+", "axisFormat"), (r"tickInterval\s[^#\n;]+", "keyword"),
    (r"includes\s[^#\n;]+", "keyword"), (r"excludes\s[^#\n;]+", "keyword"),
    (r"todayMarker\s[^\n;]+", "keyword"), (r"weekday\s[^#\n;]+", "keyword"),
    (r"\d\d\d\d-\d\d-\d\d", "date"), (r"title\s[^#\n;]+", "title"),
    (r"accDescription\s[^#\n;]+", "keyword"), (r"section\s[^#:\n;]+", "section"),
    (r"[^#:\n;]+", "taskTxt"), (r":[^#\n;]+", "taskData"), (r":", ":"), (r".", "INVALID")]
_NEW = _HEAD + [(r"%[^\n]*", SKIP)] + _CLICK + [
    (r"gantt\b", "gantt"), (r"dateFormat\s[^#\n;]+", "dateFormat"),
    (r"inclusiveEndDates\b", "keyword"), (r"topAxis\b", "keyword"),
    (r"axisFormat\s[^#\n;]+", "axisFormat"), (r"tickInterval\s[^#\n;]+", "keyword"),
    (r"includes\s[^#\n;]+", "keyword"), (r"excludes\s[^#\n;]+", "keyword"),
    (r"todayMarker\s[^\n;]+", "keyword"),
    (r"weekday\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", "keyword"),
    (r"weekend\s+(friday|saturday)\b", "keyword"), (r"\d\d\d\d-\d\d-\d\d\b", "date"),
    (r"title\s[^\n]+", "title"), (r"accDescription\s[^#\n;]+", "keyword"),
    (r"section\s[^\n]+", "section"), (r"[^:\n]+", "taskTxt"), (r":[^#\n;]+", "taskData"),
    (r":", ":"), (r".", "INVALID")]
LEXERS = {name: [(re.compile(p, re.IGNORECASE), t) for p, t in rules]
          for name, rules in (("old", _OLD), ("new", _NEW))}
STATEMENTS = (["gantt"], ["title"], ["dateFormat"], ["axisFormat"], ["section"],
              ["taskTxt", "taskData"])
TAGS = ("active", "done", "crit", "milestone")


def lex(line: str, lexer: str) -> list[tuple[str, str]]:
    """The tokens of one line, first matching rule first (as jison does); spaces dropped."""
    tokens, pos = [], 0
    while pos < len(line):
        for pattern, kind in LEXERS[lexer]:
            found = pattern.match(line, pos)
            if found and found.end() > pos:
                if kind != SPACE:
                    tokens.append((kind, found.group()))
                pos = found.end()
                break
    return tokens


@dataclass(frozen=True)
class Task:
    section: str
    text: str
    tags: tuple[str, ...]
    ident: str
    start: datetime  # local time, as written
    end: datetime | None  # None: a milestone ("0d")


@dataclass(frozen=True)
class Chart:
    header: dict[str, str]
    sections: list[str]
    tasks: list[Task]

    def bars(self) -> list[Task]:
        return [t for t in self.tasks if "milestone" not in t.tags]

    def marks(self) -> list[Task]:
        return [t for t in self.tasks if "milestone" in t.tags]

    def in_section(self, section: str) -> list[Task]:
        return [t for t in self.tasks if t.section == section]


def parse(text: str) -> Chart:
    """Read a chart back, asserting it is valid gantt syntax line by line."""
    assert text.endswith("\n")
    lines = text[:-1].split("\n")
    assert lines[0] == "gantt"
    header: dict[str, str] = {}
    sections: list[str] = []
    tasks: list[Task] = []
    for line in lines[1:]:
        assert line.startswith("    ") and line.strip(), repr(line)
        for lexer in LEXERS:
            tokens = lex(line, lexer)
            assert [k for k, _ in tokens] in STATEMENTS, (lexer, line, tokens)
            assert "".join(v for _, v in tokens) == line.strip(), (lexer, line, tokens)
        kind, value = lex(line, "new")[0]
        if kind in ("title", "dateFormat", "axisFormat"):
            header[kind] = value.split(" ", 1)[1]
        elif kind == "section":
            sections.append(value.split(" ", 1)[1])
        else:
            assert sections, "a task before the first section"
            tasks.append(_task(sections[-1], value, lex(line, "new")[1][1]))
    assert header.get("dateFormat") == "YYYY-MM-DD HH:mm"
    idents = [t.ident for t in tasks]
    assert len(idents) == len(set(idents)), idents
    assert all(chart_section for chart_section in sections)
    assert all(any(t.section == s for t in tasks) for s in sections), "an empty section"
    return Chart(header, sections, tasks)


def _task(section: str, text: str, data: str) -> Task:
    items = [item.strip() for item in data[1:].split(",")]
    tags = []
    while items and items[0] in TAGS:
        tags.append(items.pop(0))
    assert len(items) == 3, data
    ident, start, end = items
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", ident), ident
    begin = datetime.strptime(start, "%Y-%m-%d %H:%M")
    if "milestone" in tags:
        assert end == "0d", data
        return Task(section, text.strip(), tuple(tags), ident, begin, None)
    finish = datetime.strptime(end, "%Y-%m-%d %H:%M")
    assert finish >= begin, data
    return Task(section, text.strip(), tuple(tags), ident, begin, finish)


# --- hand-made trails ------------------------------------------------------------------------


def trail(*steps: tuple) -> list[AuditEvent]:
    """Events from ``(hours after T0, action, from, to[, reason[, payload]])``."""
    events = []
    for seq, (hours, action, source, dest, *rest) in enumerate(steps, start=1):
        reason = rest[0] if rest else ""
        payload = rest[1] if len(rest) > 1 else {}
        events.append(AuditEvent(7, seq, T0 + timedelta(hours=hours), LEAD, action, source,
                                 dest, reason, payload, "", ""))
    return events


def deadline(did: int, kind: str, ref: str, title: str, due: datetime, created: datetime,
             status: str = "open") -> Deadline:
    closed = created + timedelta(days=1) if status in ("met", "waived") else None
    return Deadline(did, 7, kind, ref, title, due, created, status, kind != "custom",
                    closed_at=closed)


def chart(events, deadlines=(), now=None, title="Lindener Marktplatz", lang="de") -> Chart:
    timeline = build(7, title, events, deadlines, now or T0 + timedelta(days=30))
    return parse(gantt(timeline, DEFINITION, lang))


DAY = 24
WALK = [(0, "process_created", None, "initiated"),
        (1, "process_edited", "initiated", "initiated"),
        (2, "transition_refused", "initiated", None),
        (3 * DAY, "transition", "initiated", "begleitgruppe", "", {"trigger": "x"}),
        (4 * DAY, "permission_refused", "begleitgruppe", "begleitgruppe"),
        (10 * DAY, "transition", "begleitgruppe", "concept")]


def test_each_stay_is_a_bar_from_entering_to_leaving_and_the_current_one_runs_to_now():
    now = T0 + timedelta(days=12, hours=5)
    shown = chart(trail(*WALK), now=now)

    assert shown.header["title"] == "Prozess 7 – Lindener Marktplatz"
    assert shown.sections == ["Initiierung", "Einrichtung der Projektbegleitgruppe",
                              "Erstellung des Beteiligungskonzepts"]
    bars = shown.bars()
    assert [(b.section, b.text) for b in bars] == [(s, s) for s in shown.sections]
    assert [b.tags for b in bars] == [("done",), ("done",), ("active",)]
    # 09:00 UTC is 10:00 in Berlin in March; each bar ends where the next begins
    assert [(b.start, b.end) for b in bars] == [
        (datetime(2026, 3, 2, 10, 0), datetime(2026, 3, 5, 10, 0)),
        (datetime(2026, 3, 5, 10, 0), datetime(2026, 3, 12, 10, 0)),
        (datetime(2026, 3, 12, 10, 0), datetime(2026, 3, 14, 15, 0))]
    assert shown.header["axisFormat"] == "%d.%m.%Y"


def test_times_are_shown_in_berlin_summer_time_too():
    summer = datetime(2026, 7, 1, 9, 30, tzinfo=UTC)
    events = [AuditEvent(7, 1, summer, LEAD, "process_created", None, "initiated", "", {},
                         "", "")]
    due = datetime(2026, 8, 30, 21, 59, 59, tzinfo=UTC)  # the end of the day in Berlin
    shown = chart(events, [deadline(3, "phase", f"initiated@{summer.isoformat()}",
                                    "Phase Initiierung", due, summer)],
                  now=summer + timedelta(days=3))
    (bar,) = shown.bars()
    (mark,) = shown.marks()
    assert bar.start == datetime(2026, 7, 1, 11, 30)
    assert mark.start == datetime(2026, 8, 30, 23, 59)
    assert "fällig 30.08.2026" in mark.text


ROUNDS = [(0, "process_created", None, "initiated"),
          (1 * DAY, "transition", "initiated", "begleitgruppe"),
          (2 * DAY, "transition", "begleitgruppe", "concept"),
          (3 * DAY, "transition", "concept", "pre_reporting"),
          (4 * DAY, "transition", "pre_reporting", "on_hold", "Haushaltssperre bis zum Nachtrag"),
          (9 * DAY, "transition", "on_hold", "pre_reporting"),
          (10 * DAY, "transition", "pre_reporting", "dialogue"),
          (20 * DAY, "transition", "dialogue", "interim_results"),
          (30 * DAY, "transition", "interim_results", "dialogue", "", {"round": 2}),
          (40 * DAY, "transition", "dialogue", "interim_results"),
          (50 * DAY, "transition", "interim_results", "decision")]


def test_a_second_round_and_a_pause_show_every_stay_as_a_bar_of_its_own():
    shown = chart(trail(*ROUNDS), now=T0 + timedelta(days=55))

    assert shown.sections == ["Initiierung", "Einrichtung der Projektbegleitgruppe",
                              "Erstellung des Beteiligungskonzepts", "Vorberichterstattung",
                              "Pausiert", "Dialog (online und vor Ort)", "Zwischenergebnisse",
                              "Entscheidung"]
    assert len(shown.bars()) == len(ROUNDS)
    assert [b.text for b in shown.in_section("Vorberichterstattung")] == [
        "Vorberichterstattung – Teil 1", "Vorberichterstattung – Teil 2"]
    assert [b.text for b in shown.in_section("Pausiert")] == [
        "Pausiert – Haushaltssperre bis zum Nachtrag"]
    dialogue = shown.in_section("Dialog (online und vor Ort)")
    assert [b.text for b in dialogue] == ["Dialog (online und vor Ort) – Runde 1",
                                          "Dialog (online und vor Ort) – Runde 2"]
    assert [b.start.day for b in dialogue] == [12, 1]  # 12 March, 1 April
    assert [b.text for b in shown.in_section("Zwischenergebnisse")] == [
        "Zwischenergebnisse – Runde 1", "Zwischenergebnisse – Runde 2"]
    assert [b.tags for b in shown.bars()].count(("active",)) == 1
    assert shown.in_section("Entscheidung")[0].tags == ("active",)
    pause = shown.in_section("Pausiert")[0]
    assert (pause.start, pause.end) == (datetime(2026, 3, 6, 10, 0), datetime(2026, 3, 11, 10, 0))


def test_a_round_interrupted_by_a_pause_shows_its_parts():
    events = trail(*ROUNDS[:7],
                   (12 * DAY, "transition", "dialogue", "on_hold", "Sommerpause"),
                   (14 * DAY, "transition", "on_hold", "dialogue"),
                   (20 * DAY, "transition", "dialogue", "interim_results"),
                   (30 * DAY, "transition", "interim_results", "dialogue", "", {"round": 2}))
    shown = chart(events, now=T0 + timedelta(days=31))
    assert [(b.text, b.tags) for b in shown.in_section("Dialog (online und vor Ort)")] == [
        ("Dialog (online und vor Ort) – Runde 1, Teil 1", ("done",)),
        ("Dialog (online und vor Ort) – Runde 1, Teil 2", ("done",)),
        ("Dialog (online und vor Ort) – Runde 2", ("active",))]
    assert [b.text for b in shown.in_section("Pausiert")] == [
        "Pausiert – Teil 1 – Haushaltssperre bis zum Nachtrag", "Pausiert – Teil 2 – Sommerpause"]
    english = chart(events, now=T0 + timedelta(days=31), lang="en")
    assert [b.text for b in english.in_section("Dialogue (online and on site)")][1] == \
        "Dialogue (online and on site) – round 1, part 2"


def test_a_process_on_hold_shows_the_hold_running_until_now():
    now = T0 + timedelta(days=6)
    shown = chart(trail(*ROUNDS[:5]), now=now)
    *_, paused, hold = shown.bars()
    assert (hold.section, hold.text, hold.tags) == (
        "Pausiert", "Pausiert – Haushaltssperre bis zum Nachtrag", ("active",))
    assert hold.end == datetime(2026, 3, 8, 10, 0)
    assert (paused.section, paused.tags) == ("Vorberichterstattung", ("done",))


def test_deadlines_are_milestones_with_their_status_in_the_phase_they_arose_in():
    events = trail(*WALK)
    at = [e.at for e in events]
    now = T0 + timedelta(days=20)
    items = [
        deadline(1, "phase", f"initiated@{at[0].isoformat()}", "Phase Initiierung",
                 T0 + timedelta(days=60), at[0], "met"),
        deadline(2, "custom", "Bericht", "Bericht an den Ausschuss", T0 + timedelta(days=2),
                 at[1], "missed"),
        deadline(3, "custom", "Presse", "Pressemitteilung", T0 + timedelta(days=15),
                 at[3], "open"),
        deadline(4, "phase", f"concept@{at[5].isoformat()}",
                 "Phase Erstellung des Beteiligungskonzepts", T0 + timedelta(days=130), at[5]),
        deadline(5, "custom", "Ortstermin", "Ortstermin", T0 + timedelta(days=8), at[4],
                 "waived"),
    ]
    shown = chart(events, items, now=now)

    marks = {m.ident: m for m in shown.marks()}
    assert set(marks) == {"d1", "d2", "d3", "d4", "d5"}
    assert marks["d1"].tags == ("milestone", "done") and "eingehalten" in marks["d1"].text
    assert marks["d2"].tags == ("milestone", "crit") and "versäumt" in marks["d2"].text
    assert marks["d3"].tags == ("milestone", "crit") and "überfällig" in marks["d3"].text
    assert marks["d4"].tags == ("milestone", "active") and "(fällig" in marks["d4"].text
    assert marks["d4"].text.endswith(", offen)")
    assert marks["d5"].tags == ("milestone", "done") and "entfallen" in marks["d5"].text
    assert marks["d3"].start == datetime(2026, 3, 17, 10, 0)  # at the due time, in Berlin
    # each in the section of the phase that was current when it arose
    assert {m.ident: m.section for m in shown.marks()} == {
        "d1": "Initiierung", "d2": "Initiierung",
        "d3": "Einrichtung der Projektbegleitgruppe",
        "d5": "Einrichtung der Projektbegleitgruppe",
        "d4": "Erstellung des Beteiligungskonzepts"}
    # the bar first, then its deadlines by due time
    assert [t.ident for t in shown.in_section("Einrichtung der Projektbegleitgruppe")] == [
        "s2", "d5", "d3"]


def test_steps_taken_at_one_instant_keep_each_deadline_with_its_own_phase():
    """Several steps at one instant (a script, the demo) leave several stays around it."""
    events = trail((0, "process_created", None, "initiated"),
                   (0, "transition", "initiated", "begleitgruppe"),
                   (DAY, "transition", "begleitgruppe", "concept"),
                   (2 * DAY, "transition", "concept", "pre_reporting"),
                   (2 * DAY, "transition", "pre_reporting", "dialogue"),
                   (3 * DAY, "transition", "dialogue", "interim_results"),
                   (4 * DAY, "transition", "interim_results", "dialogue", "", {"round": 2}))
    at = [e.at for e in events]
    later = T0 + timedelta(days=90)
    items = [deadline(1, "phase", f"initiated@{at[0].isoformat()}", "Phase Initiierung", later,
                      at[0], "met"),
             deadline(2, "phase", f"begleitgruppe@{at[1].isoformat()}",
                      "Phase Einrichtung der Projektbegleitgruppe", later, at[1], "met"),
             deadline(3, "custom", "x", "Pressetermin", later, at[1]),
             deadline(4, "interim_comments", "round 1", "Kommentierungsfrist (Runde 1)", later,
                      at[6], "met"),
             deadline(5, "phase", f"dialogue@{at[6].isoformat()}", "Phase Dialog", later, at[6])]
    shown = chart(events, items, now=T0 + timedelta(days=5))
    assert {m.ident: m.section for m in shown.marks()} == {
        "d1": "Initiierung", "d2": "Einrichtung der Projektbegleitgruppe",
        "d3": "Einrichtung der Projektbegleitgruppe", "d4": "Zwischenergebnisse",
        "d5": "Dialog (online und vor Ort)"}
    assert [t.ident for t in shown.in_section("Dialog (online und vor Ort)")] == [
        "s5", "s7", "d5"]
    zero = shown.in_section("Vorberichterstattung")[0]
    assert zero.start == zero.end  # a phase passed through at once has a bar of no length


def test_a_closed_or_cancelled_process_ends_in_a_milestone_without_an_active_bar():
    closing = trail(*WALK, (11 * DAY, "transition", "concept", "closed"))
    ended = chart(closing, now=T0 + timedelta(days=40))
    assert ended.sections[-1] == "Abgeschlossen"
    (end,) = ended.in_section("Abgeschlossen")
    assert end.tags == ("milestone", "done") and end.start == datetime(2026, 3, 13, 10, 0)
    assert all(b.tags == ("done",) for b in ended.bars())
    assert ended.bars()[-1].end == datetime(2026, 3, 13, 10, 0)

    cancelling = trail(*WALK, (11 * DAY, "transition", "concept", "cancelled",
                               "Antrag zurückgezogen"))
    (stop,) = chart(cancelling).in_section("Abgebrochen")
    assert (stop.text, stop.tags) == ("Abgebrochen – Antrag zurückgezogen",
                                      ("milestone", "crit"))


def test_english_labels_with_lang_en():
    events = trail(*ROUNDS[:4])
    at = events[-1].at
    items = [deadline(1, "phase", f"pre_reporting@{at.isoformat()}", "Phase Vorberichterstattung",
                      at + timedelta(days=30), at),
             deadline(2, "concept_comments", "concept", "Kommentierungsfrist zum Konzept",
                      at + timedelta(days=1), at, "met"),
             deadline(3, "interim_comments", "round 2",
                      "Kommentierungsfrist der Zwischenergebnisse (Runde 2)",
                      at + timedelta(days=2), at, "met"),
             deadline(4, "suggestion_answer", "3", "Antwort auf Anregung 3",
                      at + timedelta(days=3), at, "met"),
             deadline(5, "evaluation", "evaluation", "Evaluation", at + timedelta(days=4), at,
                      "met"),
             deadline(6, "custom", "x", "Bericht an den Ausschuss", at + timedelta(days=5), at,
                      "waived")]
    shown = chart(events, items, now=at + timedelta(days=1), lang="en")

    assert shown.header["title"] == "Process 7 – Lindener Marktplatz"
    assert shown.header["axisFormat"] == "%Y-%m-%d"
    assert shown.sections == ["Initiation", "Setting up the Projektbegleitgruppe",
                              "Drafting the participation concept", "Pre-reporting"]
    texts = [m.text for m in shown.marks()]
    assert texts == [
        "Comment period on the concept (due 2026-03-06, met)",
        "Comment period on the interim results (round 2) (due 2026-03-07, met)",
        "Answer to suggestion 3 (due 2026-03-08, met)",
        "Evaluation (due 2026-03-09, met)",
        "Bericht an den Ausschuss (due 2026-03-10, waived)",
        "Phase Pre-reporting (due 2026-04-04, open)"]


def test_phases_left_on_the_day_they_were_entered_keep_their_length_and_order():
    same_day = trail((0, "process_created", None, "initiated"),
                     (0.25, "transition", "initiated", "begleitgruppe"),
                     (1.5, "transition", "begleitgruppe", "concept"))
    shown = chart(same_day, now=T0 + timedelta(hours=3))
    assert [(b.start.strftime("%H:%M"), b.end.strftime("%H:%M")) for b in shown.bars()] == [
        ("10:00", "10:15"), ("10:15", "11:30"), ("11:30", "13:00")]
    assert shown.header["axisFormat"] == "%d.%m. %H:%M"


NASTY = ["Marktplatz: Umbau", "#2 Lindener Markt", "Bericht; Teil 2", "Zeile 1\nZeile 2\r\n",
         "5% mehr Grün", "%% kein Kommentar", "section 3 des Berichts", "Title page",
         "click here", "Call for ideas", "Gantt-Plan", "2026-05-01 Bericht", "accDescr { x",
         "accTitle: x", "excludes weekends", "weekday monday", "\x00\x07Steuerzeichen",
         "Tab\there", "Trenner\u2028Zeile", "kaputt \udcff", "", "   ", "x" * 600,
         "Ende}%%", "a%%b", "%%{init: {}}%%"]


@pytest.mark.parametrize("text", NASTY)
def test_no_text_can_break_the_chart(text):
    events = trail((0, "process_created", None, "initiated"),
                   (5, "transition", "initiated", "on_hold", text))
    items = [deadline(9, "custom", "x", text, T0 + timedelta(days=3), T0)]
    shown = chart(events, items, title=text)  # parse() lexes every line under both lexers

    cleaned = sanitise(text)
    assert "\n" not in cleaned and not set(cleaned) & set(":#;%")
    assert 0 < len(cleaned) <= MAX_TEXT
    assert shown.header["title"] == sanitise(f"Prozess 7 – {text}")
    (hold,) = shown.in_section("Pausiert")
    assert hold.text == (f"Pausiert – {sanitise(text, MAX_REASON)}" if text.strip()
                         else "Pausiert")
    (mark,) = shown.marks()
    assert (mark.ident, mark.text) == ("d9", f"{cleaned} (fällig 05.03.2026, überfällig)")


def test_sanitised_texts_stay_readable():
    assert sanitise("Marktplatz: Umbau #2; 5% mehr") == "Marktplatz： Umbau ＃2； 5％ mehr"
    assert sanitise("Zeile 1\r\n  Zeile 2\t!") == "Zeile 1 Zeile 2 !"
    assert sanitise("Section 3") == "\u200bSection 3"
    assert sanitise("2026-05-01 Bericht") == "\u200b2026-05-01 Bericht"
    assert sanitise("Bericht vom 2026-05-01") == "Bericht vom 2026-05-01"
    assert sanitise("") == "–"
    assert sanitise("x" * 600) == "x" * (MAX_TEXT - 1) + "…"


@pytest.mark.parametrize("line", [
    "    Marktplatz: Umbau :done, s1, 2026-03-02 10:00, 2026-03-03 10:00",
    "    #2 Markt :done, s1, 2026-03-02 10:00, 2026-03-03 10:00",
    "    5% mehr :done, s1, 2026-03-02 10:00, 2026-03-03 10:00",
    "    section 3 :done, s1, 2026-03-02 10:00, 2026-03-03 10:00",
    "    2026-05-01 Bericht :done, s1, 2026-03-02 10:00, 2026-03-03 10:00",
    "    Bericht; Teil 2 :done, s1, 2026-03-02 10:00, 2026-03-03 10:00",
    "    title Prozess #2"])
def test_the_reader_refuses_what_mermaid_would_misread(line):
    """The check above is only worth something if it fails on unsanitised text."""
    head = "gantt\n    dateFormat YYYY-MM-DD HH:mm\n    section A\n"
    with pytest.raises(AssertionError):
        parse(f"{head}{line}\n")
    if ":done" in line:  # the same line with its text sanitised is read as one task
        text, data = line.strip().rsplit(" :", 1)
        (task,) = parse(f"{head}    {sanitise(text)} :{data}\n").tasks
        assert (task.text, task.ident) == (sanitise(text), "s1")


def test_the_use_case_reads_trail_and_deadlines_through_the_ports(env, clock, journey):
    pid = journey.new_process(env).id
    clock.advance(days=61)  # the first phase's 60 days are over: its deadline is missed
    process.advance(env, LEAD, pid, "set_up_begleitgruppe")
    clock.advance(days=2)
    own = deadline_cases.add_deadline(env, LEAD, pid, "Bericht: Ausschuss #1",
                                      clock() + timedelta(days=10))
    clock.advance(hours=5)  # 4 May 2026, 14:00 UTC

    timeline = process_timeline(env, pid)
    assert [s.phase for s in timeline.stays] == ["initiated", "begleitgruppe"]
    assert timeline.now == clock() and timeline.stays[-1].end is None
    assert [(m.kind, m.status, m.stay) for m in timeline.milestones] == [
        ("phase", "missed", 0), ("custom", "open", 1), ("phase", "open", 1)]
    shown = parse(gantt(timeline, env.lifecycle.definition))
    assert f"d{own}" in {m.ident for m in shown.marks()}
    # 16:00 in Berlin, summer time
    assert shown.bars()[-1].end == datetime(2026, 5, 4, 16, 0)

    with pytest.raises(NotFound):
        process_timeline(env, pid + 1)
    with pytest.raises(NotFound):
        process_timeline(env, 999)


def test_every_deadline_status_has_words_and_a_tag():
    from beteiligung.states.deadlines import STATUSES
    from beteiligung.web.staff_texts import STATUSES as PAGE_WORDS
    from beteiligung.workflow.timeline import TAGS, WORDS

    for status in STATUSES:
        assert WORDS[status][0] != status and WORDS[status][1], status
        assert status in TAGS and PAGE_WORDS[status][0] != status, status
