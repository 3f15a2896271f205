"""The security team's dashboard and JSON API (FastAPI + Jinja2, autoescaped).

Pages: ``/`` open alerts, ``/alerts/{id}`` one alert with its listing, evidence hashes and match
reasons. API: ``/api/alerts``, ``/api/alerts/{id}``, ``/api/health``. Evidence blobs are served only
as downloads (``/evidence/{sha256}``, ``application/octet-stream``, ``nosniff``, sandboxed CSP):
captured HTML is attacker-written and must never render in the dashboard's origin.

It binds to 127.0.0.1 by default and has no login yet; see docs/threat-model.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.evidence import EvidenceError, EvidenceStore
from storage.models import AlertStatus
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

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class DashboardConfig:
    """What the dashboard needs: a database engine and the evidence folder."""

    engine: Engine
    evidence_dir: Path


def get_session(request: Request) -> Iterator[Session]:
    """One database session per request, on the engine the app was built with."""
    with Session(request.app.state.engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def create_app(config: DashboardConfig) -> FastAPI:
    """Build the dashboard application."""
    app = FastAPI(title="CohortWatch", docs_url="/api/docs", redoc_url=None)
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    evidence = EvidenceStore(config.evidence_dir)

    app.state.engine = config.engine

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
                for a in list_attachments(session=session, listing_id=alert.listing_id)
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
    def health(session: SessionDep) -> dict[str, Any]:
        return {"status": "ok", "rows": count_rows(session=session)}

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
