"""retention and review: MOPI review dates on reports, disposal marks on subjects and reports

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-27 19:56:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('review_at', engine.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('disposed_at', engine.models.base.UTCDateTime(), nullable=True))
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disposed_at', engine.models.base.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_column('disposed_at')
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_column('disposed_at')
        batch_op.drop_column('review_at')
