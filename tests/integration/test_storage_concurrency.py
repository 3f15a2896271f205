"""Storage under concurrent writers, on a migrated SQLite file and a migrated PostgreSQL schema.

Crawler workers, the notifier and the dashboard write to the same database; upserts must
never fail or duplicate when two of them insert the same key at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import Engine, text
from sqlmodel import Session, select

from storage import migrate, queries
from storage.db import make_engine, session_scope
from storage.enums import Severity
from storage.models import AlertCreate, Listing, ListingCreate, NotificationOutbox

T0 = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
WORKERS = 6
ResultT = TypeVar("ResultT")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'cohortwatch.db'}"
    else:
        url = str(request.getfixturevalue("pg_database"))
    migrate.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def source_id(engine: Engine) -> int:
    with session_scope(engine) as session:
        source = queries.get_or_create_source(
            session=session, slug="demo", name="Demo", kind="marketplace", base_url="http://d/"
        )
    assert source.id is not None
    return source.id


def _run_together(count: int, work: Callable[[], ResultT]) -> list[ResultT]:
    """Run ``work`` in ``count`` threads released at the same moment; re-raise any failure."""
    barrier = threading.Barrier(count)
    results: list[ResultT] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            result = work()
            with lock:
                results.append(result)
        except BaseException as exc:
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_concurrent_upserts_of_one_listing_create_it_once(engine: Engine, source_id: int) -> None:
    listing_in = ListingCreate(source_id=source_id, url="http://d/item/1", title="UKB 500k")

    def upsert() -> tuple[int | None, bool]:
        with session_scope(engine) as session:
            listing, created = queries.upsert_listing(
                session=session, listing_in=listing_in, now=T0
            )
            return listing.id, created

    results = _run_together(WORKERS, upsert)
    assert sum(created for _, created in results) == 1
    assert len({listing_id for listing_id, _ in results}) == 1
    with Session(engine) as session:
        assert len(session.exec(select(Listing)).all()) == 1


def test_concurrent_alerts_and_notifications_are_deduplicated(
    engine: Engine, source_id: int
) -> None:
    with session_scope(engine) as session:
        listing, _ = queries.upsert_listing(
            session=session,
            listing_in=ListingCreate(source_id=source_id, url="http://d/item/2", title="UKB"),
            now=T0,
        )
    alert_in = AlertCreate(
        dedupe_key="listing:2",
        listing_id=listing.id or 0,
        severity=Severity.HIGH,
        score=0.9,
        title="t",
    )

    def raise_alert() -> bool:
        with session_scope(engine) as session:
            _, created = queries.upsert_alert(session=session, alert_in=alert_in, now=T0)
            _, queued = queries.enqueue_notification(
                session=session, dedupe_key="listing:2:new", channel="slack", payload={}, now=T0
            )
            return created and queued

    results = _run_together(WORKERS, raise_alert)
    assert sum(results) == 1
    with Session(engine) as session:
        counts = queries.count_rows(session=session)
        assert len(session.exec(select(NotificationOutbox)).all()) == 1
    assert counts["alert"] == 1
    assert counts["alert_event"] == WORKERS  # one "created", the rest "seen_again"


@pytest.mark.postgres
def test_postgres_insert_race_resolves_to_the_committed_row(pg_database: str) -> None:
    """Force the race: B inserts while A's insert of the same key is uncommitted."""
    migrate.upgrade(pg_database)
    engine = make_engine(pg_database)
    try:
        with session_scope(engine) as session:
            source = queries.get_or_create_source(
                session=session, slug="demo", name="Demo", kind="api", base_url="http://d/"
            )
        listing_in = ListingCreate(source_id=source.id or 0, url="http://d/race", title="race")
        outcome: dict[str, object] = {}

        def writer_b() -> None:
            try:
                with session_scope(engine) as session:
                    listing, created = queries.upsert_listing(
                        session=session, listing_in=listing_in, now=T0
                    )
                    outcome.update(id=listing.id, created=created)
            except BaseException as exc:
                outcome["error"] = exc

        with session_scope(engine) as session_a:
            listing_a, created_a = queries.upsert_listing(
                session=session_a, listing_in=listing_in, now=T0
            )
            thread = threading.Thread(target=writer_b)
            thread.start()
            _wait_for_lock_waiter(engine)
        thread.join(timeout=30)
        assert created_a is True
        assert "error" not in outcome, outcome.get("error")
        assert outcome == {"id": listing_a.id, "created": False}
    finally:
        engine.dispose()


def _wait_for_lock_waiter(engine: Engine) -> None:
    """Poll pg_stat_activity until another backend waits on a lock (B blocked on A's key)."""
    deadline = time.monotonic() + 20
    query = text(
        "SELECT count(*) FROM pg_stat_activity "
        "WHERE wait_event_type = 'Lock' AND datname = current_database()"
    )
    waiting = threading.Event()
    while time.monotonic() < deadline:
        with engine.connect() as connection:
            if connection.execute(query).scalar():
                return
        waiting.wait(0.02)
    pytest.fail("writer B never blocked on writer A's uncommitted insert")
