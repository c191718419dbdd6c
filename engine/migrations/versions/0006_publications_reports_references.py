"""publications, reports and reference counters

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 18:43:30.206747

Publications gain reach, place and a withdrawal reason; a report can name the alert it answers;
report references are counted per year.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op



revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reference_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters'))
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reach', sa.String(length=10), nullable=False, server_default='chairs'))
        batch_op.add_column(sa.Column('place', sa.String(length=300), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('withdrawn_reason', sa.Text(), nullable=True))

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('publication_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_publication_id'), ['publication_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_publication_id_publications'), 'publications', ['publication_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_publication_id_publications'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_publication_id'))
        batch_op.drop_column('publication_id')

    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_column('withdrawn_reason')
        batch_op.drop_column('place')
        batch_op.drop_column('reach')

    op.drop_table('reference_counters')
