"""The mail templates: subjects that say what and when, both parts in German and English,
escaping in HTML only, Berlin times, and broken overrides refused when ``Templates`` is built."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from beteiligung.notifications.messages import DigestItem
from beteiligung.notifications.templates import TOP_LEVEL, Templates
from beteiligung.states.case import Person
from beteiligung.states.errors import BadInput

AS_OF = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(("language", "days", "escalation", "subject"), [
    ("de", 3, False, "Erinnerung: Frist „Kommentierungsfrist“ für „Lindener Marktplatz“ endet "
                     "am 26.05.2026 (in 3 Tagen)"),
    ("de", 1, False, "Erinnerung: Frist „Kommentierungsfrist“ für „Lindener Marktplatz“ endet "
                     "am 26.05.2026 (in 1 Tag)"),
    ("de", 0, False, "Erinnerung: Frist „Kommentierungsfrist“ für „Lindener Marktplatz“ endet "
                     "heute, 26.05.2026, um 23:59 Uhr"),
    ("de", -7, False, "Überfällig seit 7 Tagen: Frist „Kommentierungsfrist“ für „Lindener "
                      "Marktplatz“ (fällig am 26.05.2026)"),
    ("de", -1, False, "Überfällig seit 1 Tag: Frist „Kommentierungsfrist“ für „Lindener "
                      "Marktplatz“ (fällig am 26.05.2026)"),
    ("de", -14, True, "Eskalation – überfällig seit 14 Tagen: Frist „Kommentierungsfrist“ für "
                      "„Lindener Marktplatz“ (fällig am 26.05.2026)"),
    ("en", 3, False, "Reminder: deadline “Kommentierungsfrist” for “Lindener Marktplatz” ends "
                     "on 26 May 2026 (in 3 days)"),
    ("en", 0, False, "Reminder: deadline “Kommentierungsfrist” for “Lindener Marktplatz” ends "
                     "today, 26 May 2026, at 23:59"),
    ("en", -7, False, "Overdue for 7 days: deadline “Kommentierungsfrist” for “Lindener "
                      "Marktplatz” (due 26 May 2026)"),
    ("en", -8, True, "Escalation – overdue for 8 days: deadline “Kommentierungsfrist” for "
                     "“Lindener Marktplatz” (due 26 May 2026)"),
])
def test_subject_says_what_and_when(templates, make_ctx, stamp, language, days, escalation,
                                    subject):
    ctx = make_ctx(language=language, days=days, escalation=escalation)
    assert templates.reminder(ctx, ["a@x.de"], [], now=stamp).subject == subject


@pytest.mark.parametrize("language", ["de", "en"])
@pytest.mark.parametrize("escalation", [False, True])
def test_both_parts_name_process_deadline_people_link_and_next_steps(
        templates, make_ctx, stamp, language, escalation):
    ctx = make_ctx(language=language, days=-9 if escalation else 3, escalation=escalation)
    message = templates.reminder(ctx, ["lead@x.de"], ["deputy@x.de"], now=stamp)
    for part in (message.text, message.html):
        assert "Lindener Marktplatz" in part and "Kommentierungsfrist" in part
        assert ("9" if escalation else "3") in part
        for person in ctx.responsible:
            assert person.name in part and person.email in part
        assert all(step in part for step in ctx.next_steps)
        assert ctx.link in part
        assert "26.05.2026" in part if language == "de" else "26 May 2026" in part
        assert "23:59" in part
    for step in ctx.next_steps:
        assert f"- {step}\n" in message.text
        assert f"<li>{step}</li>" in message.html
    assert f'<a href="{ctx.link}">' in message.html
    assert message.html.startswith("<!DOCTYPE html>") and f'lang="{language}"' in message.html
    assert "<" not in message.text.split("Verantwortlich" if language == "de" else
                                         "Responsible")[0]
    assert (message.to, message.cc) == (["lead@x.de"], ["deputy@x.de"])


def test_the_language_shows_in_the_words(templates, make_ctx, stamp):
    de = templates.reminder(make_ctx(language="de"), [], [], now=stamp)
    en = templates.reminder(make_ctx(language="en"), [], [], now=stamp)
    assert "Guten Tag" in de.text and "Was jetzt zu tun ist" in de.html
    assert "Hello" in en.text and "What to do next" in en.html
    assert "Guten Tag" not in en.text and "Hello" not in de.text


def test_escalation_says_why_the_reader_gets_it(templates, make_ctx, stamp):
    plain = templates.reminder(make_ctx(days=-7), [], [], now=stamp)
    escalated = templates.reminder(make_ctx(days=-7, escalation=True), [], [], now=stamp)
    assert "Vertretung oder Koordination" in escalated.text
    assert "Vertretung oder Koordination" in escalated.html
    assert "Vertretung oder Koordination" not in plain.text


def test_html_is_escaped_and_text_and_subject_are_not(templates, make_ctx, stamp):
    ctx = make_ctx(process_title="Platz <b>&</b> \"Park\"", next_steps=["<script>x</script>"],
                   responsible=[Person("O'Neil <Büro>", "o@x.de")])
    message = templates.reminder(ctx, [], [], now=stamp)
    assert "Platz &lt;b&gt;&amp;&lt;/b&gt;" in message.html
    assert "<b>" not in message.html and "<script>" not in message.html
    assert "&lt;script&gt;x&lt;/script&gt;" in message.html
    assert "O&#39;Neil &lt;Büro&gt;" in message.html
    assert 'Platz <b>&</b> "Park"' in message.text and "<script>x</script>" in message.text
    assert "O'Neil <Büro>" in message.text
    assert "&lt;" not in message.text and "&amp;" not in message.text
    assert 'Platz <b>&</b> "Park"' in message.subject


@pytest.mark.parametrize(("due_at", "date_de", "time"), [
    (datetime(2026, 1, 15, 22, 59, tzinfo=UTC), "15.01.2026", "23:59"),  # winter: UTC+1
    (datetime(2026, 7, 15, 21, 59, tzinfo=UTC), "15.07.2026", "23:59"),  # summer: UTC+2
    (datetime(2026, 5, 26, 22, 30, tzinfo=UTC), "27.05.2026", "00:30"),  # next day in Berlin
    (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "29.03.2026", "03:30"),   # just after the switch
])
def test_times_are_shown_in_berlin(templates, make_ctx, stamp, due_at, date_de, time):
    message = templates.reminder(make_ctx(due_at=due_at, days=0), [], [], now=stamp)
    assert f"heute, {date_de}, um {time} Uhr" in message.subject
    assert f"am {date_de} um {time} Uhr" in message.text
    assert f"am {date_de} um {time} Uhr" in message.html


def test_nobody_responsible_and_no_steps_still_say_what_to_do(templates, make_ctx, stamp):
    message = templates.reminder(make_ctx(responsible=[], next_steps=[]), [], [], now=stamp)
    assert "niemand eingetragen" in message.text and "niemand eingetragen" in message.html
    assert "verschieben oder aussetzen" in message.text


def test_unknown_language_is_refused(templates, make_ctx, stamp):
    with pytest.raises(BadInput, match="'fr'"):
        templates.reminder(make_ctx(language="fr"), [], [], now=stamp)
    with pytest.raises(BadInput, match="'fr'"):
        templates.digest([], [], "fr", AS_OF)


def test_a_due_time_without_zone_is_refused(make_ctx):
    with pytest.raises(ValueError, match="timezone-aware"):
        make_ctx(due_at=datetime(2026, 5, 26, 23, 59))
    with pytest.raises(ValueError, match="timezone-aware"):
        DigestItem(1, "p", "d", datetime(2026, 5, 26), 3, None)


def _digest_items() -> list[DigestItem]:
    due = datetime(2026, 5, 26, 21, 59, tzinfo=UTC)
    return [DigestItem(1, "Radweg Limmerstraße", "Antwortfrist", due, 6, None),
            DigestItem(2, "Spielplatz <Nord>", "Kommentierungsfrist", due - timedelta(days=20),
                       26, Person("Anna Lehmann", "anna@x.de"))]


@pytest.mark.parametrize(("language", "subject", "nobody"), [
    ("de", "Wochenübersicht: 2 überfällige Fristen (Stand 01.06.2026)", "niemand eingetragen"),
    ("en", "Weekly digest: 2 overdue deadlines (as of 1 June 2026)", "nobody recorded"),
])
def test_digest_lists_every_overdue_deadline_longest_first(templates, language, subject,
                                                           nobody):
    message = templates.digest(_digest_items(), ["k@x.de"], language, AS_OF)
    assert message.subject == subject
    assert (message.to, message.cc, message.ics) == (["k@x.de"], [], None)
    for part in (message.text, message.html):
        assert part.index("Spielplatz") < part.index("Radweg Limmerstraße")
        assert "26" in part and "Anna Lehmann" in part and "anna@x.de" in part
        assert nobody in part
    assert "Spielplatz <Nord>" in message.text
    assert "Spielplatz &lt;Nord&gt;" in message.html


def test_an_empty_digest_says_so(templates):
    de = templates.digest([], ["k@x.de"], "de", AS_OF)
    en = templates.digest([], ["k@x.de"], "en", AS_OF)
    assert de.subject == "Wochenübersicht: keine überfälligen Fristen (Stand 01.06.2026)"
    assert "Keine Frist ist überfällig" in de.text and "Keine Frist ist überfällig" in de.html
    assert "no deadline is overdue" in en.text


# --- overrides


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_an_override_replaces_only_its_template(tmp_path, make_ctx, stamp):
    _write(tmp_path, "reminder.de.subject.j2", "Frist {{ deadline_title }}: noch {{ days }}")
    _write(tmp_path, "reminder.de.html.j2", "<p>{{ process_title }}</p>")
    templates = Templates(tmp_path)
    message = templates.reminder(make_ctx(process_title="A & B"), [], [], now=stamp)
    assert message.subject == "Frist Kommentierungsfrist: noch 3"
    assert message.html == "<p>A &amp; B</p>"  # an override .html.j2 is escaped as well
    assert "Guten Tag" in message.text  # the built-in text part is still used


def test_a_text_override_is_never_escaped(tmp_path, make_ctx, stamp):
    _write(tmp_path, "reminder.de.txt.j2", "{{ process_title }}")
    message = Templates(tmp_path).reminder(make_ctx(process_title="A & <B>"), [], [], now=stamp)
    assert message.text == "A & <B>"


def test_an_override_partial_changes_reminder_and_escalation(tmp_path, make_ctx, stamp):
    _write(tmp_path, "_details.de.txt.j2", "Link: {{ link }}\n")
    templates = Templates(tmp_path)
    for escalation in (False, True):
        text = templates.reminder(make_ctx(escalation=escalation, days=-7), [], [],
                                  now=stamp).text
        assert text.endswith(f"Link: {make_ctx().link}\n")


@pytest.mark.parametrize(("name", "source", "problem"), [
    ("reminder.de.txt.j2", "{% if days > 0 %}\nno end", "TemplateSyntaxError"),
    ("escalation.en.html.j2", "<p>{{ process_titel }}</p>", "'process_titel' is undefined"),
    ("digest.de.txt.j2", "{% for item in items %}{{ item.owner }}{% endfor %}", "owner"),
    # only the "today" branch is wrong: the samples reach it all the same
    ("reminder.en.subject.j2", "{% if days == 0 %}{{ today_date }}{% else %}x{% endif %}",
     "'today_date' is undefined"),
    ("_details.de.html.j2", "{% for %}", "TemplateSyntaxError"),
    ("reminder.de.subject.j2", "{% if false %}x{% endif %}", "subject is empty"),
])
def test_a_broken_override_fails_at_construction_naming_the_file(tmp_path, name, source,
                                                                 problem):
    path = _write(tmp_path, name, source)
    with pytest.raises(BadInput) as raised:
        Templates(tmp_path)
    assert str(path) in str(raised.value)
    assert problem in str(raised.value)


def test_an_undefined_variable_names_the_line(tmp_path):
    path = _write(tmp_path, "reminder.de.txt.j2", "Guten Tag,\n\n{{ deadline_title }}\n"
                                                  "{{ wrong }}\n")
    with pytest.raises(BadInput, match=f"{path}:4: UndefinedError"):
        Templates(tmp_path)


def test_an_unknown_template_name_is_refused(tmp_path):
    path = _write(tmp_path, "reminder.de.text.j2", "typo in the name")
    with pytest.raises(BadInput, match="unknown template name") as raised:
        Templates(tmp_path)
    assert str(path) in str(raised.value)


def test_a_missing_override_folder_is_refused(tmp_path):
    with pytest.raises(BadInput, match="does not exist"):
        Templates(tmp_path / "nowhere")


def test_every_kind_has_three_parts_in_both_languages():
    assert len(TOP_LEVEL) == 4 * 3 * 2
    assert "answered.de.txt.j2" in TOP_LEVEL
    assert "digest.en.html.j2" in TOP_LEVEL and "escalation.de.subject.j2" in TOP_LEVEL
