"""The migrations and the models describe the same schema, on SQLite and PostgreSQL."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.app import App
from engine.migrate import upgrade
from engine.models import Base


def test_migrated_database_matches_the_models(app: App) -> None:
    # Given a database migrated to head (and migrated again: a no-op)
    upgrade(app.db)
    # When alembic compares it with the models
    with app.db.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": False}), Base.metadata)
    # Then there is nothing to add or drop
    assert diff == []


def test_raw_mail_and_stored_files_are_not_compressed_by_postgresql(app: App) -> None:
    # Given a database migrated to head
    upgrade(app.db)
    if app.db.dialect.name != "postgresql":
        return  # SQLite has no per-column storage: nothing to check
    # When PostgreSQL's catalogue is asked how the two large columns are stored
    with app.db.connect() as connection:
        storage = dict(connection.exec_driver_sql(
            "SELECT c.relname || '.' || a.attname, a.attstorage FROM pg_attribute a JOIN pg_class c "
            "ON c.oid = a.attrelid WHERE (c.relname, a.attname) IN "
            "(('inbound_messages', 'raw'), ('stored_files', 'data'))").all())
    # Then both are kept out of line and uncompressed ('e', EXTERNAL)
    assert storage == {"inbound_messages.raw": "e", "stored_files.data": "e"}
