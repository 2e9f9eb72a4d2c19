"""The settings: one frozen object read from the environment and an optional TOML file.

Precedence: environment variables, then the settings file (``BETEILIGUNG_CONFIG``, or
``settings.toml`` in the user's config directory when it exists), then ``defaults.toml``.
Each file is checked on reading: an unknown key or a value of the wrong type is refused with
``BadInput`` naming the file and the key.
Import rule: standard library, ``platformdirs`` and ``states`` (for errors); the checks of
the mail and reminder tables ask ``notifications.senders`` and ``holidays`` what they take.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..states.addresses import EMAIL
from ..states.departments import Department
from ..states.errors import BadInput
from ..states.textfile import load_toml, read_text
from . import department_register
from .audit_keys import AuditSettings

HERE = Path(__file__).parent
KEYS = ("database_url", "coordinators", "districts", "departments", "language", "definition",
        "mail", "reminders", "oversight", "web", "audit", "privacy", "retention")
LANGUAGES = ("de", "en")


@dataclass(frozen=True)
class PrivacySettings:
    """``[privacy]``: where the erasure log is (``docs/privacy.md``; default: beside the
    SQLite database, or in the user's data directory with PostgreSQL; keep it out of the
    database's backups: it is what ``privacy replay`` applies after one is restored), and the
    data-protection officer's contact for the public Datenschutzhinweis."""

    erasure_log: str = ""
    # who residents may ask about their data (the data-protection officer), shown on the
    # public Datenschutzhinweis: a name, an address, a phone number
    contact: str = ""


@dataclass(frozen=True)
class MailSettings:
    """How e-mail leaves: ``file`` (each message an .eml file in ``folder``) or ``smtp``."""

    backend: str = "file"
    folder: str = ""
    sender: str = "beteiligung@localhost"
    host: str = ""
    port: int = 587
    tls: str = "starttls"
    username: str = ""
    password: str = ""
    timeout: float = 30.0
    base_url: str = "http://127.0.0.1:8000"
    max_attempts: int = 8
    batch_size: int = 100


@dataclass(frozen=True)
class ReminderSettings:
    """When reminders go out and how the engine sets its own deadlines (days)."""

    days_before: tuple[int, ...] = (14, 3)
    on_the_day: bool = True
    overdue_every: int = 7
    escalate_after: int = 7
    hour: int = 8
    subdivision: str = "NI"
    answer_days: int = 30
    concept_comment_days: int = 28
    evaluation_days: int = 365
    sweep_minutes: int = 15
    deliver_minutes: int = 1
    templates: str = ""


@dataclass(frozen=True)
class OversightSettings:
    """The limits of ``audit stuck`` (days); the dwell limits are the definition's."""

    interim_days: int = 30
    hold_days: int = 90
    idle_days: int = 90
    critical_overdue_days: int = 30
    critical_factor: int = 2
    hold_repeat_count: int = 2
    hold_repeat_days: int = 30


@dataclass(frozen=True)
class WebSettings:
    """``beteiligung serve``: sessions, single sign-on and the limits of the public form."""

    session_hours: int = 10
    secure_cookies: str = "auto"
    """``auto``: cookies are Secure when the request came over HTTPS (behind a proxy, as its
    X-Forwarded-Proto says); ``always`` or ``never`` decide it outright."""
    trusted_header: str = ""
    """A header a reverse proxy sets to the signed-in person's e-mail address (single
    sign-on), like ``X-Remote-User``; empty (the default) turns it off."""
    trusted_proxies: str = ""
    """Comma-separated addresses of the reverse proxies in front (as the application sees
    them connect), whose ``X-Forwarded-For``, ``X-Forwarded-Proto`` and trusted header are
    believed; empty (the default) believes nobody, as ``serve`` is reached directly."""
    max_body_kb: int = 256
    suggestions_per_hour: int = 100
    """Suggestions one client address may send per hour on one process through the public
    form (a workshop on one network shares one address and comments on one process: 100
    leaves room for a room full of people; raise it for a bigger day)."""
    suggestion_max_chars: int = 5000
    sign_in_failures_per_account: int = 10
    """Failed sign-ins one account may have within ``sign_in_minutes`` before it has to
    wait; successful sign-ins do not count."""
    sign_in_failures_per_address: int = 50
    """Failed sign-ins from one client address (an office behind one address shares it)
    within ``sign_in_minutes``."""
    sign_in_minutes: int = 15
    refusals_recorded: int = 5
    """Refused steps or changes of one person on one process that the audit trail takes
    within ``refusal_minutes``; more are only counted, and the count is written with the next
    one recorded (``workflow.refusals``)."""
    refusal_minutes: int = 60
    csrf_secret: str = ""
    """The key that signs the CSRF token of browsers without a session (at least 32
    characters); empty (the default): a random key per server process. Several worker
    processes behind one proxy must share one."""


@dataclass(frozen=True)
class Settings:
    """Everything that can be configured."""

    database_url: str
    coordinators: frozenset[str]
    districts: tuple[str, ...]
    language: str = "de"
    definition: Path = HERE / "process_definition.toml"
    retention: Path = HERE / "retention.toml"
    """How long each kind of data is kept (``states.retention``)."""
    mail: MailSettings = MailSettings()
    reminders: ReminderSettings = ReminderSettings()
    oversight: OversightSettings = OversightSettings()
    web: WebSettings = WebSettings()
    audit: AuditSettings = AuditSettings()
    privacy: PrivacySettings = PrivacySettings()
    embedded: bool = False
    """The database is the embedded default (nothing configured): it creates and migrates
    itself on first use. A configured database must exist and be migrated with
    ``beteiligung db upgrade``, so that a mistyped URL is not a silent new database."""
    departments: tuple[Department, ...] = ()
    """The register of departments (Fachbereiche); empty: departments are free text."""

    @property
    def sqlite_path(self) -> Path | None:
        """The file of a SQLite database URL, if it names one."""
        if not self.database_url.startswith("sqlite:///"):
            return None
        path = self.database_url.removeprefix("sqlite:///").split("?", 1)[0]
        return Path(path) if path and path != ":memory:" else None


def default_database_url() -> str:
    """A SQLite file in the user's data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("beteiligung", appauthor=False))
    return f"sqlite:///{folder / 'beteiligung.db'}"


def _read_toml(path: Path, what: str) -> dict:
    """A settings file's table: known keys only, each value of the right type."""
    data = load_toml(read_text(path, what), f"{what} {path}")
    unknown = set(data) - set(KEYS)
    if unknown:
        raise BadInput(f"{what} {path}: unknown setting(s) {', '.join(sorted(unknown))} "
                       f"(known: {', '.join(KEYS)})")
    try:
        _check_values(data)
    except BadInput as exc:  # _section's messages start "settings [mail] ..."
        raise BadInput(f"{what} {path}: {str(exc).removeprefix('settings ')}") from None
    return data


def _check_values(data: dict) -> None:
    """Refuse a top-level value of the wrong type (``BadInput`` naming the key)."""
    for key, check in CHECKS.items():
        if key in data:
            check(key, data[key])
    for key, cls in (("mail", MailSettings), ("reminders", ReminderSettings),
                     ("oversight", OversightSettings), ("web", WebSettings),
                     ("audit", AuditSettings), ("privacy", PrivacySettings)):
        if key in data:
            if not isinstance(data[key], dict):
                raise BadInput(f"{key} must be a table [{key}], not {_kind(data[key])}")
            _section(cls, data[key], key, {})


def _kind(value: object) -> str:
    kinds = {bool: "a boolean", int: "a whole number", float: "a fraction", str: "a string",
             list: "a list", dict: "a table"}
    return kinds.get(type(value), type(value).__name__)


def _text(key: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        raise BadInput(f"{key} must be a non-empty string, not {_kind(value)}")


def _language(key: str, value: object) -> None:
    if value not in LANGUAGES:
        raise BadInput(f"{key}: {value!r} is not 'de' or 'en'")


def _districts(key: str, value: object) -> None:
    if not isinstance(value, list) or not value:
        raise BadInput(f"{key} must be a non-empty list of district names "
                       f"(like {key} = [\"Mitte\", \"Nord\"]), not {_kind(value)}")
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise BadInput(f"{key}: {name!r} is not a district name (a non-empty string)")
    if len(set(value)) != len(value):
        twice = next(n for n in value if value.count(n) > 1)
        raise BadInput(f"{key}: {twice!r} is listed twice")


def _coordinators(key: str, value: object) -> None:
    if not isinstance(value, list):
        raise BadInput(f"{key} must be a list of e-mail addresses "
                       f"(like {key} = [\"name@hannover-stadt.de\"]), not {_kind(value)}")
    for address in value:
        if not isinstance(address, str) or not EMAIL.match(address.strip()):
            raise BadInput(f"{key}: {address!r} is not an e-mail address "
                           f"(like name@hannover-stadt.de)")


CHECKS = {"database_url": _text, "definition": _text, "retention": _text,
          "language": _language,
          "districts": _districts, "departments": department_register.check,
          "coordinators": _coordinators}


def _read_files(env: Mapping[str, str]) -> dict:
    """``defaults.toml``, updated by the settings file when there is one."""
    data = _read_toml(HERE / "defaults.toml", "defaults")
    path = env.get("BETEILIGUNG_CONFIG")
    if not path:
        from platformdirs import user_config_dir

        candidate = Path(user_config_dir("beteiligung", appauthor=False)) / "settings.toml"
        path = str(candidate) if candidate.exists() else ""
    if path:
        data |= _read_toml(Path(path), "settings file")
    return data


def _coordinators_from(env: Mapping[str, str], data: dict) -> frozenset[str]:
    coordinators = data.get("coordinators", [])
    if env.get("BETEILIGUNG_COORDINATORS"):
        coordinators = [c for c in env["BETEILIGUNG_COORDINATORS"].split(",") if c.strip()]
        _coordinators("BETEILIGUNG_COORDINATORS", coordinators)
    return frozenset(c.strip().lower() for c in coordinators)


def _language_from(env: Mapping[str, str], data: dict) -> str:
    if env.get("BETEILIGUNG_LANG"):
        _language("BETEILIGUNG_LANG", env["BETEILIGUNG_LANG"])
        return env["BETEILIGUNG_LANG"]
    return data.get("language", "de")


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from ``environ`` (default: the process environment) and the files."""
    env = os.environ if environ is None else environ
    data = _read_files(env)
    if "BETEILIGUNG_DATABASE_URL" in env and not env["BETEILIGUNG_DATABASE_URL"].strip():
        raise BadInput(texts={
            "de": "BETEILIGUNG_DATABASE_URL ist gesetzt, aber leer: eine Datenbank-URL angeben "
                  "(sqlite:///pfad/zur/datei.db oder postgresql://...) oder die Variable "
                  "entfernen (unset), um die eingebettete Datenbank zu nutzen",
            "en": "BETEILIGUNG_DATABASE_URL is set but empty: give a database URL "
                  "(sqlite:///path/to/file.db or postgresql://...) or unset it to use the "
                  "embedded database"})
    url = env.get("BETEILIGUNG_DATABASE_URL") or data.get("database_url")
    definition = env.get("BETEILIGUNG_DEFINITION") or data.get("definition")
    retention = env.get("BETEILIGUNG_RETENTION") or data.get("retention")
    return Settings(
        mail=_in_ranges(_section(MailSettings, data.get("mail", {}), "mail", env), "mail"),
        reminders=_reminders(_section(ReminderSettings, data.get("reminders", {}),
                                      "reminders", env)),
        oversight=_section(OversightSettings, data.get("oversight", {}), "oversight", env),
        web=_web(_section(WebSettings, data.get("web", {}), "web", env)),
        audit=_section(AuditSettings, data.get("audit", {}), "audit", env),
        privacy=_section(PrivacySettings, data.get("privacy", {}), "privacy", env),
        database_url=url or default_database_url(),
        embedded=not url,
        coordinators=_coordinators_from(env, data),
        districts=tuple(data["districts"]),
        departments=department_register.entries(data.get("departments", [])),
        language=_language_from(env, data),
        definition=Path(definition) if definition else HERE / "process_definition.toml",
        retention=Path(retention) if retention else HERE / "retention.toml",
    )


# The range of each number a settings table holds: a value outside is refused when the
# settings are read, with the setting's name, before any job is scheduled (a negative interval
# made the scheduler spin, an hour of 25 or a period of a million days crashed it later).
RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "reminders": {"overdue_every": (1, 365), "escalate_after": (0, 365), "hour": (0, 23),
                  "answer_days": (1, 365), "concept_comment_days": (1, 365),
                  "evaluation_days": (1, 3650), "sweep_minutes": (1, 24 * 60),
                  "deliver_minutes": (1, 24 * 60)},
    "mail": {"port": (1, 65535), "timeout": (1, 600), "max_attempts": (1, 100),
             "batch_size": (1, 10_000)},
}
MAIL_BACKENDS = ("file", "smtp")


def _in_ranges(values, name: str):
    for key, (low, high) in RANGES[name].items():
        value = getattr(values, key)
        if not low <= value <= high:
            raise BadInput(texts={
                "de": f"Einstellung [{name}] {key}: {value} liegt nicht zwischen {low:g} und "
                      f"{high:g}",
                "en": f"settings [{name}] {key}: {value} is not between {low:g} and {high:g}"})
    if name == "mail":
        checks: list[tuple[str, tuple[str, ...]]] = [("backend", MAIL_BACKENDS)]
        if values.backend == "smtp":  # (the import costs every other command 80 ms)
            from ..notifications.senders import TLS_MODES

            checks.append(("tls", TLS_MODES))
        for key, allowed in checks:
            if getattr(values, key) not in allowed:
                raise BadInput(texts={
                    "de": f"Einstellung [mail] {key}: {getattr(values, key)!r} ist keiner von "
                          f"{', '.join(allowed)}",
                    "en": f"settings [mail] {key}: {getattr(values, key)!r} is not one of "
                          f"{', '.join(allowed)}"})
    return values


def _reminders(reminders: ReminderSettings) -> ReminderSettings:
    _in_ranges(reminders, "reminders")
    wrong = [d for d in reminders.days_before if not 1 <= d <= 365]
    if wrong or len(reminders.days_before) > 10:
        raise BadInput(texts={
            "de": "Einstellung [reminders] days_before: bis zu 10 Tage von 1 bis 365, nicht "
                  f"{list(reminders.days_before)}",
            "en": "settings [reminders] days_before: up to 10 days from 1 to 365, not "
                  f"{list(reminders.days_before)}"})
    if reminders.subdivision == ReminderSettings.subdivision:
        return reminders  # Lower Saxony, the default (importing holidays costs 50 ms)
    import holidays

    regions = [r for r in holidays.Germany.subdivisions if r.isupper()]
    if reminders.subdivision not in regions:
        raise BadInput(texts={
            "de": f"Einstellung [reminders] subdivision: {reminders.subdivision!r} ist kein "
                  f"Bundesland; eines von {', '.join(regions)} (NI: Niedersachsen)",
            "en": f"settings [reminders] subdivision: {reminders.subdivision!r} is not a German "
                  f"state; one of {', '.join(regions)} (NI: Lower Saxony)"})
    return reminders


def _web(web: WebSettings) -> WebSettings:
    if web.secure_cookies not in ("auto", "always", "never"):
        raise BadInput(f"settings [web] secure_cookies: {web.secure_cookies!r} is not auto, "
                       "always or never")
    for name, low, high in (("session_hours", 1, 24 * 30), ("max_body_kb", 16, 100_000),
                            ("suggestions_per_hour", 1, 10_000),
                            ("suggestion_max_chars", 100, 100_000),
                            ("sign_in_failures_per_account", 1, 10_000),
                            ("sign_in_failures_per_address", 1, 100_000),
                            ("sign_in_minutes", 1, 24 * 60),
                            ("refusals_recorded", 1, 10_000), ("refusal_minutes", 1, 7 * 24 * 60)):
        if not low <= getattr(web, name) <= high:
            raise BadInput(f"settings [web] {name}: {getattr(web, name)} is not between {low} "
                           f"and {high}")
    if web.csrf_secret and len(web.csrf_secret) < 32:
        raise BadInput("settings [web] csrf_secret: at least 32 characters, e.g. from "
                       "python3 -c 'import secrets; print(secrets.token_urlsafe(32))'")
    if web.trusted_header and not re.fullmatch(r"[A-Za-z0-9-]{1,64}", web.trusted_header):
        raise BadInput(f"settings [web] trusted_header: {web.trusted_header!r} is not a header "
                       "name (letters, digits and dashes)")
    return web


def _section(cls: type, raw: dict, name: str, env: Mapping[str, str]):
    """A settings table: known keys only, each of its default's type; environment variables
    ``BETEILIGUNG_<TABLE>_<KEY>`` (e.g. ``BETEILIGUNG_MAIL_PASSWORD``) override the file."""
    defaults = cls()
    values = {}
    for f in dataclasses.fields(cls):
        key = f"BETEILIGUNG_{name.upper()}_{f.name.upper()}"
        if key in env:
            values[f.name] = _coerce(f"{key}", env[key], getattr(defaults, f.name))
    unknown = set(raw) - {f.name for f in dataclasses.fields(cls)}
    if unknown:
        raise BadInput(f"settings [{name}]: unknown key(s) {', '.join(sorted(unknown))}")
    for field_name, value in raw.items():
        values.setdefault(field_name, _check_type(f"[{name}] {field_name}", value,
                                                  getattr(defaults, field_name)))
    return cls(**values)


def _check_type(where: str, value, default):
    if isinstance(default, tuple):
        if not isinstance(value, list) or not all(isinstance(v, int) for v in value):
            raise BadInput(f"settings {where}: must be a list of whole numbers")
        return tuple(value)
    if isinstance(default, float) and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if type(value) is not type(default):
        raise BadInput(f"settings {where}: must be {type(default).__name__}, not "
                       f"{type(value).__name__}")
    return value


def _coerce(where: str, text: str, default):
    try:
        if isinstance(default, bool):
            return text.strip().lower() in ("1", "true", "yes", "on")
        if isinstance(default, tuple):
            return tuple(int(v) for v in text.split(",") if v.strip())
        return type(default)(text)
    except ValueError:
        raise BadInput(f"{where}: {text!r} is not a {type(default).__name__}") from None
