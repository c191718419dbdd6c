"""chair handovers: a `CHAIR new@address` request pending until the new chair confirms

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 18:43:36.194490
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chair_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('old_person_id', sa.Integer(), nullable=True),
    sa.Column('new_person_id', sa.Integer(), nullable=False),
    sa.Column('requested_by', sa.String(length=320), nullable=False),
    sa.Column('requested_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('expires_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('completed_at', engine.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['new_person_id'], ['people.id'], name=op.f('fk_chair_handovers_new_person_id_people')),
    sa.ForeignKeyConstraint(['old_person_id'], ['people.id'], name=op.f('fk_chair_handovers_old_person_id_people')),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_chair_handovers_partnership_id_partnerships')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chair_handovers'))
    )
    with op.batch_alter_table('chair_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chair_handovers_partnership_id'), ['partnership_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('chair_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chair_handovers_partnership_id'))

    op.drop_table('chair_handovers')
