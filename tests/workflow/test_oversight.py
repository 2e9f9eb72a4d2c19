"""The rules of ``audit stuck`` on facts given by hand: which open process has which finding,
with which severity and how many days, and what its texts say. ``FakeReader`` keeps the read
port's contract over lists (each query's filter as the SQL one has it), so the day arithmetic,
the limits and the severities are tested without a database."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from beteiligung.config.settings import HERE, OversightSettings, load_settings
from beteiligung.states.definition import load_definition, parse_definition
from beteiligung.states.errors import BadInput
from beteiligung.states.lifecycle import Lifecycle
from beteiligung.workflow.oversight import (
    SEVERITIES,
    DeadlineFacts,
    FailedMessage,
    Limits,
    ProcessFacts,
    at_least,
    counts,
    day_start,
    find_stuck,
    stuck_per_department,
)
from beteiligung.workflow.oversight_texts import TEXTS, words
from beteiligung.workflow.reminders import SYSTEM

BERLIN = ZoneInfo("Europe/Berlin")
AS_OF = date(2026, 6, 15)
LEAD, DEPUTY = "anna.lehmann@hannover-stadt.de", "jonas.weber@hannover-stadt.de"


def ago(days: int, hour: int = 12) -> datetime:
    """Noon (Berlin) ``days`` days before ``AS_OF``, in UTC."""
    return datetime.combine(AS_OF - timedelta(days=days), time(hour),
                            tzinfo=BERLIN).astimezone(UTC)


@pytest.fixture(scope="module")
def lifecycle() -> Lifecycle:
    return Lifecycle(load_definition(HERE / "process_definition.toml"))


def facts(pid: int = 1, phase: str = "dialogue", entered: int = 10, updated: int | None = None,
          **changes) -> ProcessFacts:
    """A process in ``phase`` since ``entered`` days, last changed ``updated`` days ago."""
    fact = ProcessFacts(pid, f"Prozess {pid}", "Umwelt und Stadtgrün (67)", "Dezernat V", phase,
                        None, ago(entered), ago(entered if updated is None else updated),
                        ago(400), LEAD, DEPUTY, "2026.1")
    return replace(fact, **changes)


@dataclass
class FakeReader:
    """``OversightReader`` over lists, with the filters of the SQL queries."""

    rows: list[ProcessFacts] = field(default_factory=list)
    deadlines: list[DeadlineFacts] = field(default_factory=list)
    failed: list[FailedMessage] = field(default_factory=list)
    events: dict[int, list[tuple[datetime, str]]] = field(default_factory=dict)
    district_map: dict[int, tuple[str, ...]] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    holds: dict[int, list[datetime]] = field(default_factory=dict)

    def recent_holds(self, since, pause):
        self.calls.append(f"recent_holds {pause}")
        found = {pid: [at for at in times if at >= since] for pid, times in self.holds.items()}
        return {pid: times for pid, times in found.items() if times}

    def entered_before(self, cutoffs):
        self.calls.append("entered_before")
        return [r for r in self.rows
                if r.phase in cutoffs and r.phase_entered_at < cutoffs[r.phase]]

    def unchanged_since(self, phases, cutoff):
        return [r for r in self.rows if r.phase in phases and r.phase_entered_at < cutoff
                and r.updated_at < cutoff]

    def last_activity(self, process_ids, ignore_actor):
        self.calls.append(f"last_activity {sorted(process_ids)}")
        found = {}
        for pid in process_ids:
            times = [at for at, actor in self.events.get(pid, []) if actor != ignore_actor]
            if times:
                found[pid] = max(times)
        return found

    def overdue_deadlines(self, before, ignore_kinds):
        return [d for d in self.deadlines if d.kind not in ignore_kinds
                and (d.status == "missed" or d.status == "open" and d.due_at < before)]

    def missing_email(self, skip_phases):
        return [r for r in self.rows if r.phase not in skip_phases
                and (not r.lead_email or not r.deputy_email)]

    def failed_messages(self):
        return list(self.failed)

    def outside(self, phases, pause):
        return [r for r in self.rows if r.phase not in phases
                or r.phase == pause and r.paused_phase not in (None, *phases)]

    def processes(self, process_ids):
        self.calls.append(f"processes {sorted(process_ids)}")
        return [r for r in self.rows if r.id in process_ids]

    def districts(self, process_ids):
        return {pid: self.district_map.get(pid, ("Mitte",)) for pid in process_ids}

    def departments(self):
        return sorted({r.department for r in self.rows})

    def has_department(self, department):
        return department in self.departments()


def deadline(did: int, kind: str, due: datetime, *, pid: int = 1, ref: str = "x",
             status: str = "open", title: str = "Stellungnahme") -> DeadlineFacts:
    return DeadlineFacts(did, pid, kind, ref, title, due, status)


def due_days_ago(days: int) -> datetime:
    """The end of the day ``days`` days before ``AS_OF`` (as deadlines are due)."""
    return datetime.combine(AS_OF - timedelta(days=days), time(23, 59, 59),
                            tzinfo=BERLIN).astimezone(UTC)


def run(reader: FakeReader, lifecycle: Lifecycle, limits: Limits | None = None, **options):
    return find_stuck(reader, lifecycle, AS_OF, limits or Limits(), **options)


def found(findings) -> list[tuple]:
    return [(f.process_id, f.code, f.severity, f.days) for f in findings]


# --- the limits, by the day -----------------------------------------------------------------

@pytest.mark.parametrize(("phase", "days", "expected"), [
    ("dialogue", 120, []),                                  # the limit itself is allowed
    ("dialogue", 121, [(1, "dwell_exceeded", "warning", 121)]),
    ("dialogue", 240, [(1, "dwell_exceeded", "warning", 240)]),
    ("dialogue", 241, [(1, "dwell_exceeded", "critical", 241)]),   # more than twice
    ("pre_reporting", 31, [(1, "dwell_exceeded", "warning", 31)]),
    ("on_hold", 91, [(1, "on_hold_long", "warning", 91)]),
    ("on_hold", 181, [(1, "on_hold_long", "critical", 181)]),
])
def test_dwell_and_hold_count_whole_days_past_the_limit(lifecycle, phase, days, expected):
    fact = facts(phase=phase, entered=days, updated=0,
                 paused_phase="dialogue" if phase == "on_hold" else None)
    assert found(run(FakeReader([fact]), lifecycle)) == expected


def test_days_are_counted_in_berlin_not_utc(lifecycle):
    # 23:30 UTC on the 121st day before (winter) is already the next day in Hannover: 120 days
    late_evening = datetime.combine(AS_OF - timedelta(days=121), time(23, 30), tzinfo=UTC)
    reader = FakeReader([facts(updated=0, phase_entered_at=late_evening)])
    assert run(reader, lifecycle) == []
    reader.rows[0] = replace(reader.rows[0], phase_entered_at=late_evening - timedelta(hours=1))
    assert found(run(reader, lifecycle)) == [(1, "dwell_exceeded", "warning", 121)]


def test_dwell_names_the_next_step_and_the_limit(lifecycle):
    [finding] = run(FakeReader([facts(phase="concept", entered=130, updated=0)]), lifecycle)
    assert (finding.limit_days, finding.params) == (120, {"trigger": "start_pre_reporting"})
    assert finding.since == ago(130)
    said = words(finding, lifecycle.definition, "de")
    assert "130 Tagen" in said.detail and "höchstens 120 Tage" in said.detail
    assert "„start_pre_reporting“" in said.next_step and "process show 1" in said.next_step
    english = words(finding, lifecycle.definition, "en")
    assert english.severity == "warning" and "'start_pre_reporting'" in english.next_step


def test_a_process_under_an_older_definition_has_that_versions_dwell_limit(lifecycle):
    raw = tomllib.loads((HERE / "process_definition.toml").read_text(encoding="utf-8"))
    raw["version"] = "2025.1"
    raw["phases"]["concept"]["dwell_days"] = 30
    older = parse_definition(raw)
    rows = [facts(1, "concept", 40, 0, definition_version="2025.1"),
            facts(2, "concept", 40, 0),                      # current: 120 days
            facts(3, "concept", 40, 0, definition_version="2024.9")]   # unknown: current
    findings = run(FakeReader(rows), lifecycle, definitions={"2025.1": older})
    assert found(findings) == [(1, "dwell_exceeded", "warning", 40)]
    assert findings[0].limit_days == 30


def test_on_hold_is_not_idle_and_not_judged_by_the_dwell_limit(lifecycle):
    held = facts(phase="on_hold", entered=80, updated=80, paused_phase="concept")
    assert run(FakeReader([held]), lifecycle, Limits(idle_days=30)) == []
    [finding] = run(FakeReader([held]), lifecycle, Limits(hold_days=60))
    assert (finding.code, finding.limit_days) == ("on_hold_long", 60)
    said = words(finding, lifecycle.definition, "de")
    assert "Erstellung des Beteiligungskonzepts" in said.detail and "resume" in said.next_step


# --- pausing again and again ----------------------------------------------------------------

def test_pausing_twice_within_thirty_days_is_a_finding(lifecycle):
    rows = [facts(1, "concept", 20, 0), facts(2, "dialogue", 20, 0),
            facts(3, "on_hold", 2, 2, paused_phase="concept"), facts(4, "closed", 1, 1)]
    holds = {1: [ago(29), ago(3)],                   # twice within the window: found
             2: [ago(31), ago(3)],                   # the first is older than 30 days
             3: [ago(25), ago(12), ago(2)],          # three times, on hold now
             4: [ago(10), ago(5)]}                   # closed: nothing to do any more
    findings = run(FakeReader(rows, holds=holds), lifecycle)
    repeated = [f for f in findings if f.code == "holds_repeated"]
    assert found(repeated) == [(1, "holds_repeated", "warning", 29),
                               (3, "holds_repeated", "warning", 25)]
    assert [(f.params, f.limit_days, f.since) for f in repeated] == [
        ({"count": 2}, 30, ago(29)), ({"count": 3}, 30, ago(25))]
    said = words(repeated[0], lifecycle.definition, "de")
    assert "In den letzten 30 Tagen 2-mal pausiert, zuerst am " in said.detail
    assert "beteiligung history 1" in said.next_step
    assert "2 times" in words(repeated[0], lifecycle.definition, "en").detail


def test_the_repeat_limits_are_settings(lifecycle):
    rows = [facts(1, "concept", 20, 0)]
    holds = {1: [ago(50), ago(40), ago(3)]}
    assert run(FakeReader(rows, holds=holds), lifecycle) == []
    assert found(run(FakeReader(rows, holds=holds), lifecycle,
                     Limits(hold_repeat_days=60))) == [(1, "holds_repeated", "warning", 50)]
    assert run(FakeReader(rows, holds=holds), lifecycle,
               Limits(hold_repeat_days=60, hold_repeat_count=4)) == []
    with pytest.raises(BadInput, match="hold_repeat_count: must be a whole number from 2"):
        Limits(hold_repeat_count=1)


# --- idle: the last event by a person --------------------------------------------------------

def test_idle_counts_from_the_last_event_by_a_person_not_the_sweeps(lifecycle):
    rows = [facts(1, "dialogue", 100, 100), facts(2, "dialogue", 100, 100),
            facts(3, "dialogue", 100, 100), facts(4, "dialogue", 100, 20)]
    events = {1: [(ago(100), LEAD), (ago(5), SYSTEM)],      # only the sweep since: idle
              2: [(ago(100), LEAD), (ago(10), DEPUTY)],     # a refused step, a moved deadline
              3: []}
    reader = FakeReader(rows, events=events)
    findings = run(reader, lifecycle)
    assert found(findings) == [(1, "idle", "warning", 100), (3, "idle", "warning", 100)]
    assert findings[0].since == ago(100) and findings[0].limit_days == 90
    # only the processes unchanged for longer than the limit have their events read
    assert "last_activity [1, 2, 3]" in reader.calls
    assert found(run(FakeReader([facts(1, "dialogue", 200, 200)]), lifecycle)) == [
        (1, "idle", "critical", 200), (1, "dwell_exceeded", "warning", 200)]


# --- deadlines ------------------------------------------------------------------------------

def test_a_deadline_is_missed_from_the_day_after_it_was_due(lifecycle):
    row = facts(updated=0)
    due_today = deadline(1, "custom", due_days_ago(0))
    yesterday = deadline(2, "custom", due_days_ago(1), title="Bericht an den Bezirksrat")
    long_ago = deadline(3, "evaluation", due_days_ago(31), status="missed", title="Evaluation")
    findings = run(FakeReader([row], [due_today, yesterday, long_ago]), lifecycle)
    assert found(findings) == [(1, "deadline_missed", "critical", 31),
                               (1, "deadline_missed", "warning", 1)]
    assert findings[1].deadline_ids == (2,) and findings[1].params["deadline_id"] == 2
    said = words(findings[1], lifecycle.definition, "de")
    assert "„Bericht an den Bezirksrat“" in said.detail and "deadline move 1 2" in said.next_step


def test_phase_deadlines_and_comment_periods_are_not_reported_as_missed(lifecycle):
    rows = [facts(updated=0)]
    items = [deadline(1, "phase", due_days_ago(50), status="missed"),
             deadline(2, "concept_comments", due_days_ago(50), status="missed")]
    assert run(FakeReader(rows, items), lifecycle) == []


def test_unanswered_suggestions_are_one_finding_per_process(lifecycle):
    items = [deadline(1, "suggestion_answer", due_days_ago(3), ref="10"),
             deadline(2, "suggestion_answer", due_days_ago(40), ref="2", status="missed"),
             deadline(3, "suggestion_answer", due_days_ago(0), ref="11")]   # due today
    [finding] = run(FakeReader([facts(updated=0)], items), lifecycle)
    assert (finding.code, finding.severity, finding.days) == ("suggestions_unanswered",
                                                              "critical", 40)
    assert finding.deadline_ids == (2, 1) and finding.params == {"count": 2, "numbers": "2, 10"}
    assert "(Nr. 2, 10)" in words(finding, lifecycle.definition, "de").detail


def test_interim_results_stall_when_the_comment_period_ended_long_ago(lifecycle):
    row = facts(phase="interim_results", entered=45, updated=0)
    items = [deadline(7, "interim_comments", due_days_ago(30), ref="round 2")]
    assert run(FakeReader([row], items), lifecycle) == []
    items = [deadline(7, "interim_comments", due_days_ago(31), ref="round 2")]
    [finding] = run(FakeReader([row], items), lifecycle)
    assert (finding.code, finding.days, finding.limit_days) == ("interim_stalled", 31, 30)
    assert finding.params == {"round": "2", "trigger": "go_to_decision"}
    said = words(finding, lifecycle.definition, "en")
    assert "(round 2)" in said.detail and "'go_to_decision'" in said.next_step


def test_deadline_facts_are_read_for_the_processes_not_yet_known(lifecycle):
    reader = FakeReader([facts(5, "dialogue", 130, 0), facts(6, updated=0)],
                        [deadline(1, "custom", due_days_ago(2), pid=5),
                         deadline(2, "custom", due_days_ago(2), pid=6)])
    run(reader, lifecycle)
    assert "processes [6]" in reader.calls       # 5 came with the dwell scan


# --- contacts, e-mails, phases -------------------------------------------------------------

def test_missing_addresses_lead_is_a_warning_deputy_a_hint(lifecycle):
    rows = [facts(1, "initiated", 5, 5, lead_email="", deputy_email=""),
            facts(2, "initiated", 5, 5, deputy_email=""),
            facts(3, "closed", 5, 5, lead_email="")]
    findings = run(FakeReader(rows), lifecycle)
    assert found(findings) == [(1, "lead_email_missing", "warning", 400),
                               (1, "deputy_email_missing", "info", 400),
                               (2, "deputy_email_missing", "info", 400)]
    assert "--lead-email" in words(findings[0], lifecycle.definition, "de").next_step


def test_a_process_made_after_the_day_of_the_audit_is_not_judged(lifecycle):
    made_later = day_start(AS_OF + timedelta(days=1))
    rows = [facts(1, "initiated", 0, 0, deputy_email="", created_at=made_later),
            facts(2, "initiated", 0, 0, deputy_email="",
                  created_at=made_later - timedelta(seconds=1))]
    assert found(run(FakeReader(rows), lifecycle)) == [(2, "deputy_email_missing", "info", 0)]


def test_failed_emails_are_one_finding_with_every_message(lifecycle):
    failed = [FailedMessage(9, 1, ago(3), "Erinnerung", "550 no such user"),
              FailedMessage(4, 1, ago(12), "Erinnerung", "timeout"),
              FailedMessage(5, 2, ago(1), "Erinnerung", "x")]
    rows = [facts(1, updated=0), facts(2, "closed", 3, 3)]
    [finding] = run(FakeReader(rows, failed=failed), lifecycle)
    assert (finding.code, finding.severity, finding.days) == ("reminder_failed", "warning", 12)
    assert finding.message_ids == (4, 9) and finding.params["error"] == "550 no such user"
    assert "outbox retry 4" in words(finding, lifecycle.definition, "de").next_step


def test_a_phase_the_definition_lacks_is_critical(lifecycle):
    rows = [facts(1, "moderation", 20, 0, definition_version="2025.1"),
            facts(2, "on_hold", 20, 0, paused_phase="moderation")]
    findings = run(FakeReader(rows), lifecycle)
    assert found(findings) == [(1, "phase_unknown", "critical", 20),
                               (2, "phase_unknown", "critical", 20)]
    assert findings[0].params == {"missing": "moderation", "current": "2026.2"}
    said = words(findings[0], lifecycle.definition, "de")
    assert "„moderation“" in said.detail and "2025.1" in said.detail


# --- order, filters, counts ------------------------------------------------------------------

def test_most_severe_first_then_the_longest(lifecycle):
    rows = [facts(1, "dialogue", 130, 0), facts(2, "dialogue", 250, 0),
            facts(3, "pre_reporting", 70, 0), facts(4, "initiated", 2, 0, deputy_email="")]
    findings = run(FakeReader(rows), lifecycle)
    assert found(findings) == [(2, "dwell_exceeded", "critical", 250),
                               (3, "dwell_exceeded", "critical", 70),
                               (1, "dwell_exceeded", "warning", 130),
                               (4, "deputy_email_missing", "info", 400)]
    assert counts(findings) == {"critical": 2, "warning": 1, "info": 1}
    assert at_least(findings, "critical") and not at_least(findings[2:], "critical")
    assert at_least(findings[3:], "info") and not at_least(findings[3:], "warning")
    assert not at_least([], "info")


def test_department_and_district_filters(lifecycle):
    rows = [facts(1, "dialogue", 130, 0), facts(2, "dialogue", 130, 0, department="Planung")]
    reader = FakeReader(rows, district_map={1: ("Mitte", "Nord"), 2: ("Linden-Limmer",)})
    assert [f.process_id for f in run(reader, lifecycle, department="Planung")] == [2]
    only = run(reader, lifecycle, district="Nord", known_districts=("Mitte", "Nord"))
    assert [(f.process_id, f.districts) for f in only] == [(1, ("Mitte", "Nord"))]
    with pytest.raises(BadInput, match="'Planungsamt'.*did you mean 'Planung'"):
        run(reader, lifecycle, department="Planungsamt")
    with pytest.raises(BadInput, match="--district: 'Süd' is not a district"):
        run(reader, lifecycle, district="Süd", known_districts=("Mitte", "Nord"))


def test_stuck_processes_per_department_for_the_quarterly_report(lifecycle):
    rows = [facts(1, "dialogue", 130, 0), facts(2, "dialogue", 300, 0),
            facts(3, "dialogue", 130, 0, department="Planung"),
            facts(4, "initiated", 2, 0, department="Planung", deputy_email="")]
    reader = FakeReader(rows)
    assert stuck_per_department(reader, lifecycle, AS_OF, Limits()) == {
        "Planung": 1, "Umwelt und Stadtgrün (67)": 2}
    assert stuck_per_department(reader, lifecycle, AS_OF, Limits(), severity="info") == {
        "Planung": 2, "Umwelt und Stadtgrün (67)": 2}
    assert stuck_per_department(reader, lifecycle, AS_OF, Limits(), severity="critical") == {
        "Umwelt und Stadtgrün (67)": 1}


# --- texts and settings ----------------------------------------------------------------------

def test_every_code_has_its_texts_in_both_languages(lifecycle):
    rows = [facts(1, "dialogue", 200, 200, lead_email="", deputy_email=""),
            facts(2, "on_hold", 100, 0, paused_phase="concept"),
            facts(3, "interim_results", 10, 0), facts(4, "moderation", 5, 0)]
    items = [deadline(1, "custom", due_days_ago(3)),
             deadline(2, "suggestion_answer", due_days_ago(3), ref="1"),
             deadline(3, "interim_comments", due_days_ago(40), pid=3, ref="round 1")]
    failed = [FailedMessage(1, 1, ago(2), "Erinnerung", "550")]
    findings = run(FakeReader(rows, items, failed, holds={3: [ago(20), ago(12)]}), lifecycle)
    assert {f.code for f in findings} == set(TEXTS)
    for finding in findings:
        for language in ("de", "en"):
            said = words(finding, lifecycle.definition, language)
            assert said.name and said.detail and said.next_step
            assert "{" not in said.detail + said.next_step, (finding.code, language)
            assert said.severity in (("Hinweis", "Warnung", "kritisch") if language == "de"
                                     else SEVERITIES)


def test_the_oversight_settings_are_the_limits(tmp_path):
    defaults = tomllib.loads((HERE / "defaults.toml").read_text(encoding="utf-8"))["oversight"]
    assert defaults == asdict(OversightSettings()) == asdict(Limits())
    path = tmp_path / "settings.toml"
    path.write_text("", encoding="utf-8")
    settings = load_settings({"BETEILIGUNG_CONFIG": str(path),
                              "BETEILIGUNG_OVERSIGHT_IDLE_DAYS": "45"})
    assert Limits(**asdict(settings.oversight)) == Limits(idle_days=45)
    path.write_text("[oversight]\nhold_days = 30\n", encoding="utf-8")
    assert load_settings({"BETEILIGUNG_CONFIG": str(path)}).oversight.hold_days == 30
    path.write_text("[oversight]\nhold_days = \"lang\"\n", encoding="utf-8")
    with pytest.raises(BadInput, match=r"\[oversight\] hold_days: must be int"):
        load_settings({"BETEILIGUNG_CONFIG": str(path)})
    path.write_text("[oversight]\nstuck_days = 3\n", encoding="utf-8")
    with pytest.raises(BadInput, match="unknown key"):
        load_settings({"BETEILIGUNG_CONFIG": str(path)})


@pytest.mark.parametrize("value", [0, -5])
def test_a_limit_below_one_day_is_refused(value):
    with pytest.raises(BadInput, match=f"idle_days: must be a whole number from 1 to 36500, "
                                       f"not {value}"):
        Limits(idle_days=value)


def test_day_start_is_midnight_in_berlin():
    assert day_start(date(2026, 6, 15)) == datetime(2026, 6, 14, 22, 0, tzinfo=UTC)
    assert day_start(date(2026, 1, 15)) == datetime(2026, 1, 14, 23, 0, tzinfo=UTC)


def test_a_limit_out_of_range_is_refused_by_name():
    for bad in (36_501, True, "90"):
        with pytest.raises(BadInput, match="idle_days: must be a whole number from 1 to 36500"):
            Limits(idle_days=bad)
    assert Limits(idle_days=36_500).idle_days == 36_500
