"""broadcasts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 18:39:53.995006
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('broadcasts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=80), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('bulk', sa.Boolean(), nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['publications.id'], name=op.f('fk_broadcasts_publication_id_publications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broadcasts'))
    )
    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broadcasts_publication_id'), ['publication_id'], unique=False)

    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('broadcast_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_deliveries_broadcast_id'), ['broadcast_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_deliveries_broadcast_id_broadcasts'), 'broadcasts', ['broadcast_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_deliveries_broadcast_id_broadcasts'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_deliveries_broadcast_id'))
        batch_op.drop_column('broadcast_id')

    with op.batch_alter_table('broadcasts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broadcasts_publication_id'))

    op.drop_table('broadcasts')
