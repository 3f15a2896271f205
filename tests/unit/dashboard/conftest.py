"""Fixtures for dashboard tests: a migrated database (SQLite, and PostgreSQL where asked), a
real uvicorn server on 127.0.0.1 port 0, and tokens made the way ``cohortwatch token`` does."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from dashboard.app import DashboardConfig, create_app
from dashboard.scan_api import ScanConfig
from dashboard.throttle import ThrottleLimits
from dashboard.tokens import issue_token
from storage.db import make_engine, session_scope
from storage.enums import TokenScope
from storage.migrate import upgrade
from storage.models import Alert, AlertCreate, Listing, ListingCreate, Severity
from storage.queries import get_or_create_source, upsert_alert, upsert_listing
from tests.servers import serve_app


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated database: a SQLite file in tmp_path, or a fresh PostgreSQL schema."""
    url = (
        f"sqlite:///{tmp_path / 'cw.db'}"
        if request.param == "sqlite"
        else str(request.getfixturevalue("pg_database"))
    )
    upgrade(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


MakeToken = Callable[..., str]


@pytest.fixture
def make_token(engine: Engine) -> MakeToken:
    """Make a token (``make_token("name", "read", "scan", expires_at=...)``); returns its text."""

    def make(name: str, *scopes: str, expires_at: datetime | None = None) -> str:
        with session_scope(engine) as session:
            made, _ = issue_token(
                session=session,
                name=name,
                scopes=[TokenScope(s) for s in scopes],
                now=datetime.now(UTC),
                expires_at=expires_at,
            )
        return made.text

    return make


@dataclass(frozen=True)
class Served:
    base_url: str
    secret_key: bytes


ServeDashboard = Callable[..., "_ServerContext"]


class _ServerContext:
    def __init__(self, config: DashboardConfig) -> None:
        self.config = config
        self._cm = serve_app(create_app(config))

    def __enter__(self) -> Served:
        return Served(base_url=self._cm.__enter__(), secret_key=self.config.secret_key)

    def __exit__(self, *exc: object) -> None:
        self._cm.__exit__(*exc)


@pytest.fixture
def serve_dashboard(engine: Engine, tmp_path: Path) -> ServeDashboard:
    """``with serve_dashboard(scan=...) as served:`` runs the dashboard on 127.0.0.1:0."""

    def start(
        *,
        scan: ScanConfig | None = None,
        session_seconds: int = 3600,
        throttle: ThrottleLimits | None = None,
    ) -> _ServerContext:
        return _ServerContext(
            DashboardConfig(
                engine=engine,
                evidence_dir=tmp_path / "evidence",
                secret_key=secrets.token_bytes(32),
                session_seconds=session_seconds,
                throttle=throttle or ThrottleLimits(),
                scan=scan,
            )
        )

    return start


def seed_alert(
    session: Session,
    *,
    url: str,
    title: str,
    score: float,
    severity: Severity,
    reasons: list[str],
    now: datetime,
) -> tuple[Listing, Alert]:
    """A listing of the demo source and its alert, as a crawl run and the alert rules leave them."""
    source = get_or_create_source(
        session=session, slug="demo", name="Demo", kind="marketplace", base_url="http://127.0.0.1:1"
    )
    assert source.id is not None
    listing, _ = upsert_listing(
        session=session,
        listing_in=ListingCreate(source_id=source.id, url=url, title=title),
        now=now,
    )
    assert listing.id is not None
    alert, _ = upsert_alert(
        session=session,
        alert_in=AlertCreate(
            dedupe_key=f"listing:{listing.id}",
            listing_id=listing.id,
            severity=severity,
            score=score,
            title=title,
            reasons=reasons,
        ),
        now=now,
    )
    assert alert.id is not None
    return listing, alert
