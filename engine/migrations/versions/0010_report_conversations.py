"""report conversations, grading and attachment dimensions

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-27 19:55:00.000000
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import engine.models.base


revision = '0010'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=10), nullable=False),
    sa.Column('author_email', sa.String(length=320), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('inbound_message_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inbound_message_id'], ['inbound_messages.id'], name=op.f('fk_report_turns_inbound_message_id_inbound_messages')),
    sa.ForeignKeyConstraint(['report_id'], ['reports.id'], name=op.f('fk_report_turns_report_id_reports')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_report_turns_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_turns'))
    )
    with op.batch_alter_table('report_turns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_turns_report_id'), ['report_id'], unique=False)

    with op.batch_alter_table('reports', schema=None) as batch_op:
        batch_op.add_column(sa.Column('when_source', sa.String(length=10), nullable=False, server_default='stated'))
        batch_op.add_column(sa.Column('awaiting', sa.String(length=20), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('source_grade', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('intel_grade', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('handling_code', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('isa_lapsed', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('closed_at', engine.models.base.UTCDateTime(), nullable=True))

    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.add_column(sa.Column('width', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('height', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('report_turn_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stored_files_report_turn_id'), ['report_turn_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_stored_files_report_turn_id_report_turns'), 'report_turns', ['report_turn_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('stored_files', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_stored_files_report_turn_id_report_turns'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stored_files_report_turn_id'))
        batch_op.drop_column('report_turn_id')
        batch_op.drop_column('height')
        batch_op.drop_column('width')

    with op.batch_alter_table('reports', schema=None) as batch_op:
        for column in ('closed_at', 'isa_lapsed', 'handling_code', 'intel_grade', 'source_grade', 'awaiting',
                       'when_source'):
            batch_op.drop_column(column)

    with op.batch_alter_table('report_turns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_turns_report_id'))

    op.drop_table('report_turns')
