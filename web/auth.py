"""Who is asking, and whether they may: sessions, the trusted header, API tokens and CSRF.

- Staff pages: a session cookie from the sign-in form (local accounts), or, when the settings
  name a ``trusted_header`` and the request comes from one of ``trusted_proxies``, the address
  in that header (single sign-on at a reverse proxy). No identity: a redirect to sign-in.
- The API: ``Authorization: Bearer <token>`` with a personal token (``beteiligung token
  create``); no or a bad token is a 401. Cookies do not authorise API calls, so the API needs
  no CSRF protection.
- Forms: every POST carries ``csrf``. With a session it must be the session's own token
  (``workflow.sessions.csrf_token``, derived from the session secret, so it changes at every
  sign-in and a cookie planted by a neighbouring host cannot match it); without one (sign-in,
  the public form, single sign-on) it must equal the CSRF cookie and carry the server's
  signature (``web.csrf``: double submit of a signed token; the cookie is HttpOnly and
  SameSite=Strict, and ``__Host-btg_csrf`` over HTTPS).
- Failed sign-ins are limited per account and per client address (``[web]
  sign_in_failures_per_account`` and ``sign_in_failures_per_address`` within
  ``sign_in_minutes``): after that the form answers 429 for the rest of the window, so
  passwords cannot be guessed at speed. Successful sign-ins never count, so an office
  behind one address or a whole team signing in at nine is not locked out.
- Signing in without a ``next`` page leads a coordinator to the stuck list, everyone else to
  their processes.
- Behind one of ``trusted_proxies``, ``X-Forwarded-Proto`` says whether the visitor used
  HTTPS (``serve`` runs uvicorn without its own proxy-header handling, so the app sees the
  proxy's address and decides what to believe).

Cookies are HttpOnly and SameSite; Secure when the request came over HTTPS (settings
``secure_cookies``). What each route may do is then decided by ``workflow`` by e-mail address.
Import rule: ``workflow``, ``config`` and FastAPI/Starlette.
"""

from __future__ import annotations

import hmac
from datetime import timedelta
from urllib.parse import quote

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from ..config.settings import WebSettings
from ..workflow import sessions
from ..workflow.core import Env
from ..workflow.sessions import Identity
from .csrf import Signer, cookie_name
from .limits import SlidingWindow, client_key
from .pages import render

SESSION_COOKIE = "btg_session"
LANG_COOKIE = "lang"
LANGUAGES = ("de", "en")
STUCK_LIST = "/intern/koordinierung/haengend"


class SignInRequired(Exception):
    """No identity where one is needed: pages redirect to the sign-in form, the API says 401."""


class CsrfFailed(Exception):
    """A form without the right CSRF token: 403."""


def resolve(request: Request, env: Env, web: WebSettings, signer: Signer) -> None:
    """Set ``request.state`` ``identity``, ``session``, ``csrf`` (the token this page's forms
    carry), ``pre_csrf`` (the browser's signed pre-session token) and ``lang``."""
    state = request.state
    state.session = None
    state.identity = None
    state.csrf_cookie = cookie_name(is_https(request, web) and secure_cookies(request, web))
    planted = request.cookies.get(state.csrf_cookie)
    state.new_csrf = not signer.valid(planted)   # none, or not ours: hand out a signed one
    state.pre_csrf = signer.new() if state.new_csrf else planted
    state.csrf = state.pre_csrf
    asked = request.query_params.get("lang")
    state.set_lang = asked if asked in LANGUAGES else None
    cookie_lang = request.cookies.get(LANG_COOKIE)
    state.lang = state.set_lang or (cookie_lang if cookie_lang in LANGUAGES else env.language)
    if request.url.path.startswith("/api/"):
        state.identity = _bearer(request, env)
        return
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        state.identity = sessions.identify(env, sessions.SESSION, secret)
        state.session = secret if state.identity else None
        if state.session:
            state.csrf = sessions.csrf_token(secret)
    if state.identity is None and web.trusted_header and _from_proxy(request, web):
        values = request.headers.getlist(web.trusted_header)
        if len(values) == 1:   # two lines: someone besides the proxy set one
            state.identity = sessions.trusted(env, values[0])


def finish(request: Request, response: Response, web: WebSettings) -> None:
    """Set the cookies this request started: the CSRF cookie and a chosen language."""
    secure = secure_cookies(request, web)
    if request.state.new_csrf and response.headers.get("content-type", "").startswith(
            "text/html"):
        response.set_cookie(request.state.csrf_cookie, request.state.pre_csrf, httponly=True,
                            samesite="strict", secure=secure, path="/")
    if request.state.set_lang:
        response.set_cookie(LANG_COOKIE, request.state.set_lang, max_age=365 * 86400,
                            httponly=True, samesite="lax", secure=secure, path="/")


