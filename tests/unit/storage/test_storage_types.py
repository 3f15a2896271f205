"""UTCDateTime and StrEnumType round trips on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select, text
from sqlalchemy.exc import StatementError

from storage.enums import AlertStatus
from storage.errors import NaiveDatetimeError, StorageError
from storage.types import StrEnumType, UTCDateTime, require_aware, utc_now

PLUS_TWO = timezone(timedelta(hours=2))
MINUS_FIVE = timezone(timedelta(hours=-5))


@pytest.fixture
def probe(engine: Engine) -> Table:
    """A scratch table using both column types."""
    table = Table(
        "type_probe",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("at", UTCDateTime()),
        Column("status", StrEnumType(AlertStatus)),
    )
    table.create(engine)
    return table


def test_aware_datetimes_come_back_as_the_same_instant_in_utc(engine: Engine, probe: Table) -> None:
    values = [
        datetime(2026, 4, 20, 10, 0, 0, 123456, tzinfo=PLUS_TWO),
        datetime(2026, 4, 20, 3, 30, tzinfo=MINUS_FIVE),
        datetime(2026, 4, 20, 8, 15, tzinfo=UTC),
    ]
    with engine.begin() as connection:
        connection.execute(insert(probe), [{"id": i, "at": v} for i, v in enumerate(values)])
    with engine.connect() as connection:
        rows = connection.execute(select(probe.c.id, probe.c.at).order_by(probe.c.at)).all()
    loaded = {row.id: row.at for row in rows}
    for index, value in enumerate(values):
        assert loaded[index] == value
        assert loaded[index].tzinfo is UTC
    # Ordering is by instant, not by local wall time: 10:00+02 (08:00Z) < 08:15Z < 03:30-05.
    assert [row.id for row in rows] == [0, 2, 1]


def test_comparisons_with_aware_values_use_the_instant(engine: Engine, probe: Table) -> None:
    with engine.begin() as connection:
        connection.execute(insert(probe), [{"id": 1, "at": datetime(2026, 1, 1, 12, tzinfo=UTC)}])
        cutoff = datetime(2026, 1, 1, 13, 30, tzinfo=PLUS_TWO)  # 11:30Z
        assert connection.execute(select(probe.c.id).where(probe.c.at > cutoff)).all() == [(1,)]


def test_naive_datetimes_are_refused_on_write(engine: Engine, probe: Table) -> None:
    with pytest.raises(StatementError) as caught, engine.begin() as connection:
        connection.execute(insert(probe), [{"id": 1, "at": datetime(2026, 4, 20, 9, 0)}])
    assert isinstance(caught.value.orig, NaiveDatetimeError)


def test_null_datetimes_and_enums_stay_null(engine: Engine, probe: Table) -> None:
    with engine.begin() as connection:
        connection.execute(insert(probe), [{"id": 1, "at": None, "status": None}])
        row = connection.execute(select(probe.c.at, probe.c.status)).one()
    assert tuple(row) == (None, None)


def test_enums_are_stored_as_plain_strings_and_load_as_members(
    engine: Engine, probe: Table
) -> None:
    with engine.begin() as connection:
        connection.execute(insert(probe), [{"id": 1, "status": AlertStatus.FALSE_POSITIVE}])
        connection.execute(insert(probe), [{"id": 2, "status": "acknowledged"}])
        raw = connection.execute(text("SELECT status FROM type_probe ORDER BY id")).scalars()
        assert list(raw) == ["false_positive", "acknowledged"]
        loaded = connection.execute(select(probe.c.status).order_by(probe.c.id)).scalars().all()
    assert loaded == [AlertStatus.FALSE_POSITIVE, AlertStatus.ACKNOWLEDGED]
    assert all(isinstance(value, AlertStatus) for value in loaded)


def test_unknown_enum_values_are_refused_on_write(engine: Engine, probe: Table) -> None:
    with pytest.raises(StatementError) as caught, engine.begin() as connection:
        connection.execute(insert(probe), [{"id": 1, "status": "closed-ish"}])
    assert isinstance(caught.value.orig, ValueError)


def test_require_aware_converts_to_utc_and_refuses_naive() -> None:
    assert require_aware(datetime(2026, 4, 20, 11, tzinfo=PLUS_TWO)) == datetime(
        2026, 4, 20, 9, tzinfo=UTC
    )
    assert require_aware(datetime(2026, 4, 20, 11, tzinfo=PLUS_TWO)).tzinfo is UTC
    with pytest.raises(NaiveDatetimeError, match="timezone-aware") as caught:
        require_aware(datetime(2026, 4, 20, 11))
    assert isinstance(caught.value, StorageError)
    assert isinstance(caught.value, ValueError)
    assert utc_now().tzinfo is UTC


def test_enum_type_refuses_a_length_too_short_for_its_values() -> None:
    with pytest.raises(ValueError, match="longer than"):
        StrEnumType(AlertStatus, length=5)
