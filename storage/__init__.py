"""Storage of CohortWatch: tables, engine/session helpers, queries, migrations, evidence files.

    storage.models     SQLModel tables and their Create/Public families
    storage.db         make_engine, session_scope, check_connection
    storage.queries    keyword-only query functions (session first, caller passes ``now``)
    storage.migrate    Alembic, configured in code: upgrade, current_revision, schema_diff
    storage.evidence   EvidenceStore, content-addressed append-only blobs
    storage.errors     StorageError and its subclasses

This package imports nothing else of CohortWatch and reads no settings: callers pass URLs,
paths and clocks in.
"""
