"""Settings files: every top-level value must have its type, and the refusal names the file and
the key; environment variables override the file. No database is touched."""

from __future__ import annotations

from pathlib import Path

import pytest

from beteiligung.config.settings import HERE, load_settings
from beteiligung.states.errors import BadInput

GOOD = '''
database_url = "sqlite:////srv/beteiligung/b.db"
coordinators = ["Koordination@Hannover-Stadt.de", " zweite@hannover-stadt.de "]
districts = ["Mitte", "Nord"]
language = "en"
definition = "/srv/beteiligung/definition.toml"

[mail]
backend = "smtp"
host = "mail.example"
port = 465
timeout = 10

[reminders]
days_before = [7, 1]
on_the_day = false
'''


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    return path


def _load(path: Path, **env: str):
    return load_settings({"BETEILIGUNG_CONFIG": str(path), **env})


def test_a_good_file_is_read(tmp_path: Path):
    settings = _load(_write(tmp_path, GOOD))
    assert settings.database_url == "sqlite:////srv/beteiligung/b.db"
    assert settings.coordinators == {"koordination@hannover-stadt.de",
                                     "zweite@hannover-stadt.de"}
    assert settings.districts == ("Mitte", "Nord")
    assert settings.language == "en"
    assert settings.definition == Path("/srv/beteiligung/definition.toml")
    assert (settings.mail.backend, settings.mail.host, settings.mail.port) == (
        "smtp", "mail.example", 465)
    assert settings.mail.timeout == 10.0 and isinstance(settings.mail.timeout, float)
    assert settings.reminders.days_before == (7, 1)
    assert settings.reminders.on_the_day is False
    assert settings.reminders.overdue_every == 7  # not in the file: the default


def test_an_empty_file_keeps_the_defaults(tmp_path: Path):
    settings = _load(_write(tmp_path, ""))
    assert len(settings.districts) == 13 and settings.districts[0] == "Mitte"
    assert settings.coordinators == frozenset()
    assert settings.language == "de"
    assert settings.definition == HERE / "process_definition.toml"
    assert settings.database_url.startswith("sqlite:///")


def test_environment_variables_override_the_file(tmp_path: Path):
    settings = _load(_write(tmp_path, GOOD),
                     BETEILIGUNG_DATABASE_URL="postgresql://db.example/beteiligung",
                     BETEILIGUNG_COORDINATORS="Eins@hannover-stadt.de, zwei@hannover-stadt.de,",
                     BETEILIGUNG_LANG="de",
                     BETEILIGUNG_DEFINITION="/etc/beteiligung/other.toml",
                     BETEILIGUNG_MAIL_PORT="2525",
                     BETEILIGUNG_REMINDERS_DAYS_BEFORE="10,2")
    assert settings.database_url == "postgresql://db.example/beteiligung"
    assert settings.coordinators == {"eins@hannover-stadt.de", "zwei@hannover-stadt.de"}
    assert settings.language == "de"
    assert settings.definition == Path("/etc/beteiligung/other.toml")
    assert settings.mail.port == 2525
    assert settings.mail.host == "mail.example"  # the file still counts where env is silent
    assert settings.reminders.days_before == (10, 2)
    assert settings.districts == ("Mitte", "Nord")


@pytest.mark.parametrize(("text", "message"), [
    pytest.param('districts = "Mitte"', "districts must be a non-empty list of district names",
                 id="districts-string"),
    pytest.param("districts = []", "districts must be a non-empty list", id="districts-empty"),
    pytest.param('districts = ["Mitte", 3]', "districts: 3 is not a district name",
                 id="districts-number"),
    pytest.param('districts = ["Mitte", " "]', "districts: ' ' is not a district name",
                 id="districts-blank"),
    pytest.param('districts = ["Mitte", "Nord", "Mitte"]', "districts: 'Mitte' is listed twice",
                 id="districts-twice"),
    pytest.param('districts = {Mitte = true}', "districts must be a non-empty list",
                 id="districts-table"),
    pytest.param('coordinators = "a@hannover-stadt.de"',
                 "coordinators must be a list of e-mail addresses", id="coordinators-string"),
    pytest.param('coordinators = ["koordination"]',
                 "coordinators: 'koordination' is not an e-mail address",
                 id="coordinators-not-email"),
    pytest.param('coordinators = [42]', "coordinators: 42 is not an e-mail address",
                 id="coordinators-number"),
    pytest.param('coordinators = [""]', "coordinators: '' is not an e-mail address",
                 id="coordinators-empty-string"),
    pytest.param('language = "fr"', "language: 'fr' is not 'de' or 'en'", id="language-fr"),
    pytest.param('language = ["de"]', "language: ['de'] is not 'de' or 'en'",
                 id="language-list"),
    pytest.param('language = true', "language: True is not 'de' or 'en'", id="language-bool"),
    pytest.param('definition = 1', "definition must be a non-empty string, not a whole number",
                 id="definition-number"),
    pytest.param('definition = ["a.toml"]', "definition must be a non-empty string, not a list",
                 id="definition-list"),
    pytest.param('definition = ""', "definition must be a non-empty string", id="definition-empty"),
    pytest.param('database_url = 5432', "database_url must be a non-empty string, not a whole "
                 "number", id="database-url-number"),
    pytest.param('database_url = {host = "db"}', "database_url must be a non-empty string, not "
                 "a table", id="database-url-table"),
    pytest.param('database_url = ""', "database_url must be a non-empty string",
                 id="database-url-empty"),
    pytest.param('mail = "smtp"', "mail must be a table [mail], not a string", id="mail-string"),
    pytest.param('reminders = [14, 3]', "reminders must be a table [reminders], not a list",
                 id="reminders-list"),
    pytest.param('[mail]\nhots = "mail.example"', "[mail]: unknown key(s) hots",
                 id="mail-unknown-key"),
    pytest.param('[mail]\nport = "587"', "[mail] port: must be int, not str",
                 id="mail-port-string"),
    pytest.param('[mail]\nport = true', "[mail] port: must be int, not bool", id="mail-port-bool"),
    pytest.param('[reminders]\nevery = 3', "[reminders]: unknown key(s) every",
                 id="reminders-unknown-key"),
    pytest.param('[reminders]\ndays_before = 14', "[reminders] days_before: must be a list of "
                 "whole numbers", id="reminders-days-not-list"),
    pytest.param('[reminders]\non_the_day = "yes"', "[reminders] on_the_day: must be bool, not "
                 "str", id="reminders-flag-string"),
    pytest.param('colour = "blue"', "unknown setting(s) colour", id="unknown-key"),
])
def test_a_wrong_value_is_refused_naming_the_file_and_key(tmp_path: Path, text, message):
    path = _write(tmp_path, text + "\n")
    with pytest.raises(BadInput) as refused:
        _load(path)
    assert str(refused.value).startswith(f"settings file {path}: ")
    assert message in str(refused.value)


