"""action plan: actions per assessment, carried over from the year before

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 23:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from assess.db.models import UTCDateTime

revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'actions',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('assessment_id', sa.Uuid(), nullable=False),
        sa.Column('question_id', sa.String(length=10), nullable=True),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('owner', sa.String(length=200), nullable=False),
        sa.Column('due', sa.Date(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('carried_from_id', sa.Uuid(), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('updated_at', UTCDateTime(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ['assessment_id'], ['assessments.id'], name=op.f('fk_actions_assessment_id_assessments')
        ),
        sa.ForeignKeyConstraint(
            ['carried_from_id'], ['actions.id'], name=op.f('fk_actions_carried_from_id_actions')
        ),
        sa.ForeignKeyConstraint(
            ['updated_by'], ['users.id'], name=op.f('fk_actions_updated_by_users')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_actions')),
    )
    op.create_index(op.f('ix_actions_assessment_id'), 'actions', ['assessment_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_actions_assessment_id'), table_name='actions')
    op.drop_table('actions')
