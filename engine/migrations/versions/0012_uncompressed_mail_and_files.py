"""raw mail and stored files kept out of line without compression on PostgreSQL

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-28 00:40:00

PostgreSQL compresses large values with pglz by default. Raw mail is mostly base64 and stored files are
mostly photos, which pglz shrinks little and slowly: on a report with a 200 KB photo it cost the database
server about 7 ms of CPU to write and read again, a quarter of what the whole report costs. EXTERNAL keeps
the values out of line and uncompressed; SQLite has no such setting and is left alone.
"""
from __future__ import annotations

from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

COLUMNS = (("inbound_messages", "raw"), ("stored_files", "data"))


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET STORAGE {kind}")


def upgrade() -> None:
    _storage("EXTERNAL")


def downgrade() -> None:
    _storage("EXTENDED")
