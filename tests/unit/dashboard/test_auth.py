"""Every route but health and the login form needs a token; scopes, revocation, expiry, and the
login / session cookie / CSRF flow, over real HTTP on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from fastapi.routing import APIRoute
from sqlalchemy import Engine
from sqlmodel import Session, select

from dashboard.app import DashboardConfig, create_app
from dashboard.auth import policy_of
from dashboard.sessions import SESSION_COOKIE, encode_session
from dashboard.throttle import ThrottleLimits
from storage.db import session_scope
from storage.models import ApiToken
from storage.queries import revoke_api_token
from tests.unit.dashboard.conftest import MakeToken, ServeDashboard

PUBLIC = {("GET", "/api/health"), ("GET", "/login"), ("POST", "/login")}
PATH_VALUES = {"alert_id": "1", "sha256": "a" * 64}


def concrete(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES[m.group(1)], path)


def all_routes(engine: Engine) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves; fails if one is not a guarded APIRoute."""
    app = create_app(DashboardConfig(engine=engine, evidence_dir=Path("."), secret_key=b"k" * 32))
    routes = []
    for route in app.routes:
        assert isinstance(route, APIRoute), f"{route} is not an APIRoute: the guard skips it"
        routes.extend((method, route.path) for method in sorted(route.methods))
    return routes


def test_only_health_and_login_are_public(engine: Engine) -> None:
    app = create_app(DashboardConfig(engine=engine, evidence_dir=Path("."), secret_key=b"k" * 32))
    public = {
        (method, route.path)
        for route in app.routes
        if isinstance(route, APIRoute) and policy_of(route.endpoint).scope is None
        for method in route.methods
    }
    assert public == PUBLIC


