"""Who may call which route: one guard on every route, deny by default.

Every route of the app passes :func:`guard` (an app-wide dependency). A route is *public* only when
its endpoint is marked with :func:`public`; otherwise it needs a token with its scope
(:func:`requires`, default ``read``; ``admin`` allows everything). Credentials are a bearer token
(``Authorization: Bearer cw_...``) on any route, or the signed session cookie the login form sets
(:mod:`dashboard.sessions`). A cookie authorises only safe methods (GET, HEAD), except on
endpoints marked :func:`form_post`, which check the form's CSRF token themselves. Every failure
is the same ``401`` (no reason given to the caller; the reason is logged at INFO, never the
token); a valid token without the scope gets ``403``. A bearer token that fails counts against
the client's address (:mod:`dashboard.throttle`); a throttled address gets ``429`` for every
bearer token, good or bad, before the token is looked at. Session cookies are not throttled
(they are HMAC-signed, so there is nothing to guess), so an analyst who is logged in keeps working
while a guesser behind the same address is shut out.

    AuthError               base
    ├── NotAuthenticatedError   no, unknown, revoked or expired credentials  -> 401
    ├── ForbiddenError          valid credentials, not allowed here          -> 403
    └── ThrottledError          too many failed tokens from this address     -> 429
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.engine import Engine

from dashboard.sessions import SESSION_COOKIE, decode_session
from dashboard.throttle import FailureThrottle, ThrottleLimits
from dashboard.tokens import Principal, check_token, principal_of
from storage.db import session_scope
from storage.enums import TokenScope
from storage.models import ApiToken
from storage.queries import find_api_token, touch_api_token
from storage.types import utc_now

log = logging.getLogger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD"})
POLICY_ATTRIBUTE = "__cohortwatch_auth__"
EndpointT = TypeVar("EndpointT", bound=Callable[..., Any])


class AuthError(Exception):
    """A request was refused by the guard."""


class NotAuthenticatedError(AuthError):
    """No valid credentials (the caller is told nothing more)."""


class ForbiddenError(AuthError):
    """Valid credentials that do not allow this route or method."""


class ThrottledError(AuthError):
    """Too many failed authentications from the caller's address; try after ``retry_after``."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("too many failed authentications")
        self.retry_after = retry_after


@dataclass(frozen=True)
class AuthPolicy:
    """What a route needs: a scope (None: public), and whether a cookie session may POST."""

    scope: TokenScope | None = TokenScope.READ
    cookie_posts: bool = False


DEFAULT_POLICY = AuthPolicy()


@dataclass(frozen=True)
class AuthConfig:
    """What the guard needs: the database, the key that signs sessions, cookie settings, and
    the throttle of failed authentication (shared by the guard and the login form)."""

    engine: Engine
    secret_key: bytes
    session_seconds: int = 12 * 3600
    secure_cookies: bool = False
    throttle: FailureThrottle = field(default_factory=lambda: FailureThrottle(ThrottleLimits()))


def _mark(policy: AuthPolicy) -> Callable[[EndpointT], EndpointT]:
    def mark(endpoint: EndpointT) -> EndpointT:
        setattr(endpoint, POLICY_ATTRIBUTE, policy)
        return endpoint

    return mark


public = _mark(AuthPolicy(scope=None))
"""Mark an endpoint as needing no credentials (health, login)."""


def requires(scope: TokenScope, *, cookie_posts: bool = False) -> Callable[[EndpointT], EndpointT]:
    """Mark an endpoint as needing ``scope`` (put it under the route decorator)."""
    return _mark(AuthPolicy(scope=scope, cookie_posts=cookie_posts))


form_post = requires(TokenScope.READ, cookie_posts=True)
"""Mark an HTML form endpoint that checks its own CSRF token: cookie sessions may POST to it."""


def policy_of(endpoint: Any) -> AuthPolicy:
    """The policy an endpoint was marked with, else the default (``read``)."""
    policy = getattr(endpoint, POLICY_ATTRIBUTE, None)
    return policy if isinstance(policy, AuthPolicy) else DEFAULT_POLICY


bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API token: `cohortwatch token create --name NAME --scope read|scan|admin`.",
)
BearerDep = Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]


def _refuse(reason: str) -> NotAuthenticatedError:
    log.info("authentication failed: %s", reason)
    return NotAuthenticatedError("not authenticated")


def client_address(request: Request) -> str | None:
    """The caller's address (uvicorn takes it from ``X-Forwarded-For`` when the connection comes
    from a trusted proxy, by default one on 127.0.0.1)."""
    return request.client.host if request.client is not None else None


def check_throttle(auth: AuthConfig, address: str | None) -> None:
    """Raise :class:`ThrottledError` when ``address`` has failed too often of late."""
    retry_after = auth.throttle.retry_after(address)
    if retry_after is not None:
        raise ThrottledError(retry_after)


def guard(request: Request, credentials: BearerDep) -> None:
    """Authenticate and authorise the request for its route (runs before every endpoint).

    Sets ``request.state.principal`` (and ``request.state.session`` for cookie sessions).
    """
    route = request.scope.get("route")
    policy = policy_of(getattr(route, "endpoint", None))
    request.state.principal = None
    request.state.session = None
    if policy.scope is None:
        return
    auth: AuthConfig = request.app.state.auth
    address = client_address(request)
    if credentials is not None:
        check_throttle(auth, address)  # before the token is looked at: says nothing about it
    now = utc_now()
    with session_scope(auth.engine) as session:
        token: ApiToken | None
        via_cookie = credentials is None
        if credentials is not None:
            token = check_token(session=session, text=credentials.credentials, now=now)
            if token is None:
                auth.throttle.record_failure(address)
                raise _refuse("unknown, revoked or expired bearer token")
        else:
            cookie = request.cookies.get(SESSION_COOKIE)
            if cookie is None:
                raise _refuse("no credentials")
            data = decode_session(auth.secret_key, cookie, now=int(now.timestamp()))
            if data is None:
                raise _refuse("bad or expired session cookie")
            token = find_api_token(session=session, prefix=data.prefix)
            if token is None or not token.is_active(now):
                raise _refuse("session of a revoked or expired token")
            request.state.session = data
        principal = principal_of(token)
        if not principal.allows(policy.scope):
            log.info("token %s lacks scope %s", principal.name, policy.scope)
            raise ForbiddenError("this token may not do that")
        if via_cookie and request.method not in SAFE_METHODS and not policy.cookie_posts:
            raise ForbiddenError("use a bearer token for this request")
        touch_api_token(session=session, token_id=principal.token_id, now=now)
    request.state.principal = principal


def current_principal(request: Request) -> Principal:
    """The principal the guard authenticated (only on non-public routes)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        raise NotAuthenticatedError("not authenticated")
    return principal


PrincipalDep = Annotated[Principal, Depends(current_principal)]