def secure_cookies(request: Request, web: WebSettings) -> bool:
    """Whether this response's cookies are Secure (``[web] secure_cookies``)."""
    if web.secure_cookies != "auto":
        return web.secure_cookies == "always"
    return is_https(request, web)


def is_https(request: Request, web: WebSettings) -> bool:
    """Whether the visitor used HTTPS: directly, or as a trusted proxy's
    ``X-Forwarded-Proto`` says."""
    if request.url.scheme == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[-1].strip()
    return forwarded == "https" and _from_proxy(request, web)


def _from_proxy(request: Request, web: WebSettings) -> bool:
    client = request.client.host if request.client else ""
    return client in {p.strip() for p in web.trusted_proxies.split(",") if p.strip()}


def _bearer(request: Request, env: Env) -> Identity | None:
    scheme, _, secret = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return sessions.identify(env, sessions.API, secret.strip())


def staff(request: Request) -> Identity:
    """Dependency: the signed-in person, or ``SignInRequired``."""
    if request.state.identity is None:
        raise SignInRequired()
    return request.state.identity


def check_csrf(request: Request, token: str | None) -> None:
    """``CsrfFailed`` unless ``token`` is this session's (or, without a session, this
    browser's signed) CSRF token."""
    state = request.state
    session = getattr(state, "session", None)
    expected: str | None
    if session:
        expected = sessions.csrf_token(session)
    else:   # the cookie's token, if it carried our signature (checked in ``resolve``)
        expected = None if getattr(state, "new_csrf", True) else state.pre_csrf
    if not expected or not token or not hmac.compare_digest(
            expected.encode("utf-8"), token.encode("utf-8", "replace")):
        raise CsrfFailed()


def safe_next(target: str | None) -> str:
    """A local path to go on to after signing in (never another site); empty when none was
    asked for."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return ""
    return target


def landing(identity: Identity) -> str:
    """Where a sign-in without a ``next`` page leads: a coordinator's work starts at the
    stuck list, a lead's at their processes."""
    return STUCK_LIST if identity.coordinator else "/intern"


def router(env: Env, web: WebSettings) -> APIRouter:
    """``/anmelden`` (GET form, POST sign-in) and ``/abmelden`` (POST)."""
    routes = APIRouter(include_in_schema=False)
    window = timedelta(minutes=web.sign_in_minutes)
    by_address = SlidingWindow(web.sign_in_failures_per_address, env.clock, window)
    by_account = SlidingWindow(web.sign_in_failures_per_account, env.clock, window)

    @routes.get("/anmelden")
    def sign_in_form(request: Request, next: str | None = None):
        if request.state.identity is not None:
            return RedirectResponse(safe_next(next) or landing(request.state.identity),
                                    status_code=303)
        return render(request, "sign_in.html", next=safe_next(next), failed=False,
                      email="", wait=0)

    @routes.post("/anmelden")
    def sign_in(request: Request, email: str = Form("", max_length=320),
                password: str = Form("", max_length=1024), csrf: str = Form(""),
                next: str = Form("")):
        check_csrf(request, csrf)
        address, account = client_key(request, web), email.strip().lower()
        if by_address.full(address) or by_account.full(account):
            return render(request, "sign_in.html", status=429, next=safe_next(next),
                          failed=False, email=email, wait=web.sign_in_minutes)
        found = sessions.sign_in(env, email, password, web.session_hours) if email else None
        if found is None:
            by_address.record(address)
            by_account.record(account)
            return render(request, "sign_in.html", status=401, next=safe_next(next),
                          failed=True, email=email, wait=0)
        secret, identity = found
        if request.state.session:   # a new sign-in replaces the session this browser had
            sessions.sign_out(env, request.state.session)
        response = RedirectResponse(safe_next(next) or landing(identity), status_code=303)
        response.set_cookie(SESSION_COOKIE, secret, max_age=web.session_hours * 3600,
                            httponly=True, samesite="lax", secure=secure_cookies(request, web),
                            path="/")
        return response

    @routes.post("/abmelden")
    def sign_out(request: Request, csrf: str = Form("")):
        check_csrf(request, csrf)
        if request.state.session:
            sessions.sign_out(env, request.state.session)
        response = RedirectResponse("/", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    return routes


def sign_in_url(request: Request) -> str:
    """The sign-in form, coming back to this page."""
    return "/anmelden?next=" + quote(request.url.path)
