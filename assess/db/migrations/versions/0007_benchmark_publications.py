"""benchmark publications: frozen tables per year, with the contributors they came from

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 14:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from assess.db.models import UTCDateTime

revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'publications',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('number', sa.Integer(), nullable=False),
        sa.Column('published_at', UTCDateTime(), nullable=False),
        sa.Column('published_by', sa.Integer(), nullable=True),
        sa.Column('tables', sa.Text(), nullable=False),
        sa.Column('contributors', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['published_by'], ['users.id'],
            name=op.f('fk_publications_published_by_users'), ondelete='SET NULL',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
        sa.UniqueConstraint('year', 'number', name=op.f('uq_publications_year')),
    )
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publications_year'), ['year'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('publications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publications_year'))
    op.drop_table('publications')
