"""store scores per assessment

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 13:19:14.292927

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0002'
down_revision: Union[str, Sequence[str], None] = '0001'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('assessment_scores',
    sa.Column('assessment_id', sa.Uuid(), nullable=False),
    sa.Column('scope', sa.String(length=10), nullable=False),
    sa.Column('key', sa.String(length=20), nullable=False),
    sa.Column('score', sa.Float(), nullable=True),
    sa.Column('coverage', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_assessment_scores_assessment_id_assessments')),
    sa.PrimaryKeyConstraint('assessment_id', 'scope', 'key', name=op.f('pk_assessment_scores'))
    )


def downgrade() -> None:
    """Downgrade schema."""
    op.drop_table('assessment_scores')
