"""A publication scores every contributor on the newest questionnaire, through the mapping."""

from __future__ import annotations

from sqlalchemy import select, update

from assess.db.models import Assessment, Municipality
from assess.framework.answers import Answer
from assess.services import answering, answers, benchmark, publications, questionnaires

from conftest import SYSTEM

YEAR = 2018  # no other test submits this year


def submit_on_older_version(session, code, older, given):
    item = answering.start(session, SYSTEM, code, YEAR)
    row_version = questionnaires.version_row(session, older.id, older.versie)
    session.execute(
        update(Assessment)
        .where(Assessment.id == item.id)
        .values(questionnaire_version_id=row_version.id)
    )
    session.expire_all()
    for qid, answer in given.items():
        answers.save(session, SYSTEM, item.id, qid, answer)
    return answering.submit(session, SYSTEM, item.id)


def test_an_older_version_is_scored_on_the_newest_through_the_mapping(
    session, questionnaires_shipped
):
    older, newest = questionnaires_shipped[0], questionnaires_shipped[-1]
    # B8 (2026.1) was dropped in 2026.2: at level 0 it lowers the old score, not the new one
    given = {q.id: Answer("2") for q in older.questions()}
    given["B8"] = Answer("0")
    codes = session.scalars(select(Municipality.code).order_by(Municipality.code).limit(10))
    items = [submit_on_older_version(session, code, older, given) for code in codes]
    assert all(item.questionnaire.versie == older.versie for item in items)
    assert items[0].analysis().scores.total.score < 100  # on its own version
    publications.publish(session, SYSTEM, YEAR, 5)
    tables = benchmark.year_benchmark(session, SYSTEM, YEAR)
    assert tables.version == newest.versie
    total = tables.total.figure(("totaal", "totaal"))
    assert (total.n, total.median, total.q1, total.q3) == ("10–19", 100, 100, 100)
    assert total.at_target is None  # all at target would pin every score at 100
    assert newest.question("B8").vraag != older.question("B8").vraag  # B8 is another question now
