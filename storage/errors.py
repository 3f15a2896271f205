"""Errors raised by the ``storage`` package; callers catch ``StorageError``.

    StorageError                      base of every storage error
    ├── DatabaseConfigError           the database URL is malformed or names an unknown driver
    ├── DatabaseUnavailableError      the database cannot be reached (names the host, never
    │                                 the password); mapped from SQLAlchemy ``OperationalError``
    ├── ConstraintViolationError      a write broke a UNIQUE / FOREIGN KEY / NOT NULL constraint
    ├── RecordNotFoundError           a row looked up by id does not exist
    ├── NaiveDatetimeError            a datetime without tzinfo was given (also a ``ValueError``)
    ├── MigrationError                Alembic could not bring the schema to the asked revision
    └── EvidenceError                 the evidence store refused or failed an operation
        ├── EvidenceNotFoundError     no blob with that SHA-256
        └── EvidenceTooLargeError     a blob exceeded the store's ``max_bytes``

SQLAlchemy errors are mapped once, at the engine/session boundary in :mod:`storage.db`.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of every error the storage package raises."""


class DatabaseConfigError(StorageError):
    """The database URL cannot be used (malformed, or a driver that is not installed)."""


class DatabaseUnavailableError(StorageError):
    """The database server (or SQLite file) cannot be reached or is locked."""


class ConstraintViolationError(StorageError):
    """A write violated a database constraint (duplicate key, missing parent row...)."""


class RecordNotFoundError(StorageError):
    """A row looked up by primary key does not exist."""


class NaiveDatetimeError(StorageError, ValueError):
    """A datetime without timezone was given where an aware UTC datetime is required."""


class MigrationError(StorageError):
    """The schema could not be migrated, or does not match the models after migrating."""


class EvidenceError(StorageError):
    """The evidence store refused an operation (malformed hash, I/O failure...)."""


class EvidenceNotFoundError(EvidenceError):
    """No evidence blob is stored under the given SHA-256."""


class EvidenceTooLargeError(EvidenceError):
    """A blob is larger than the evidence store's ``max_bytes`` cap."""