def test_a_wrong_value_is_refused_even_when_the_environment_overrides_it(tmp_path: Path):
    path = _write(tmp_path, "language = 1\n")
    with pytest.raises(BadInput, match="language: 1 is not"):
        _load(path, BETEILIGUNG_LANG="de")


@pytest.mark.parametrize(("env", "message"), [
    pytest.param({"BETEILIGUNG_LANG": "fr"}, "BETEILIGUNG_LANG: 'fr' is not 'de' or 'en'",
                 id="lang"),
    pytest.param({"BETEILIGUNG_COORDINATORS": "a@hannover-stadt.de,koordination"},
                 "BETEILIGUNG_COORDINATORS: 'koordination' is not an e-mail address",
                 id="coordinators"),
    pytest.param({"BETEILIGUNG_MAIL_PORT": "smtp"}, "BETEILIGUNG_MAIL_PORT: 'smtp' is not a int",
                 id="mail-port"),
])
def test_a_wrong_environment_variable_is_refused_naming_it(tmp_path: Path, env, message):
    with pytest.raises(BadInput) as refused:
        _load(_write(tmp_path, ""), **env)
    assert message in str(refused.value)


def test_a_missing_or_broken_file_is_refused_naming_it(tmp_path: Path):
    missing = tmp_path / "none.toml"
    with pytest.raises(BadInput, match="none.toml: file not found"):
        _load(missing)
    broken = _write(tmp_path, "districts = [\n")
    with pytest.raises(BadInput, match="settings.toml: not valid TOML"):
        _load(broken)
    with pytest.raises(BadInput, match="is a folder, not a file"):
        _load(tmp_path)  # a directory


def test_a_settings_file_replaces_the_register_of_departments(tmp_path: Path):
    settings = _load(_write(tmp_path, '[[departments]]\ncode = "18"\nname = "  Personal  und '
                            'Organisation"\ndirectorate = "Dezernat I"\n'))
    assert [(d.code, d.name, d.directorate) for d in settings.departments] == [
        ("18", "Personal und Organisation", "Dezernat I")]
    assert len(load_settings({}).departments) >= 4  # the default register


@pytest.mark.parametrize(("text", "says"), [
    ("departments = []", "departments must be a non-empty list of tables"),
    ('departments = ["67"]', "departments must be a non-empty list of tables"),
    ('[[departments]]\ncode = "67"\nname = "Umwelt"\n', "entry 1: needs exactly code, name "
     "and directorate (has code, name)"),
    ('[[departments]]\ncode = "67"\nname = ""\ndirectorate = "V"\n', "entry 1: name must be a "
     "non-empty string"),
    ('[[departments]]\ncode = "6 7"\nname = "U"\ndirectorate = "V"\n', "entry 1: code '6 7' "
     "must be one word"),
    ('[[departments]]\ncode = "67"\nname = "U"\ndirectorate = "V"\n[[departments]]\ncode = '
     '"67"\nname = "W"\ndirectorate = "V"\n', "the code '67' is listed twice"),
    ('[[departments]]\ncode = "67"\nname = "U"\ndirectorate = "V"\n[[departments]]\ncode = '
     '"68"\nname = "u"\ndirectorate = "V"\n', "the name 'u' is listed twice"),
])
def test_a_bad_register_of_departments_is_refused_naming_the_entry(tmp_path: Path, text, says):
    path = _write(tmp_path, text)
    with pytest.raises(BadInput) as refused:
        _load(path)
    assert str(refused.value).startswith(f"settings file {path}: departments")
    assert says in str(refused.value)
