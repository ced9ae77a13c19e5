"""The peer comparison through the API: from the latest publication, without the asker."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.db.models import Answer as AnswerRow
from assess.db.models import Municipality
from assess.framework.answers import Answer
from assess.services import accounts, answering, answers, publications
from assess.services import tokens as token_service

from conftest import OWN, SYSTEM, bearer, submit_quickly

YEAR = 2025


def submitted(session, questionnaire, code, level, sharing="geanonimiseerd"):
    return submit_quickly(session, questionnaire, YEAR, {code: str(level)}, sharing)[code]


def province(factory, name):
    with factory() as s:
        codes = s.scalars(
            select(Municipality.code).filter_by(province=name).order_by(Municipality.code)
        ).all()
    return [c for c in codes if c != OWN]


@pytest.fixture
def overijssel(factory):
    return province(factory, "Overijssel")


def comparison(client, token, item_id, group):
    response = client.get(
        f"/api/v1/zelfevaluaties/{item_id}/vergelijking",
        params={"groep": group},
        headers=bearer(token),
    )
    assert response.status_code == 200, response.text
    return response.json()


def total_of(body):
    return next(s for s in body["scores"] if s["soort"] == "totaal")


def test_the_group_is_the_others_in_the_publication(
    client, tokens, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2)
        for code, level in zip(overijssel, (0, 1, 1, 1, 1, 2, 2, 2, 3, 3), strict=False):
            submitted(s, questionnaire, code, level)
        submitted(s, questionnaire, overijssel[10], 0, sharing="prive")  # never counts
        concept = answering.start(s, SYSTEM, overijssel[11], YEAR)  # not submitted
        answers.save(s, SYSTEM, concept.id, "A1", Answer("3"))
        publications.publish(s, SYSTEM, YEAR, 5)
    body = comparison(client, tokens["medewerker"], own, "provincie")
    assert (body["groepsnaam"], body["n"], body["onderdrukt"]) == (
        "provincie Overijssel",
        "10–19",
        False,
    )
    assert body["gepubliceerdOp"]
    total = total_of(body)
    # the others' totals: 0, 50 x4, 100 x5 (level 3 counts as meeting target 2); own 100 is out
    assert total["eigen"] == 100
    assert total["groep"] == {
        "n": "10–19",
        "mediaan": 75,
        "q1": 50,
        "q3": 100,
        "aandeelOpDoel": 50,
    }
    assert {s["sleutel"] for s in body["scores"] if s["soort"] == "domein"} == {
        d.code for d in questionnaire.domeinen
    }


def test_too_few_others_is_suppressed_with_a_reason(
    client, tokens, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2)
        for code in overijssel[:4]:
            submitted(s, questionnaire, code, 1)
        for code in province(factory, "Drenthe")[:10]:  # enough for a national figure
            submitted(s, questionnaire, code, 1)
        publications.publish(s, SYSTEM, YEAR, 5)
    body = comparison(client, tokens["medewerker"], own, "provincie")
    assert (body["n"], body["onderdrukt"], body["minimaleGroepsgrootte"]) == (
        "minder dan 5",
        True,
        5,
    )
    assert "minstens 5 andere gemeenten" in body["reden"]
    assert all(score["groep"] is None for score in body["scores"])
    assert total_of(body)["eigen"] == 100


def test_before_the_first_publication_there_is_no_comparison(
    client, tokens, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2)
        for code in overijssel[:10]:
            submitted(s, questionnaire, code, 1)
    body = comparison(client, tokens["medewerker"], own, "alle")
    assert body["onderdrukt"] and "nog niet gepubliceerd" in body["reden"]
    assert body["gepubliceerdOp"] is None


def test_unknown_group_is_400(client, tokens, factory):
    with factory() as s, s.begin():
        own = answering.start(s, SYSTEM, OWN, YEAR).id
    response = client.get(
        f"/api/v1/zelfevaluaties/{own}/vergelijking?groep=wijk",
        headers=bearer(tokens["medewerker"]),
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["groep"]


def test_nothing_after_the_publication_changes_the_comparison(
    client, tokens, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2)
        others = [submitted(s, questionnaire, code, 1) for code in overijssel[:10]]
        publications.publish(s, SYSTEM, YEAR, 5)
    before = comparison(client, tokens["medewerker"], own, "provincie")
    with factory() as s, s.begin():
        for item in others:  # change the stored rows behind the publication
            for row in s.scalars(select(AnswerRow).filter_by(assessment_id=item)):
                row.code = "3"
        for code in overijssel[10:15]:
            submitted(s, questionnaire, code, 3)
    assert comparison(client, tokens["medewerker"], own, "provincie") == before
    assert total_of(before)["groep"]["mediaan"] == 50


def test_sharing_is_fixed_at_submission(client, tokens, factory, questionnaire):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2)
    response = client.put(
        f"/api/v1/zelfevaluaties/{own}/deling",
        json={"deling": "prive"},
        headers=bearer(tokens["medewerker"]),
    )
    assert response.status_code == 409
    assert "beheerder" in response.json()["detail"]


def test_a_regional_coordinator_sees_only_groups_inside_the_region(
    client, factory, questionnaire, overijssel
):
    with factory() as s, s.begin():
        own = submitted(s, questionnaire, OWN, 2, sharing="benoemd")
        for code in overijssel[:10]:
            submitted(s, questionnaire, code, 1)
        publications.publish(s, SYSTEM, YEAR, 5)
        accounts.add_user(
            s, SYSTEM, "r@riec.nl", "regio", "kraanvogel-lantaarn-7", region="Oost-Nederland"
        )
        token = token_service.create(s, SYSTEM, owner_email="r@riec.nl")
    national = comparison(client, token, own, "alle")
    assert national["onderdrukt"] and "niet binnen uw RIEC-regio" in national["reden"]
    regional = comparison(client, token, own, "riec")
    assert not regional["onderdrukt"] and total_of(regional)["groep"]["mediaan"] == 50
