"""Logging in to the HTML pages with an API token, and out again.

``GET /login`` shows a form (and sets the signed pre-login nonce cookie); ``POST /login`` takes
``token`` and ``csrf`` (``application/x-www-form-urlencoded``), checks the CSRF token against the
nonce cookie and the token against storage (it needs the ``read`` scope), then sets the session
cookie and redirects to ``/``. A failed login counts against the client's address
(:mod:`dashboard.throttle`); a throttled address gets the form back with ``429`` and
``Retry-After``, before its token is looked at. ``POST /logout`` (CSRF-checked) clears the
session. Forms are parsed with the standard library (no multipart support is needed or
installed).
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from dashboard.auth import (
    AuthConfig,
    ForbiddenError,
    check_throttle,
    client_address,
    form_post,
    public,
)
from dashboard.bodies import read_body
from dashboard.sessions import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    csrf_for,
    csrf_ok,
    decode_login_nonce,
    encode_login_nonce,
    encode_session,
    new_nonce,
)
from dashboard.templating import templates
from dashboard.tokens import check_token, principal_of
from storage.db import session_scope
from storage.enums import TokenScope
from storage.queries import touch_api_token
from storage.types import utc_now

log = logging.getLogger(__name__)

MAX_FORM_BYTES = 8 * 1024
LOGIN_NONCE_SECONDS = 3600


def _set_cookie(response: Response, auth: AuthConfig, name: str, value: str, age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=age,
        path="/",
        httponly=True,
        samesite="strict",
        secure=auth.secure_cookies,
    )


def throttled_message(retry_after: int) -> str:
    """What the login form says to a throttled client."""
    minutes = max(1, -(-retry_after // 60))
    unit = "minute" if minutes == 1 else "minutes"
    return f"Too many failed logins from your address; try again in {minutes} {unit}."


def login_page(request: Request, *, status_code: int, message: str | None = None) -> Response:
    """The login form (with a fresh CSRF nonce), with ``status_code``."""
    auth: AuthConfig = request.app.state.auth
    nonce = new_nonce()
    response = templates.TemplateResponse(
        request,
        "login.html",
        {"login_csrf": csrf_for(auth.secret_key, nonce), "message": message},
        status_code=status_code,
    )
    _set_cookie(
        response,
        auth,
        LOGIN_COOKIE,
        encode_login_nonce(auth.secret_key, nonce),
        LOGIN_NONCE_SECONDS,
    )
    return response


async def _form(request: Request) -> dict[str, str]:
    body = await read_body(request, limit=MAX_FORM_BYTES)
    try:
        fields = parse_qs(body.decode("utf-8", errors="replace"), max_num_fields=10)
    except ValueError:  # more fields than any of our forms has
        return {}
    return {name: values[0] for name, values in fields.items() if values}


@public
def login_form(request: Request) -> Response:
    return login_page(request, status_code=200)


@public
async def login(request: Request) -> Response:
    auth: AuthConfig = request.app.state.auth
    address = client_address(request)
    check_throttle(auth, address)
    form = await _form(request)
    nonce = decode_login_nonce(auth.secret_key, request.cookies.get(LOGIN_COOKIE, ""))
    if nonce is None or not csrf_ok(auth.secret_key, nonce, form.get("csrf")):
        return login_page(request, status_code=403, message="The form expired; try again.")

    def check() -> str | None:
        now = utc_now()
        with session_scope(auth.engine) as session:
            token = check_token(session=session, text=form.get("token", "").strip(), now=now)
            if token is None or not principal_of(token).allows(TokenScope.READ):
                return None
            assert token.id is not None
            touch_api_token(session=session, token_id=token.id, now=now)
            log.info("token %s logged in to the dashboard", token.name)
            return token.prefix

    prefix = await run_in_threadpool(check)
    if prefix is None:
        auth.throttle.record_failure(address)
        log.info("authentication failed: dashboard login")
        return login_page(request, status_code=401, message="Login failed.")
    expires = int(utc_now().timestamp()) + auth.session_seconds
    cookie = encode_session(auth.secret_key, prefix=prefix, expires=expires, nonce=new_nonce())
    response = RedirectResponse("/", status_code=303)
    _set_cookie(response, auth, SESSION_COOKIE, cookie, auth.session_seconds)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@form_post
async def logout(request: Request) -> Response:
    auth: AuthConfig = request.app.state.auth
    form = await _form(request)
    session = request.state.session
    if session is not None and not csrf_ok(auth.secret_key, session.nonce, form.get("csrf")):
        raise ForbiddenError("bad CSRF token")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
    return response


def add_login_routes(app: FastAPI) -> None:
    """Add ``GET/POST /login`` and ``POST /logout`` to ``app`` (kept out of the API docs)."""
    app.add_api_route(
        "/login", login_form, methods=["GET"], response_class=HTMLResponse, include_in_schema=False
    )
    app.add_api_route("/login", login, methods=["POST"], include_in_schema=False)
    app.add_api_route("/logout", logout, methods=["POST"], include_in_schema=False)
