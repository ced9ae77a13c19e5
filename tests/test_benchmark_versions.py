"""The benchmark scores every year on the newest questionnaire, through the version mapping."""

from __future__ import annotations

from sqlalchemy import update

from assess.db.models import Assessment
from assess.framework.answers import Answer
from assess.services import answering, benchmark, questionnaires

from conftest import SYSTEM

YEAR = 2018  # no other test submits this year


def submit_on_older_version(session, code, older, answers):
    item = answering.start(session, SYSTEM, code, YEAR)
    row_version = questionnaires.version_row(session, older.id, older.versie)
    session.execute(
        update(Assessment)
        .where(Assessment.id == item.id)
        .values(questionnaire_version_id=row_version.id)
    )
    session.expire_all()
    for qid, answer in answers.items():
        answering.save_answer(session, SYSTEM, item.id, qid, answer)
    return answering.submit(session, SYSTEM, item.id)


def test_an_older_version_is_scored_on_the_newest_through_the_mapping(
    session, questionnaires_shipped
):
    older, newest = questionnaires_shipped[0], questionnaires_shipped[-1]
    # B8 (2026.1) was dropped in 2026.2: at level 0 it lowers the old score, not the new one
    answers = {q.id: Answer("2") for q in older.questions()}
    answers["B8"] = Answer("0")
    items = [
        submit_on_older_version(session, code, older, answers) for code in ("GM0193", "GM0150")
    ]
    assert all(item.questionnaire.versie == older.versie for item in items)
    assert items[0].analysis().scores.total.score < 100  # on its own version
    picture = benchmark.year_benchmark(session, SYSTEM, YEAR, 2).picture
    total = picture.total.figures[("totaal", "totaal")]
    assert (total.n, total.median, total.at_target) == (2, 100, 1.0)
    assert newest.question("B8").vraag != older.question("B8").vraag  # B8 is another question now
