"""scoring v2 (basis and verdieping apart) and the region an assessment relies on

Adds assessments.region, prefilled with the gemeente's RIEC region, and recomputes the
scores kept for every submitted assessment with scoring v2: the basis score in total, per
domain and per pillar, and the verdieping score. The recomputation uses the scoring rules of
the code that runs this migration (assess.framework.scoring); a later change of the rules
needs a migration of its own.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:30:00

"""
from typing import Sequence, Union

import msgspec
import sqlalchemy as sa
from alembic import op

from assess.framework.answers import Answer
from assess.framework.schema import Questionnaire
from assess.framework.scoring import score, scored_groups

revision: str = '0006'
down_revision: Union[str, Sequence[str], None] = '0005'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.String(length=200), nullable=True))
    bind = op.get_bind()
    bind.execute(sa.text(
        "UPDATE assessments SET region = (SELECT 'RIEC ' || m.riec FROM municipalities m "
        "WHERE m.code = assessments.municipality_code AND m.riec IS NOT NULL)"
    ))
    rescore(bind)


def rescore(bind: sa.Connection) -> None:
    definitions = {
        row.id: msgspec.json.decode(row.definition, type=Questionnaire)
        for row in bind.execute(sa.text("SELECT id, definition FROM questionnaire_versions"))
    }
    submitted = bind.execute(sa.text(
        "SELECT id, questionnaire_version_id FROM assessments WHERE status = 'ingediend'"
    )).all()
    answers: dict[object, dict[str, Answer]] = {row.id: {} for row in submitted}
    for row in bind.execute(sa.text(
        "SELECT a.assessment_id, a.question_id, a.code, a.regional FROM answers a "
        "JOIN assessments s ON s.id = a.assessment_id WHERE s.status = 'ingediend'"
    )):
        answers[row.assessment_id][row.question_id] = Answer(row.code, row.regional)
    bind.execute(sa.text("DELETE FROM assessment_scores"))
    rows = [
        {"assessment_id": item.id, "scope": scope, "key": group.key, "score": value,
         "coverage": group.coverage}
        for item in submitted
        for scope, group, value in scored_groups(
            score(definitions[item.questionnaire_version_id], answers[item.id])
        )
    ]
    if rows:
        bind.execute(sa.text(
            "INSERT INTO assessment_scores (assessment_id, scope, key, score, coverage) "
            "VALUES (:assessment_id, :scope, :key, :score, :coverage)"
        ), rows)


def downgrade() -> None:
    bind = op.get_bind()
    bind.execute(sa.text("DELETE FROM assessment_scores WHERE scope = 'verdieping'"))
    with op.batch_alter_table('assessments', schema=None) as batch_op:
        batch_op.drop_column('region')