def test_every_other_route_refuses_missing_bad_revoked_and_expired_credentials(
    engine: Engine, make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    revoked = make_token("gone", "admin")
    with session_scope(engine) as session:
        revoke_api_token(session=session, name="gone", now=datetime.now(UTC))
    expired = make_token("old", "admin", expires_at=datetime.now(UTC) - timedelta(seconds=1))
    valid = make_token("good", "admin")
    forged = valid[:-4] + ("AAAA" if not valid.endswith("AAAA") else "BBBB")
    attempts = {
        "none": {},
        "garbage": {"Authorization": "Bearer nonsense"},
        "forged": {"Authorization": f"Bearer {forged}"},
        "revoked": {"Authorization": f"Bearer {revoked}"},
        "expired": {"Authorization": f"Bearer {expired}"},
        "basic": {"Authorization": "Basic dXNlcjpwYXNz"},
        "cookie": {"Cookie": f"{SESSION_COOKIE}=abc.1.x.y"},
    }
    routes = [r for r in all_routes(engine) if r not in PUBLIC]
    assert ("POST", "/api/scan") in routes and ("GET", "/") in routes
    failures = []
    # Hundreds of bad tokens from one address: throttling is tested in test_throttle.py.
    no_throttle = ThrottleLimits(max_failures=100_000)
    with (
        serve_dashboard(throttle=no_throttle) as served,
        httpx.Client(base_url=served.base_url) as http,
    ):
        for method, path in routes:
            for what, headers in attempts.items():
                response = http.request(method, concrete(path), headers=headers, content=b"x")
                if response.status_code != 401:
                    failures.append(f"{method} {path} with {what}: {response.status_code}")
                elif path.startswith("/api/") and response.json() != {
                    "detail": "not authenticated"
                }:
                    failures.append(f"{method} {path} with {what} says {response.text}")
            ok = http.request(method, concrete(path), headers={"Authorization": f"Bearer {valid}"})
            if ok.status_code in (401, 403):
                failures.append(f"{method} {path} refuses a valid admin token")
        assert http.get("/api/health").status_code == 200
        assert http.get("/login").status_code == 200
    assert not failures, "\n".join(failures)


def test_wrong_scope_is_403_and_admin_allows_all(
    make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    read, scan = make_token("reader", "read"), make_token("gateway", "scan")
    with serve_dashboard() as served, httpx.Client(base_url=served.base_url) as http:
        as_scan = {"Authorization": f"Bearer {scan}"}
        as_read = {"Authorization": f"Bearer {read}"}
        assert http.get("/api/alerts", headers=as_scan).status_code == 403
        assert http.get("/", headers=as_scan).status_code == 403
        assert http.post("/api/scan", headers=as_read, content=b"a,b\n").status_code == 403
        assert http.get("/api/alerts", headers=as_read).status_code == 200
        # The scan scope is right; this server has no fingerprint configured.
        assert http.post("/api/scan", headers=as_scan, content=b"a,b\n").status_code == 503


def test_use_is_recorded(
    engine: Engine, make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    read = make_token("reader", "read")
    with serve_dashboard() as served, httpx.Client(base_url=served.base_url) as http:
        assert http.get("/api/alerts", headers={"Authorization": f"Bearer {read}"}).is_success
    with Session(engine) as session:
        row = session.exec(select(ApiToken).where(ApiToken.name == "reader")).one()
    assert row.last_used_at is not None
    assert row.token_hash != read and read not in row.model_dump_json()


def _login_csrf(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, page
    return match.group(1)


def test_login_sets_a_strict_httponly_session_and_logout_needs_csrf(
    engine: Engine, make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    read, scan = make_token("analyst", "read"), make_token("gateway", "scan")
    with serve_dashboard() as served, httpx.Client(base_url=served.base_url) as http:
        form = http.get("/login")
        assert form.status_code == 200
        assert "httponly" in form.headers["set-cookie"].lower()
        assert http.post("/login", data={"token": read, "csrf": "forged"}).status_code == 403
        stuffed = {f"f{i}": "x" for i in range(50)} | {"token": read}
        assert http.post("/login", data=stuffed).status_code == 403
        assert http.post("/login", content=b"t" * 10_000).status_code == 413

        # No or wrong CSRF token: refused before the token is even looked at. Each answer is a
        # fresh form (new nonce cookie): the next attempt uses that form's CSRF token.
        refused = http.post("/login", data={"token": read})
        assert refused.status_code == 403
        refused = http.post("/login", data={"token": read, "csrf": _login_csrf(refused.text) + "x"})
        assert refused.status_code == 403
        # Wrong token, or a token without the read scope: the same 401.
        bad = http.post(
            "/login", data={"token": "cw_000000000000_nope", "csrf": _login_csrf(refused.text)}
        )
        assert bad.status_code == 401 and "Login failed." in bad.text
        bad = http.post("/login", data={"token": scan, "csrf": _login_csrf(bad.text)})
        assert bad.status_code == 401 and "Login failed." in bad.text

        done = http.post("/login", data={"token": read, "csrf": _login_csrf(bad.text)})
        assert done.status_code == 303 and done.headers["location"] == "/"
        cookie = done.headers["set-cookie"]
        assert cookie.startswith(f"{SESSION_COOKIE}=")
        assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert read.split("_", 2)[2] not in cookie  # the token's secret is never in the cookie

        page = http.get("/")
        assert page.status_code == 200 and "analyst" in page.text
        assert http.get("/api/alerts").status_code == 200  # a session may read the API
        # ...but not POST anywhere but its own forms, and logout wants the page's CSRF token.
        assert http.post("/api/scan", content=b"a,b\n").status_code == 403
        assert http.post("/logout", data={"csrf": "forged"}).status_code == 403
        assert http.get("/").status_code == 200
        out = http.post("/logout", data={"csrf": _login_csrf(page.text)})
        assert out.status_code == 303
        assert http.get("/").status_code == 401


def test_revoking_a_token_ends_its_sessions_and_forged_cookies_fail(
    engine: Engine, make_token: MakeToken, serve_dashboard: ServeDashboard
) -> None:
    read = make_token("analyst", "read")
    with serve_dashboard() as served, httpx.Client(base_url=served.base_url) as http:
        csrf = _login_csrf(http.get("/login").text)
        assert http.post("/login", data={"token": read, "csrf": csrf}).status_code == 303
        assert http.get("/").status_code == 200
        session_cookie = http.cookies[SESSION_COOKIE]
        prefix = session_cookie.split(".")[0]
        with session_scope(engine) as session:
            revoke_api_token(session=session, name="analyst", now=datetime.now(UTC))
        refused = http.get("/")
        assert refused.status_code == 401 and 'action="/login"' in refused.text

        other_key = encode_session(b"x" * 32, prefix=prefix, expires=2**40, nonce="n")
        right_key_expired = encode_session(served.secret_key, prefix=prefix, expires=1, nonce="n")
        for value in (other_key, right_key_expired, session_cookie + "x"):
            headers = {"Cookie": f"{SESSION_COOKIE}={value}"}
            assert httpx.get(f"{served.base_url}/", headers=headers).status_code == 401
