"""The security team's dashboard and JSON API (FastAPI + Jinja2, autoescaped), behind tokens.

Pages: ``/`` open alerts, ``/alerts/{id}`` one alert with its listing, evidence hashes (HTML,
screenshots, attachments, product images) and match reasons, ``/login``. API: ``/api/alerts``, ``/api/alerts/{id}``, ``/api/stats``, ``/api/scan``
(:mod:`dashboard.scan_api`), ``/api/health`` (the only open route besides the login form),
``/api/docs``. Every other route needs a token (:mod:`dashboard.auth`): a bearer token, or the
session cookie the login form sets; failed tokens are throttled per client address
(:mod:`dashboard.throttle`, ``429``). Evidence blobs are served only as downloads
(``/evidence/{sha256}``, ``application/octet-stream``, ``nosniff``, sandboxed CSP): captured HTML
is attacker-written and must never render in the dashboard's origin; product images too are only
download links, never ``<img>`` tags.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from sqlalchemy.engine import Engine
from sqlmodel import Session

from dashboard import login, scan_api
from dashboard.auth import (
    AuthConfig,
    ForbiddenError,
    NotAuthenticatedError,
    ThrottledError,
    guard,
    public,
)
from dashboard.scan_api import ScanConfig, ScanGate
from dashboard.templating import templates
from dashboard.throttle import FailureThrottle, ThrottleLimits
from storage.db import check_connection
from storage.errors import StorageError
from storage.evidence import EvidenceError, EvidenceStore
from storage.models import AlertStatus, AttachmentKind
from storage.queries import (
    count_rows,
    get_alert,
    get_listing,
    list_alert_events,
    list_alerts,
    list_attachments,
    list_matches,
    list_snapshots,
)

API_PREFIX = "/api/"


@dataclass(frozen=True)
class DashboardConfig:
    """What the dashboard needs: the database, the evidence folder, the key that signs browser
    sessions, how failed authentication is throttled, and (optionally) what the scan endpoint
    scans with."""

    engine: Engine
    evidence_dir: Path
    secret_key: bytes
    session_seconds: int = 12 * 3600
    secure_cookies: bool = False
    throttle: ThrottleLimits = field(default_factory=ThrottleLimits)
    scan: ScanConfig | None = None


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request, on the engine the app was built with."""
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


async def _not_authenticated(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse(
            {"detail": "not authenticated"},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )
    return login.login_page(request, status_code=401)


async def _forbidden(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "forbidden"}, status_code=403)
    return HTMLResponse("<h1>403 Forbidden</h1><p>This token may not do that.</p>", 403)


async def _throttled(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ThrottledError)
    response: Response
    if _is_api(request):
        response = JSONResponse({"detail": "too many failed authentications"}, status_code=429)
    else:
        message = login.throttled_message(exc.retry_after)
        response = login.login_page(request, status_code=429, message=message)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def create_app(config: DashboardConfig) -> FastAPI:
    """Build the dashboard application; every route passes :func:`dashboard.auth.guard`."""
    app = FastAPI(
        title="CohortWatch",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(guard)],
    )
    evidence = EvidenceStore(config.evidence_dir)
    app.state.engine = config.engine
    app.state.auth = AuthConfig(
        engine=config.engine,
        secret_key=config.secret_key,
        session_seconds=config.session_seconds,
        secure_cookies=config.secure_cookies,
        throttle=FailureThrottle(config.throttle),
    )
    app.state.scan = config.scan
    app.state.scan_gate = ScanGate(
        concurrency=config.scan.concurrency if config.scan else 1,
        max_queued=config.scan.max_queued if config.scan else 0,
    )
    app.add_exception_handler(NotAuthenticatedError, _not_authenticated)
    app.add_exception_handler(ForbiddenError, _forbidden)
    app.add_exception_handler(ThrottledError, _throttled)
    login.add_login_routes(app)
    scan_api.add_scan_route(app)

    def alert_detail(session: Session, alert_id: int) -> dict[str, Any]:
        alert = get_alert(session=session, alert_id=alert_id)
        if alert is None:
            raise HTTPException(status_code=404, detail=f"no alert {alert_id}")
        listing = get_listing(session=session, listing_id=alert.listing_id)
        return {
            "alert": alert.model_dump(mode="json"),
            "listing": listing.model_dump(mode="json") if listing else None,
            "snapshots": [
                s.model_dump(mode="json", exclude={"text"})
                for s in list_snapshots(session=session, listing_id=alert.listing_id)
            ],
            "attachments": [
                a.model_dump(mode="json")
                for a in list_attachments(
                    session=session, listing_id=alert.listing_id, kind=AttachmentKind.FILE
                )
            ],
            "images": [  # listed as download links only: never rendered inline
                a.model_dump(mode="json")
                for a in list_attachments(
                    session=session, listing_id=alert.listing_id, kind=AttachmentKind.IMAGE
                )
            ],
            "matches": [
                m.model_dump(mode="json")
                for m in list_matches(session=session, listing_id=alert.listing_id)
            ],
            "events": [
                e.model_dump(mode="json")
                for e in list_alert_events(session=session, alert_id=alert_id)
            ],
        }

    @app.get("/api/health")
    @public
    def health() -> JSONResponse:
        """Open to all: whether the database answers, and nothing else."""
        try:
            check_connection(config.engine)
        except StorageError:
            return JSONResponse({"status": "database unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @app.get("/api/stats")
    def api_stats(session: SessionDep) -> dict[str, Any]:
        return {"rows": count_rows(session=session)}

    @app.get("/api/alerts")
    def api_alerts(
        session: SessionDep,
        status: AlertStatus | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> list[dict[str, Any]]:
        alerts = list_alerts(session=session, status=status, limit=limit, offset=offset)
        return [a.model_dump(mode="json") for a in alerts]

    @app.get("/api/alerts/{alert_id}")
    def api_alert(session: SessionDep, alert_id: int) -> dict[str, Any]:
        return alert_detail(session, alert_id)

    @app.get("/api/openapi.json", include_in_schema=False)
    def openapi_schema() -> dict[str, Any]:
        return app.openapi()

    @app.get("/api/docs", include_in_schema=False)
    def api_docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/api/openapi.json", title="CohortWatch API")

    @app.get("/", response_class=HTMLResponse)
    def index(request: Request, session: SessionDep) -> HTMLResponse:
        alerts = list_alerts(session=session, limit=200)
        listings = {
            a.listing_id: get_listing(session=session, listing_id=a.listing_id) for a in alerts
        }
        return templates.TemplateResponse(
            request,
            "index.html",
            {"alerts": alerts, "listings": listings, "counts": count_rows(session=session)},
        )

    @app.get("/alerts/{alert_id}", response_class=HTMLResponse)
    def alert_page(request: Request, session: SessionDep, alert_id: int) -> HTMLResponse:
        return templates.TemplateResponse(request, "alert.html", alert_detail(session, alert_id))

    @app.get("/evidence/{sha256}")
    def evidence_blob(sha256: str) -> FileResponse:
        try:
            path = evidence.path_for(sha256)
        except EvidenceError as exc:
            raise HTTPException(status_code=400, detail="not a SHA-256 digest") from exc
        if not path.exists():
            raise HTTPException(status_code=404, detail="no such evidence")
        return FileResponse(
            path,
            media_type="application/octet-stream",
            filename=f"{sha256}.bin",
            headers={
                "X-Content-Type-Options": "nosniff",
                "Content-Security-Policy": "sandbox; default-src 'none'",
            },
        )

    return app
