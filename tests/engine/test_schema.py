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
