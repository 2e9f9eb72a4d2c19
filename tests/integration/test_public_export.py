"""The public list (``beteiligung export public``) on the real databases, through the use cases.

The main test walks one process through every phase and exports all three formats after each
step. Unique marker strings are planted in everything that must stay private until it is
published (the concept draft, unanswered suggestions and their authors, the recorded decision,
the evaluation, ...) and in what must never be shown (e-mail addresses, the deputy, the
Begleitgruppe, the hold reason); after every step each marker must be in every format exactly
when it has been published.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import text as sql

from beteiligung.cli.public import write_public
from beteiligung.config.settings import HERE
from beteiligung.notifications.public_list import HEADER
from beteiligung.states.case import Decision, Member, Person
from beteiligung.states.errors import BadInput
from beteiligung.storage import public as storage_public
from beteiligung.storage.personal import SqlPersonalData
from beteiligung.storage.public import SqlPublicProcesses
from beteiligung.workflow import content, outcome, process
from beteiligung.workflow.concept_file import parse_concept

FORMATS = ("json", "csv", "html")
CONCEPT = (HERE / "example_concept.toml").read_text(encoding="utf-8")
COORDINATOR = "koordination@hannover-stadt.de"
LEAD = Person("Anna MK-leadname", "mk-leadmail@hannover-stadt.de")
DEPUTY = Person("MK-deputyname", "mk-deputymail@hannover-stadt.de")
NEW_LEAD = Person("MK-newleadname", "mk-newleadmail@hannover-stadt.de")
TITLE = "Marktplatz <script>alert('MK-title')</script> & \"Co\""

MARKERS = {
    # shown from the start
    "MK-title", "MK-subject", "MK-department",
    # never shown
    "MK-directorate", "MK-deputyname", "MK-leadmail", "MK-deputymail", "MK-newleadmail",
    "MK-member", "MK-contactmail", "MK-organisation", "MK-author-one", "MK-author-two",
    "MK-author-three", "MK-hold-reason",
    # shown once published
    "MK-leadname", "MK-newleadname", "MK-draft-one", "MK-goal-one", "MK-sugg-one",
    "MK-sugg-two", "MK-reject-why", "MK-draft-two", "MK-note-two", "MK-pre-report",
    "MK-interim-one", "MK-interim-two", "MK-sugg-three", "MK-decision-text",
    "MK-decision-why", "MK-implementer", "MK-post-report", "MK-evidence-one",
    "MK-evidence-two", "MK-lessons", "MK-venue-1", "MK-venue-2", "MK-access-1", "MK-access-2",
}


def export(env, fmt: str, language: str = "de", csv_dialect: str = "plain") -> str:
    """The export as text; a CSV in the plain dialect (the field codes as header) unless
    ``csv_dialect`` says otherwise."""
    sink = io.BytesIO()
    write_public(env, fmt, language, sink, csv_dialect)
    return sink.getvalue().decode("utf-8")


class Tags(HTMLParser):
    """Collects start tags and checks that every opened element is closed in order."""

    VOID = {"meta", "br", "img", "link", "input", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, (self.open[-3:], tag)
        self.open.pop()


def parse_html(page: str) -> Tags:
    tags = Tags()
    tags.feed(page)
    tags.close()
    assert tags.open == []
    return tags


def parse_csv(data: str) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(data, newline="")))
    assert tuple(rows[0]) == HEADER
    assert all(len(r) == len(HEADER) for r in rows)
    return [dict(zip(HEADER, r, strict=True)) for r in rows[1:]]


def check_formats(outputs: dict[str, str], count: int) -> None:
    """Each format is well-formed and lists ``count`` processes."""
    assert len(json.loads(outputs["json"])["processes"]) == count
    assert len(parse_csv(outputs["csv"])) == count
    tags = parse_html(outputs["html"])
    assert sum(tag == "article" for tag, _ in tags.seen) == count
    assert not any(tag in ("script", "link", "img", "iframe") for tag, _ in tags.seen)


class Watch:
    """The markers published so far; ``check`` exports and compares after each step."""

    def __init__(self, env) -> None:
        self.env = env
        self.published: set[str] = set()
        self.phases: list[str] = []

    def publish(self, *markers: str) -> None:
        assert set(markers) <= MARKERS
        self.published |= set(markers)

    def withdraw(self, *markers: str) -> None:
        self.published -= set(markers)

    def check(self, step: str) -> None:
        outputs = {fmt: export(self.env, fmt) for fmt in FORMATS}
        check_formats(outputs, 1)
        self.phases.append(json.loads(outputs["json"])["processes"][0]["phase"])
        for fmt, output in outputs.items():
            assert "@" not in output, (step, fmt)
            wrong = {m for m in MARKERS if (m in output) != (m in self.published)}
            assert wrong == set(), (step, fmt, sorted(wrong))


def test_the_markers_are_unique():
    assert not [(a, b) for a in MARKERS for b in MARKERS if a != b and a in b]


def test_nothing_unpublished_leaks_at_any_step_of_a_whole_walk(env, clock):
    w = Watch(env)
    me = COORDINATOR

    def step(name: str, call, *args, **kwargs):
        clock.advance(hours=1)
        result = call(env, me, *args, **kwargs)
        w.check(name)
        return result

    created = process.create_process(env, me, process.ProcessInput(
        TITLE, "Umgestaltung MK-subject", "MK-department", "MK-directorate",
        ("Linden-Limmer",), "district_council_motion", LEAD, DEPUTY))
    pid = created.id
    w.publish("MK-title", "MK-subject", "MK-department")
    w.check("created")
    html = export(env, "html")
    assert "<script>" not in html and "&lt;script&gt;" in html

    step("begleitgruppe", process.advance, pid, "set_up_begleitgruppe")
    content.set_begleitgruppe_requester(env, me, pid, "politics")
    step("member", content.add_member, pid, Member("MK-member", "MK-organisation", "external",
                                                   "MK-contactmail@example.org"))
    content.add_member(env, me, pid, Member("Dr. Petra Nowak", "Stadtplanung (61)"))
    step("concept phase", process.advance, pid, "draft_concept")

    # the concept: a draft, published, then a changed draft, published as version 2
    draft = parse_concept(CONCEPT)
    draft.summary += " MK-draft-one"
    draft.goals[0].description += " MK-goal-one"
    step("draft loaded", content.load_concept, pid, draft)
    w.publish("MK-draft-one", "MK-goal-one", "MK-leadname")
    step("concept published", content.publish_concept, pid)
    step("suggestion 1", content.add_suggestion, pid, "concept", "MK-sugg-one", "MK-author-one")
    step("suggestion 2", content.add_suggestion, pid, "concept", "MK-sugg-two", "MK-author-two")
    w.publish("MK-sugg-one")
    step("answer 1", content.answer_suggestion, pid, 1, "accepted")
    w.publish("MK-sugg-two", "MK-reject-why")
    step("answer 2", content.answer_suggestion, pid, 2, "rejected", "MK-reject-why")
    revised = parse_concept(CONCEPT)
    revised.summary += " MK-draft-two"
    revised.goals[0].description += " MK-goal-one"
    step("changed draft", content.load_concept, pid, revised)
    w.withdraw("MK-draft-one")
    w.publish("MK-draft-two", "MK-note-two")
    step("version 2", content.publish_concept, pid, "Zusammenfassung MK-note-two")

    clock.advance(days=29)  # the public comment period on the concept (28 days)
    step("pre_reporting", process.advance, pid, "start_pre_reporting")
    w.publish("MK-pre-report")
    step("pre-report", outcome.publish_report, pid, "pre", "Vorbericht MK-pre-report")
    step("hold", process.advance, pid, "hold", "Haushaltssperre MK-hold-reason")
    assert json.loads(export(env, "json"))["processes"][0]["paused_phase"] == "pre_reporting"
    step("resume", process.advance, pid, "resume")
    step("dialogue", process.advance, pid, "open_dialogue")

    for round_, marker in ((1, "MK-interim-one"), (2, "MK-interim-two")):
        # dialogue events are public as soon as they are recorded (residents are to come)
        w.publish(f"MK-venue-{round_}", f"MK-access-{round_}")
        step(f"activity {round_}", outcome.add_activity, pid, "Werkstatt", "on_site",
             date(2026, 3, 14), f"Freizeitheim MK-venue-{round_}",
             f"Stufenloser Zugang MK-access-{round_}")
        step(f"interim phase {round_}", process.advance, pid, "present_interim_results")
        w.publish(marker)
        step(f"interim {round_}", outcome.publish_interim_results, pid,
             f"Ergebnis {marker}",
             clock() + timedelta(days=21), "Herbst 2026", "Freizeitheim Linden",
             "Stadtbezirksrat Linden-Limmer")
        if round_ == 1:
            clock.advance(days=22)  # the comment period on the interim results
            step("round 2", process.advance, pid, "start_another_round")
    step("suggestion 3", content.add_suggestion, pid, "interim_results", "MK-sugg-three",
         "MK-author-three")
    w.publish("MK-sugg-three")
    step("answer 3", content.answer_suggestion, pid, 3, "partly_accepted")
    clock.advance(days=22)
    step("decision phase", process.advance, pid, "go_to_decision")

    # a new lead: the concept is republished with the new name (R1), the old name goes
    w.withdraw("MK-leadname", "MK-note-two")  # version 3 has a note of its own
    w.publish("MK-newleadname")
    step("new lead", process.edit_process, pid, {"lead": NEW_LEAD})

    step("decision recorded", outcome.record_decision, pid, Decision(
        "Stadtbezirksrat Linden-Limmer", clock().date(), "Entwurf B MK-decision-text",
        False, "Folgekosten MK-decision-why", "MK-implementer"))
    w.publish("MK-decision-text", "MK-decision-why", "MK-implementer")
    step("decision published", outcome.publish_decision, pid)
    w.publish("MK-post-report")
    step("post-report", outcome.publish_report, pid, "post", "Nachbericht MK-post-report")
    step("evaluation phase", process.advance, pid, "start_evaluation")
    step("goal 1", outcome.rate_goal, pid, "Z1", "met", "412 Beiträge MK-evidence-one")
    step("goal 2", outcome.rate_goal, pid, "Z2", "partly", "18 Prozent MK-evidence-two")
    step("lessons", outcome.record_lessons, pid, "Früher ansprechen MK-lessons")
    w.publish("MK-evidence-one", "MK-evidence-two", "MK-lessons")
    step("closed", process.advance, pid, "close")

    final = json.loads(export(env, "json"))["processes"][0]
    assert final["phase"] == "closed"
    assert final["concept"]["version"] == 3 and final["contact"]["name"] == "MK-newleadname"
    assert [s["number"] for s in final["suggestions"]] == [1, 2, 3]
    assert [r["round"] for r in final["interim_results"]] == [1, 2]
    assert [(a["round"], a["on"], a["mode"], a["accessibility"]) for a in final["activities"]] \
        == [(1, "2026-03-14", "on_site", "Stufenloser Zugang MK-access-1"),
            (2, "2026-03-14", "on_site", "Stufenloser Zugang MK-access-2")]
    assert [g["rating"] for g in final["evaluation"]["goals"]] == ["met", "partly"]
    row = parse_csv(export(env, "csv"))[0]
    assert (row["phase"], row["phase_label"], row["concept_version"]) == (
        "closed", "Abgeschlossen", "3")
    assert row["decision_follows_results"] == "false"
    assert [g["goal"] for g in json.loads(row["evaluation_goals"])] == ["Z1", "Z2"]
    english = export(env, "html", "en")
    parse_html(english)
    for label in ("Participation concept, version 3", "Suggestions and their answers",
                  "partly accepted", "Decided by", "Lessons learned:", "Pre-report, published"):
        assert label in english
    # every phase but 'cancelled' (tested below) was exported, some after several steps
    assert set(w.phases) == set(env.lifecycle.definition.phases) - {"cancelled"}
    assert len(w.phases) > 30


def test_a_cancelled_process_shows_the_reason_and_what_it_had_published(env, clock, kit):
    pid = kit.new_process(env, "Spielplatz Nord")
    process.advance(env, COORDINATOR, pid, "set_up_begleitgruppe")
    process.advance(env, COORDINATOR, pid, "hold", "intern: MK-hold-reason")
    process.advance(env, COORDINATOR, pid, "resume")
    clock.advance(days=3)
    process.advance(env, COORDINATOR, pid, "cancel", "Antrag zurückgezogen (MK-cancel)")

    entry = json.loads(export(env, "json"))["processes"][0]
    assert (entry["phase"], entry["cancel_reason"]) == ("cancelled",
                                                        "Antrag zurückgezogen (MK-cancel)")
    assert entry["phase_entered_at"] == "2026-03-05T09:00:00Z"
    for fmt in FORMATS:
        output = export(env, fmt, "en")
        assert "MK-cancel" in output and "MK-hold-reason" not in output
    page = export(env, "html", "en")
    assert "Cancelled because" in page and ">Cancelled, since" in page


def test_text_is_escaped_in_html_and_round_trips_through_csv_and_json(env, clock, kit):
    title = "=HYPERLINK(\"x\"), <b>fett</b> & 'Quote'"
    pid = kit.new_process(env, title)
    process.edit_process(env, COORDINATOR, pid, {"subject": "Zeile 1\nZeile 2, \"zitiert\""})

    row = parse_csv(export(env, "csv"))[0]
    assert row["title"] == "'" + title  # a spreadsheet must not run it as a formula
    assert row["subject"] == "Zeile 1\nZeile 2, \"zitiert\""
    assert row["districts"] == "Linden-Limmer" and row["suggestions"] == "[]"
    entry = json.loads(export(env, "json"))["processes"][0]
    assert (entry["title"], entry["subject"]) == (title, "Zeile 1\nZeile 2, \"zitiert\"")
    page = export(env, "html")
    assert "<b>" not in page and "&lt;b&gt;fett&lt;/b&gt; &amp; &#39;Quote&#39;" in page
    tags = parse_html(page)
    assert [tag for tag, _ in tags.seen if tag == "b"] == []


def test_an_empty_database_gives_empty_but_valid_lists(env):
    outputs = {fmt: export(env, fmt) for fmt in FORMATS}
    check_formats(outputs, 0)
    document = json.loads(outputs["json"])
    assert document["format"] == "beteiligung-vorhabenliste" and document["format_version"] == 1
    assert outputs["csv"] == ",".join(HEADER) + "\r\n"
    assert "Es sind keine Beteiligungsverfahren erfasst." in outputs["html"]


def test_language_changes_labels_but_not_the_csv_header_or_the_codes(env, kit):
    kit.new_process(env)
    german, english = export(env, "json"), export(env, "json", "en")
    assert json.loads(german)["phases"]["initiated"] == "Initiierung"
    assert json.loads(english)["phases"]["initiated"] == "Initiation"
    assert json.loads(english)["language"] == "en"
    assert json.loads(german)["processes"] == json.loads(english)["processes"]
    assert json.loads(german)["generated_at"] == "2026-03-02T09:00:00Z"
    csv_de, csv_en = export(env, "csv"), export(env, "csv", "en")
    assert csv_de.splitlines()[0] == csv_en.splitlines()[0] == ",".join(HEADER)
    assert parse_csv(csv_en)[0]["phase_label"] == "Initiation"
    excel = export(env, "csv", csv_dialect="excel-de")
    excel_en = export(env, "csv", "en", csv_dialect="excel-de")
    assert excel.startswith("\ufeffNr.;Titel;") and excel_en.startswith("\ufeffNo.;Title;")
    rows = list(csv.reader(io.StringIO(excel.removeprefix("\ufeff"), newline=""),
                           delimiter=";"))
    assert len(rows[0]) == len(HEADER) and rows[1] == list(parse_csv(csv_de)[0].values())
    page_de = parse_html(export(env, "html")).seen
    page_en = parse_html(export(env, "html", "en")).seen
    assert page_de[0] == ("html", {"lang": "de"}) and page_en[0] == ("html", {"lang": "en"})


def test_processes_stream_by_id_and_each_batch_is_decoded_when_reached(env, kit,
                                                                      monkeypatch):
    ids = [kit.new_process(env, f"Vorhaben {n}") for n in range(5)]
    for pid in ids:
        content.add_member(env, kit.LEAD.email, pid, Member(f"Mitglied {pid}", "BI Kanal"))
    decoded: list[list[int]] = []
    lookups: list[int] = []
    original, values = storage_public.decode_many, SqlPersonalData.values

    def counting(conn, rows):
        decoded.append([row.id for row in rows])
        return original(conn, rows)

    def looked_up(self, refs):
        lookups.append(len(list(refs)))
        return values(self, refs)

    monkeypatch.setattr(storage_public, "decode_many", counting)
    monkeypatch.setattr(SqlPersonalData, "values", looked_up)
    with env.uow() as uow:
        # a new order in the table must not change the export's order: by id
        uow.conn.execute(sql("UPDATE processes SET title = 'Zuerst' WHERE id = :i"),
                         {"i": ids[-1]})
        cases = SqlPublicProcesses(uow.conn, batch=2).cases()
        first = next(cases)
        assert first.id == ids[0] and decoded == [ids[:2]]
        assert [c.id for c in cases] == ids[1:]
        assert decoded == [ids[:2], ids[2:4], ids[4:]]
        # the members' names of a whole batch come from the privacy store in one query
        assert lookups == [2, 2, 1]
        assert first.begleitgruppe.members[0].name == f"Mitglied {ids[0]}"


@pytest.mark.parametrize("fmt", FORMATS)
def test_many_processes_are_listed_in_order_in_every_format(env, kit, fmt):
    ids = [kit.new_process(env, f"Vorhaben Nummer {n}") for n in range(3)]
    output = export(env, fmt)
    positions = [output.index(f"Vorhaben Nummer {n}") for n in range(3)]
    assert positions == sorted(positions)
    if fmt == "json":
        assert [p["id"] for p in json.loads(output)["processes"]] == ids


def test_an_error_in_the_middle_leaves_no_file_and_the_old_one_as_it_was(env, kit, tmp_path,
                                                                         monkeypatch):
    from argparse import Namespace

    from beteiligung.cli import public as cli_public

    for n in range(3):
        kit.new_process(env, f"Vorhaben {n}")
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "liste.html"
    target.write_text("old list", encoding="utf-8")
    rendered = cli_public.render

    def disk_full_after_the_first_process(*args, **kwargs):
        for number, piece in enumerate(rendered(*args, **kwargs)):
            if number == 2:  # the page head, the first process, then the disk is full
                raise OSError(28, "No space left on device")
            yield piece

    monkeypatch.setattr(cli_public, "wired", lambda: env)
    monkeypatch.setattr(cli_public, "render", disk_full_after_the_first_process)
    args = Namespace(format="html", out=str(target), lang=None)
    with pytest.raises(BadInput, match="No space left on device"):
        cli_public.export(args)
    assert target.read_text(encoding="utf-8") == "old list"
    assert [p.name for p in folder.iterdir()] == ["liste.html"]  # no partial file left

    monkeypatch.setattr(cli_public, "render", rendered)
    assert cli_public.export(args) == 0
    page = target.read_text(encoding="utf-8")
    assert "Vorhaben 2" in page and page.rstrip().endswith("</html>")
    assert [p.name for p in folder.iterdir()] == ["liste.html"]
