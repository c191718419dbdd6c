"""subjects, dataview and exclusions

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 18:43:36.547622
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exclusions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('partnership_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('months', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('proposal_expires_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('starts_at', engine.models.base.UTCDateTime(), nullable=True),
    sa.Column('ends_at', engine.models.base.UTCDateTime(), nullable=True),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.Column('appeal_lodged_at', engine.models.base.UTCDateTime(), nullable=True),
    sa.Column('closed_at', engine.models.base.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['partnership_id'], ['partnerships.id'], name=op.f('fk_exclusions_partnership_id_partnerships')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_exclusions_proposed_by_id_people')),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_exclusions_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exclusions'))
    )
    with op.batch_alter_table('exclusions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exclusions_partnership_id'), ['partnership_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_exclusions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_exclusions_subject_id'), ['subject_id'], unique=False)

    op.create_table('match_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_a_id', sa.Integer(), nullable=False),
    sa.Column('subject_b_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('decided_by', sa.String(length=320), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.CheckConstraint('subject_a_id < subject_b_id', name=op.f('ck_match_decisions_ordered_pair')),
    sa.ForeignKeyConstraint(['subject_a_id'], ['subjects.id'], name=op.f('fk_match_decisions_subject_a_id_subjects')),
    sa.ForeignKeyConstraint(['subject_b_id'], ['subjects.id'], name=op.f('fk_match_decisions_subject_b_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_decisions')),
    sa.UniqueConstraint('subject_a_id', 'subject_b_id', name=op.f('uq_match_decisions_subject_a_id'))
    )
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_decisions_subject_b_id'), ['subject_b_id'], unique=False)

    op.create_table('exclusion_approvals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exclusion_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.Column('inbound_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['exclusion_id'], ['exclusions.id'], name=op.f('fk_exclusion_approvals_exclusion_id_exclusions')),
    sa.ForeignKeyConstraint(['inbound_message_id'], ['inbound_messages.id'], name=op.f('fk_exclusion_approvals_inbound_message_id_inbound_messages')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_exclusion_approvals_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exclusion_approvals')),
    sa.UniqueConstraint('exclusion_id', 'person_id', name=op.f('uq_exclusion_approvals_exclusion_id'))
    )
    with op.batch_alter_table('exclusion_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exclusion_approvals_exclusion_id'), ['exclusion_id'], unique=False)

    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shares_with_police', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_reports_subject_id'), ['subject_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_subject_id_subjects'), 'subjects', ['subject_id'], ['id'])

    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stored_files_subject_id'), ['subject_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_stored_files_subject_id_subjects'), 'subjects', ['subject_id'], ['id'])

    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_from', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('age_to', sa.Integer(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('subjects', schema=None) as batch_op:
        batch_op.drop_column('age_to')
        batch_op.drop_column('age_from')

    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stored_files_subject_id_subjects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stored_files_subject_id'))
        batch_op.drop_column('subject_id')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_reports_subject_id_subjects'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_subject_id'))
        batch_op.drop_column('subject_id')

    with op.batch_alter_table('partnerships', schema=None) as batch_op:
        batch_op.drop_column('shares_with_police')

    with op.batch_alter_table('exclusion_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exclusion_approvals_exclusion_id'))

    op.drop_table('exclusion_approvals')
    with op.batch_alter_table('match_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_decisions_subject_b_id'))

    op.drop_table('match_decisions')
    with op.batch_alter_table('exclusions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exclusions_subject_id'))
        batch_op.drop_index(batch_op.f('ix_exclusions_status'))
        batch_op.drop_index(batch_op.f('ix_exclusions_partnership_id'))

    op.drop_table('exclusions')
