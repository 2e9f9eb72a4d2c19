"""Every page fits a 375 px phone: at a 375 px wide viewport the document is no wider than
the screen (``document.documentElement.scrollWidth``), in German and in English, for the
public pages, the sign-in form, the staff pages (with the confirmation page of cancelling)
and the coordinators' pages. Wide tables may scroll inside their own box; the page may not.

The pages and their content are those of ``test_scenarios_axe`` (one process open for
comments with dialogue events, one closed with its evaluation, an idle one, a failed
e-mail).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PHONE = {"width": 375, "height": 740}
# The innermost elements that reach past the screen's right edge, to say what to fix.
CULPRITS = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 0.5
          && !e.closest('.hp, .skip')
          && !(e.closest('.scroll') && getComputedStyle(e).position !== 'absolute')
          && ![...e.children].some(c => c.getBoundingClientRect().right > innerWidth + 0.5))
  .slice(0, 3)
  .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
            + (e.className ? '.' + e.className : '') + ' '
            + Math.round(e.getBoundingClientRect().right) + 'px'
            + (e.closest('.scroll') ? ' (in a scroll box)' : ''))"""


def _pages_module():
    name = "_beteiligung_tests_browser_axe"
    if name not in sys.modules:
        path = Path(__file__).with_name("test_scenarios_axe.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def phone(browser, site):
    context = browser.new_context(base_url=site.url, locale="de-DE", viewport=PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_every_page_fits_a_375_px_phone(site, phone, sign_in, shot):
    pages = _pages_module()
    ids = pages.populate(site)
    site.add_user(site.COORDINATOR, "Kim Koordination", role="coordinator")
    public = ["/", f"/vorhaben/{ids['open']}", f"/vorhaben/{ids['closed']}", "/anmelden"]
    staff = pages.staff_pages(ids) + [
        f"/intern/verfahren/{ids['open']}/weiter?trigger=cancel"]
    too_wide: list[str] = []

    def measure(url: str, lang: str) -> None:
        answer = phone.goto(pages.with_lang(url, lang))
        assert answer.status == 200, (url, answer.status)
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["width"]:
            culprits = ", ".join(phone.evaluate(CULPRITS))
            too_wide.append(f"{url} ({lang}): {width} px ({culprits})")

    for lang in ("de", "en"):
        for url in public:
            measure(url, lang)
    for name, url in (("12-vorhabenliste-375px", "/"),
                      ("13-vorhaben-375px", f"/vorhaben/{ids['open']}")):
        phone.goto(pages.with_lang(url, "de"))
        shot(phone, name)
    sign_in(phone, site.COORDINATOR)
    for lang in ("de", "en"):
        for url in staff:
            measure(url, lang)
    for name, url in (("11-prozessseite-375px", f"/intern/verfahren/{ids['open']}"),
                      ("14-startseite-375px", "/intern"),
                      ("15-haengend-375px", "/intern/koordinierung/haengend")):
        phone.goto(pages.with_lang(url, "de"))
        shot(phone, name)
    assert not too_wide, "wider than a 375 px phone:\n" + "\n".join(too_wide)
