"""audit hash chain

Revision ID: 0009
Revises: 0002
Create Date: 2026-11-27 18:43:30.024862
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0009'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_events_hash'), ['hash'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_hash'))
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')

