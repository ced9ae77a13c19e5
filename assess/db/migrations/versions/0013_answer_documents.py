"""answer documents: the documents (title, optional address) an answer rests on

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 03:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from assess.db.models import Documents

revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.add_column(
            sa.Column('documents', Documents(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table('answers') as batch:
        batch.drop_column('documents')
