"""Server-rendered pages: the Jinja2 environment, the page texts in German and English, and
``render``, which every HTML route answers with.

Templates live in ``web/templates`` and extend ``base.html`` (skip link, header with the
language switch and the signed-in person, main landmark). Autoescaping is on for every
template: user text is escaped wherever it appears. Texts are looked up with ``t('key')``;
each area of the site passes its own table, falling back to ``COMMON``.
Import rule: ``workflow``, ``config`` and Jinja2/Starlette (an entrypoint module).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import cache
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

Texts = Mapping[str, tuple[str, str]]
BERLIN = ZoneInfo("Europe/Berlin")

COMMON: Texts = {
    "site": ("Bürgerbeteiligung Hannover", "Citizen participation Hannover"),
    "skip": ("Zum Inhalt springen", "Skip to content"),
    "vorhabenliste": ("Vorhabenliste", "List of projects"),
    "staff": ("Mitarbeitende", "Staff"),
    "my_processes": ("Meine Verfahren", "My processes"),
    "sign_in": ("Anmelden", "Sign in"),
    "sign_out": ("Abmelden", "Sign out"),
    "signed_in_as": ("Angemeldet als", "Signed in as"),
    "email": ("E-Mail-Adresse", "E-mail address"),
    "password": ("Passwort", "Password"),
    "sign_in_failed": ("Anmeldung fehlgeschlagen: E-Mail-Adresse oder Passwort stimmt nicht, "
                       "oder das Konto ist gesperrt.",
                       "Sign-in failed: the address or password is wrong, or the account is "
                       "disabled."),
    "sign_in_wait": ("Zu viele fehlgeschlagene Anmeldungen für dieses Konto oder von diesem "
                     "Anschluss: Bitte warten Sie {n} Minuten und versuchen Sie es dann noch "
                     "einmal.",
                     "Too many failed sign-ins for this account or from this connection: "
                     "please wait {n} minutes and try again."),
    "language": ("Sprache", "Language"),
    "error": ("Fehler", "Error"),
    "back_home": ("Zur Startseite", "To the start page"),
    "coordination": ("Koordinierung", "Coordination"),
    "csrf_failed": ("Das Formular ist abgelaufen oder kam nicht von dieser Seite. Bitte laden "
                    "Sie die Seite neu und senden Sie es noch einmal.",
                    "The form expired or did not come from this site. Reload the page and "
                    "send it again."),
}
STATUS: Texts = {
    "400": ("Ungültige Eingabe", "Bad input"),
    "401": ("Anmeldung nötig", "Sign-in required"),
    "403": ("Nicht erlaubt", "Not permitted"),
    "404": ("Nicht gefunden", "Not found"),
    "405": ("Methode nicht erlaubt", "Method not allowed"),
    "409": ("Konflikt", "Conflict"),
    "413": ("Zu groß", "Too large"),
    "422": ("Schritt verweigert", "Step refused"),
    "429": ("Zu viele Anfragen", "Too many requests"),
    "503": ("Vorübergehend nicht verfügbar", "Temporarily unavailable"),
}


@cache
def templates() -> Environment:
    """The one template environment (built on first use, not at import)."""
    environment = Environment(loader=PackageLoader("beteiligung.web", "templates"),
                              autoescape=select_autoescape(default=True),
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    environment.filters["local"] = local_time
    return environment


def local_time(moment: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """A stored UTC time as Hannover's wall clock."""
    return "" if moment is None else moment.astimezone(BERLIN).strftime(fmt)


def language(request: Request) -> str:
    """The language of this request (``?lang=``, else the ``lang`` cookie, else settings)."""
    return request.state.lang


def translator(lang: str, texts: Texts | None = None):
    """``t(key)``: the text in ``lang`` from ``texts``, then ``COMMON``, then ``STATUS``."""
    index = 0 if lang == "de" else 1

    def t(key: str) -> str:
        for table in (texts or {}, COMMON, STATUS):
            if key in table:
                return table[key][index]
        raise KeyError(f"no page text {key!r}")

    return t


def switch_url(request: Request, lang: str) -> str:
    """This page in the other language: a relative link (only a query), so a path like
    ``//elsewhere`` can never make it point to another site."""
    query = dict(request.query_params) | {"lang": lang}
    return "?" + urlencode(query)


def render(request: Request, name: str, texts: Texts | None = None, status: int = 200,
           **context) -> HTMLResponse:
    """The page ``name`` with the shared context (language, person, CSRF token, texts)."""
    lang = language(request)
    page = templates().get_template(name).render(
        request=request, lang=lang, t=translator(lang, texts), me=request.state.identity,
        csrf=request.state.csrf, path=request.url.path,
        other_lang="en" if lang == "de" else "de",
        switch=switch_url(request, "en" if lang == "de" else "de"), **context)
    return HTMLResponse(page, status_code=status)
