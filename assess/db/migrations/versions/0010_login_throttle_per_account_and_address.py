"""login failures per account and per address (and so overall), instead of per pair

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 16:10:00

Failure records are transient (kept a day): the old ones are dropped, not converted.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from assess.db.models import UTCDateTime

revision: str = '0010'
down_revision: Union[str, Sequence[str], None] = '0009'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index(op.f('ix_login_failures_key'), table_name='login_failures')
    op.drop_table('login_failures')
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('account_key', sa.String(length=64), nullable=False),
        sa.Column('address_key', sa.String(length=64), nullable=False),
        sa.Column('at', UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    for column in ('account_key', 'address_key', 'at'):
        op.create_index(op.f(f'ix_login_failures_{column}'), 'login_failures', [column])


def downgrade() -> None:
    for column in ('account_key', 'address_key', 'at'):
        op.drop_index(op.f(f'ix_login_failures_{column}'), table_name='login_failures')
    op.drop_table('login_failures')
    op.create_table(
        'login_failures',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failures')),
    )
    op.create_index(op.f('ix_login_failures_key'), 'login_failures', ['key'])
