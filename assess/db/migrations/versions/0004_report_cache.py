"""report cache

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 13:49:55.431930

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0004'
down_revision: Union[str, Sequence[str], None] = '0003'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    """Upgrade schema."""
    op.create_table('report_cache',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('assessment_id', sa.Uuid(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['assessments.id'], name=op.f('fk_report_cache_assessment_id_assessments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_report_cache'))
    )
    with op.batch_alter_table('report_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_cache_assessment_id'), ['assessment_id'], unique=False)



def downgrade() -> None:
    """Downgrade schema."""
    with op.batch_alter_table('report_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_cache_assessment_id'))

    op.drop_table('report_cache')
