"""imap cursors

Revision ID: 0003
Revises: 0007
Create Date: 2026-11-27 18:43:19.703194
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0003'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('imap_cursors',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mailbox', sa.String(length=400), nullable=False),
    sa.Column('uidvalidity', sa.BigInteger(), nullable=False),
    sa.Column('last_uid', sa.BigInteger(), nullable=False),
    sa.Column('updated_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imap_cursors')),
    sa.UniqueConstraint('mailbox', name=op.f('uq_imap_cursors_mailbox'))
    )


def downgrade() -> None:
    op.drop_table('imap_cursors')
