"""The addresses of the web application's pages that other parts link to, by route name.

``web`` registers these routes under these names and paths, and the mail composer builds the
links of reminders, escalations and digests from them, so a link in an e-mail is a page that
exists: ``tests/web/test_mail_links.py`` checks that the application's own ``url_path_for``
gives each of them, and follows every link of every template to a page.
Import rule: standard library only.
"""

from __future__ import annotations

ROUTES: dict[str, str] = {
    "staff_process": "/intern/verfahren/{process_id}",
    "coordination_stuck": "/intern/koordinierung/haengend",
    "public_process": "/vorhaben/{process_id}",
    "privacy_notice": "/datenschutz",
}


def path(name: str, **params: object) -> str:
    """The path of route ``name`` with its parameters filled in."""
    return ROUTES[name].format(**params)


def url(base: str, name: str, **params: object) -> str:
    """The full address of route ``name`` under ``base`` (``[mail] base_url``)."""
    return base.rstrip("/") + path(name, **params)
