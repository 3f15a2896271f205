"""Model families, validation on the Create models, and database constraints on both backends."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, inspect
from sqlmodel import Session

from storage.db import session_scope
from storage.enums import AlertStatus, NotificationChannel, Severity, SourceKind, UserRole
from storage.errors import ConstraintViolationError
from storage.models import (
    Alert,
    AlertCreate,
    Attachment,
    AttachmentCreate,
    Listing,
    ListingCreate,
    ListingSnapshotCreate,
    NotificationOutbox,
    Source,
    SourceCreate,
    User,
    UserCreate,
    UserPublic,
    metadata,
)

T0 = datetime(2026, 4, 20, 9, 0, tzinfo=UTC)
SHA_A = "a" * 64
SHA_B = "b" * 64

EXPECTED_TABLES = {
    "source",
    "crawl_run",
    "listing",
    "listing_snapshot",
    "attachment",
    "match",
    "case",
    "alert",
    "alert_event",
    "takedown_request",
    "notification_outbox",
    "app_user",
    "api_token",
}


def test_every_table_of_the_product_exists_with_snake_case_names(engine: Engine) -> None:
    assert set(metadata.tables) == EXPECTED_TABLES
    assert set(inspect(engine).get_table_names()) == EXPECTED_TABLES


def test_filter_columns_are_indexed(engine: Engine) -> None:
    inspector = inspect(engine)

    def indexed(table: str) -> set[tuple[str, ...]]:
        return {tuple(map(str, index["column_names"])) for index in inspector.get_indexes(table)}

    assert ("status", "last_seen_at") in indexed("alert")
    assert ("status",) in indexed("listing")
    assert ("status", "next_attempt_at") in indexed("notification_outbox")
    assert ("listing_id",) in indexed("listing_snapshot")


def _alert(listing_id: int | None, key: str = "k1") -> Alert:
    return Alert.model_validate(
        AlertCreate(
            dedupe_key=key, listing_id=listing_id or 0, severity=Severity.HIGH, score=0.9, title="t"
        ),
        update={"first_seen_at": T0, "last_seen_at": T0, "created_at": T0, "updated_at": T0},
    )


UNIQUE_CASES: list[tuple[str, Callable[[int, int], list[Any]]]] = [
    (
        "source.slug",
        lambda source_id, listing_id: [
            Source(slug="demo-market", name="again", kind=SourceKind.FORUM, base_url="http://x/")
        ],
    ),
    (
        "listing(source_id, url)",
        lambda source_id, listing_id: [
            Listing.model_validate(
                ListingCreate(source_id=source_id, url="http://127.0.0.1:8000/item/1", title="x"),
                update={"first_seen_at": T0, "last_seen_at": T0},
            )
        ],
    ),
    (
        "attachment(listing_id, sha256)",
        lambda source_id, listing_id: [
            Attachment.model_validate(
                AttachmentCreate(
                    listing_id=listing_id,
                    url=f"http://127.0.0.1/{n}.csv",
                    filename=f"{n}.csv",
                    size=3,
                    sha256=SHA_A,
                    fetched_at=T0,
                )
            )
            for n in range(2)
        ],
    ),
    ("alert.dedupe_key", lambda source_id, listing_id: [_alert(listing_id), _alert(listing_id)]),
    (
        "notification_outbox.dedupe_key",
        lambda source_id, listing_id: [
            NotificationOutbox(
                dedupe_key="n1",
                channel=NotificationChannel.SLACK,
                next_attempt_at=T0,
                created_at=T0,
            )
            for _ in range(2)
        ],
    ),
    (
        "app_user.email",
        lambda source_id, listing_id: [
            User.model_validate(UserCreate(email=email, name="A"))
            for email in ("ana@example.org", "ANA@example.org")
        ],
    ),
]


@pytest.mark.parametrize(("constraint", "rows"), UNIQUE_CASES, ids=[c[0] for c in UNIQUE_CASES])
def test_unique_constraints_are_enforced(
    engine: Engine,
    listing: Listing,
    session: Session,
    constraint: str,
    rows: Callable[[int, int], list[Any]],
) -> None:
    session.commit()
    assert listing.id is not None
    with pytest.raises(ConstraintViolationError, match="constraint"), session_scope(engine) as s:
        for row in rows(listing.source_id, listing.id):
            s.add(row)
            s.flush()


def test_foreign_keys_are_enforced_on_both_backends(engine: Engine) -> None:
    orphan = Listing.model_validate(
        ListingCreate(source_id=424242, url="http://x/", title="orphan"),
        update={"first_seen_at": T0, "last_seen_at": T0},
    )
    with pytest.raises(ConstraintViolationError), session_scope(engine) as session:
        session.add(orphan)


def test_json_columns_round_trip(engine: Engine, listing: Listing, session: Session) -> None:
    session.commit()
    alert = _alert(listing.id)
    alert.reasons = ["alias hit: 英国生物样本库", "sale cue: 出售"]
    with session_scope(engine) as s:
        s.add(alert)
    with session_scope(engine) as s:
        loaded = s.get(Alert, alert.id)
        assert loaded is not None
        assert loaded.reasons == ["alias hit: 英国生物样本库", "sale cue: 出售"]
        assert loaded.status is AlertStatus.OPEN
        assert loaded.first_seen_at == T0


def test_create_models_truncate_untrusted_text() -> None:
    listing = ListingCreate(source_id=1, url="http://x/", title="x" * 5000, price_text="9" * 999)
    assert len(listing.title) == 1000
    assert len(listing.price_text) == 200


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("html_sha256", "A" * 64),
        ("html_sha256", "a" * 63),
        ("text_sha256", "../" + "a" * 61),
        ("fetched_at", datetime(2026, 4, 20, 9, 0)),
        ("final_url", ""),
        ("final_url", "http://x/" + "a" * 3000),
    ],
)
def test_snapshot_create_refuses_bad_values(field: str, value: object) -> None:
    data: dict[str, Any] = {
        "listing_id": 1,
        "fetched_at": T0,
        "http_status": 200,
        "final_url": "http://x/",
        "html_sha256": SHA_A,
        "html_size": 10,
        "text_sha256": SHA_B,
    }
    ListingSnapshotCreate.model_validate(data)
    with pytest.raises(ValidationError):
        ListingSnapshotCreate.model_validate(data | {field: value})


def test_user_public_never_carries_secret_hashes() -> None:
    user = User.model_validate(
        UserCreate(email=" Ana@Example.org ", name="Ana", password_hash="h", api_token_hash="t"),
        update={"id": 1, "created_at": T0},
    )
    assert user.email == "ana@example.org"
    assert user.role is UserRole.VIEWER
    public = UserPublic.model_validate(user).model_dump()
    assert "password_hash" not in public
    assert "api_token_hash" not in public
    assert public["email"] == "ana@example.org"


def test_source_slug_must_be_a_safe_identifier() -> None:
    with pytest.raises(ValidationError):
        SourceCreate(slug="../etc", name="x", kind=SourceKind.API, base_url="http://x/")
