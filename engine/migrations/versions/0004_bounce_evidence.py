"""bounce evidence: one row per delivery failure, scored per address

Revision ID: 0004
Revises: 0009
Create Date: 2026-11-27 18:42:38.495879
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0004'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bounce_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=320), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('inbound_message_id', sa.Integer(), nullable=True),
    sa.Column('hard', sa.Boolean(), nullable=False),
    sa.Column('policy', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.Column('diagnostic', sa.Text(), nullable=False),
    sa.Column('at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('cleared_at', engine.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['delivery_id'], ['deliveries.id'], name=op.f('fk_bounce_events_delivery_id_deliveries')),
    sa.ForeignKeyConstraint(['inbound_message_id'], ['inbound_messages.id'], name=op.f('fk_bounce_events_inbound_message_id_inbound_messages')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_bounce_events_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bounce_events'))
    )
    with op.batch_alter_table('bounce_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bounce_events_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_bounce_events_delivery_id'), ['delivery_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_bounce_events_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('bounce_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bounce_events_person_id'))
        batch_op.drop_index(batch_op.f('ix_bounce_events_delivery_id'))
        batch_op.drop_index(batch_op.f('ix_bounce_events_address'))

    op.drop_table('bounce_events')
