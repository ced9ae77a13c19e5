"""The peer comparison through the API, on crafted groups of submitted assessments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.access import Sharing
from assess.db.models import Answer as AnswerRow
from assess.db.models import Municipality
from assess.framework.answers import Answer
from assess.services import answering

from conftest import OWN, SYSTEM, bearer

YEAR = 2025


def submitted(session, questionnaire, code, level, sharing="geanonimiseerd"):
    item = answering.start(session, SYSTEM, code, YEAR)
    for q in questionnaire.questions():
        answering.save_answer(session, SYSTEM, item.id, q.id, Answer(str(level)))
    return answering.submit(session, SYSTEM, item.id, Sharing(sharing))


@pytest.fixture
def overijssel(factory):
    with factory() as s:
        codes = s.scalars(
            select(Municipality.code).filter_by(province="Overijssel").order_by(Municipality.code)
        ).all()
    return [c for c in codes if c != OWN]


def comparison(client, tokens, item_id, group):
    response = client.get(
        f"/api/v1/zelfevaluaties/{item_id}/vergelijking",
        params={"groep": group},
        headers=bearer(tokens["medewerker"]),
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_group_of_five_shows_median_and_quartiles(
    client, tokens, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2).id
        for code, level in zip(overijssel[:4], (0, 1, 1, 3), strict=True):
            submitted(s, questionnaire, code, level)
        submitted(s, questionnaire, overijssel[4], 0, sharing="prive")  # never counts
        concept = answering.start(s, SYSTEM, overijssel[5], YEAR)  # not submitted
        answering.save_answer(s, SYSTEM, concept.id, "A1", Answer("3"))
    body = comparison(client, tokens, own, "provincie")
    assert (body["groepsnaam"], body["n"], body["onderdrukt"]) == ("provincie Overijssel", 5, False)
    total = next(s for s in body["scores"] if s["soort"] == "totaal")
    # totals: own 100, others 0, 50, 50, 100 (level 3 counts as meeting target 2)
    assert total["eigen"] == 100
    assert total["groep"] == {"n": 5, "mediaan": 50, "q1": 50, "q3": 100}
    assert {s["sleutel"] for s in body["scores"] if s["soort"] == "domein"} == set("ABCDEF")


def test_group_of_four_is_suppressed_with_a_reason(
    client, tokens, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2).id
        for code in overijssel[:3]:
            submitted(s, questionnaire, code, 1)
    body = comparison(client, tokens, own, "provincie")
    assert (body["n"], body["onderdrukt"], body["minimaleGroepsgrootte"]) == (4, True, 5)
    assert "4 van de minimaal 5" in body["reden"]
    assert all(score["groep"] is None for score in body["scores"])
    assert next(s for s in body["scores"] if s["soort"] == "totaal")["eigen"] == 100


def test_unknown_group_is_400(client, tokens, factory):
    with factory() as s, s.begin():
        own = answering.start(s, SYSTEM, OWN, YEAR).id
    response = client.get(
        f"/api/v1/zelfevaluaties/{own}/vergelijking?groep=wijk",
        headers=bearer(tokens["medewerker"]),
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["groep"]


def test_comparison_reads_stored_scores_not_answers(
    client, tokens, factory, questionnaire, overijssel
):
    """Answers changed behind the stored scores do not change the group figures."""
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2).id
        others = [submitted(s, questionnaire, code, 1) for code in overijssel[:4]]
        for item in others:  # views are snapshots: change the stored rows behind them
            for row in s.scalars(select(AnswerRow).filter_by(assessment_id=item.id)):
                row.code = "3"
    total = next(
        s for s in comparison(client, tokens, own, "provincie")["scores"] if s["soort"] == "totaal"
    )
    assert total["groep"]["mediaan"] == 50
