"""The zelfevaluatie flow through the API: create, answer, conflicts, submit, analyse."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from assess.db.models import ApiToken, AuditEvent, User, utcnow
from assess.services import accounts
from assess.services import tokens as token_service

from conftest import OWN, SYSTEM, bearer

BASE = "/api/v1"


@pytest.fixture
def officer(client, tokens):
    client.headers.update(bearer(tokens["medewerker"]))
    return client


def start(client, year=2026) -> str:
    response = client.post(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", json={"jaar": year})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def answer(client, item, question, body, **headers):
    return client.put(
        f"{BASE}/zelfevaluaties/{item}/antwoorden/{question}", json=body, headers=headers
    )


def test_create_returns_201_with_location_and_409_for_the_same_year(officer):
    response = officer.post(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", json={"jaar": 2026})
    assert response.status_code == 201
    body = response.json()
    assert response.headers["Location"] == f"{BASE}/zelfevaluaties/{body['id']}"
    assert body["jaar"] == 2026 and body["status"] == "concept"
    again = officer.post(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", json={"jaar": 2026})
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    listed = officer.get(f"{BASE}/gemeenten/{OWN}/zelfevaluaties").json()
    assert [z["jaar"] for z in listed["zelfevaluaties"]] == [2026] and listed["totaal"] == 1


def test_each_answer_has_its_own_etag(officer, questionnaire):
    item = start(officer)
    whole = officer.get(f"{BASE}/zelfevaluaties/{item}")
    assert whole.headers["ETag"] == '"1"'
    assert officer.get(f"{BASE}/zelfevaluaties/{item}/antwoorden/A1").status_code == 404
    saved = answer(
        officer, item, "A1", {"antwoord": "2", "toelichting": "Plan 2025"}, **{"If-None-Match": "*"}
    )
    assert saved.status_code == 200, saved.text
    assert saved.headers["ETag"] == '"1"'
    body = saved.json()
    assert (body["vraagId"], body["toelichting"], body["versie"]) == ("A1", "Plan 2025", 1)
    assert body["gewijzigdOp"].endswith("Z") or body["gewijzigdOp"].endswith("+00:00")
    again = answer(officer, item, "A1", {"antwoord": "3"}, **{"If-Match": '"1"'})
    assert again.headers["ETag"] == '"2"'
    read = officer.get(f"{BASE}/zelfevaluaties/{item}/antwoorden/A1")
    assert (read.headers["ETag"], read.json()["antwoord"]) == ('"2"', "3")
    other = answer(officer, item, "A2", {"antwoord": "1"}, **{"If-None-Match": "*"})
    assert other.status_code == 200  # a colleague's save of A1 is no conflict for A2
    whole = officer.get(f"{BASE}/zelfevaluaties/{item}")
    assert whole.headers["ETag"] == '"1"'  # answers leave the whole's version alone
    assert whole.json()["voortgang"] == {
        "totaal": len(questionnaire.questions()),
        "beantwoord": 2,
        "open": len(questionnaire.questions()) - 2,
        "percentage": round(200 / len(questionnaire.questions())),
    }


def test_stale_if_match_is_412_with_the_current_answer(officer):
    item = start(officer)
    assert answer(officer, item, "A1", {"antwoord": "1"}).status_code == 200
    stale = answer(officer, item, "A1", {"antwoord": "3"}, **{"If-Match": '"7"'})
    assert stale.status_code == 412
    problem = stale.json()
    assert problem["huidigAntwoord"]["antwoord"] == "1" and problem["huidigeVersie"] == 1
    taken = answer(officer, item, "A1", {"antwoord": "3"}, **{"If-None-Match": "*"})
    assert taken.status_code == 412  # it exists already
    assert officer.get(f"{BASE}/zelfevaluaties/{item}").json()["antwoorden"][0]["antwoord"] == "1"
    last_wins = answer(officer, item, "A1", {"antwoord": "3"})
    assert last_wins.status_code == 200 and last_wins.headers["ETag"] == '"2"'


def test_the_whole_assessments_etag_guards_sharing_and_submission(officer):
    item = start(officer)
    stale = officer.put(
        f"{BASE}/zelfevaluaties/{item}/deling",
        json={"deling": "benoemd"},
        headers={"If-Match": '"9"'},
    )
    assert stale.status_code == 412
    fresh = officer.put(
        f"{BASE}/zelfevaluaties/{item}/deling",
        json={"deling": "benoemd"},
        headers={"If-Match": '"1"'},
    )
    assert fresh.status_code == 200 and fresh.headers["ETag"] == '"2"'
    refused = officer.post(f"{BASE}/zelfevaluaties/{item}/indienen", headers={"If-Match": '"1"'})
    assert refused.status_code == 412


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"antwoord": "5"}, "antwoord"),
        ({"antwoord": 2}, "antwoord"),
        ({"antwoord": "2", "kleur": "rood"}, None),
        ({"antwoord": "nvt"}, "antwoord"),  # A1 does not allow nvt
        ({"antwoord": "2", "regionaal": "ja"}, "regionaal"),
        ({"antwoord": "2", "toelichting": "x" * 4001}, "toelichting"),
    ],
)
def test_bad_answers_are_400_and_write_nothing(officer, body, field):
    item = start(officer)
    response = answer(officer, item, "A1", body)
    assert response.status_code == 400, response.text
    problem = response.json()
    assert problem["title"] and problem["detail"]
    if field:
        assert field in [p["name"] for p in problem["invalidParams"]]
    assert officer.get(f"{BASE}/zelfevaluaties/{item}").json()["antwoorden"] == []


def test_nvt_needs_a_toelichting(officer, questionnaire):
    allowed = next(q for q in questionnaire.questions() if q.nvt_toegestaan)
    item = start(officer)
    response = answer(officer, item, allowed.id, {"antwoord": "nvt"})
    assert response.status_code == 400
    assert [p["name"] for p in response.json()["invalidParams"]] == ["toelichting"]
    ok = answer(officer, item, allowed.id, {"antwoord": "nvt", "toelichting": "Geen seksbranche."})
    assert ok.status_code == 200


def test_malformed_json_unknown_question_and_oversize_body(officer):
    item = start(officer)
    broken = officer.put(
        f"{BASE}/zelfevaluaties/{item}/antwoorden/A1",
        content=b"{antwoord",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400 and "JSON" in broken.json()["detail"]
    assert answer(officer, item, "Z9", {"antwoord": "1"}).status_code == 404
    huge = answer(officer, item, "A1", {"antwoord": "1", "toelichting": "x" * 100_000})
    assert huge.status_code == 413
    assert huge.headers["content-type"].startswith("application/problem+json")


def test_submit_only_when_complete_then_read_only(officer, questionnaire):
    item = start(officer)
    incomplete = officer.post(f"{BASE}/zelfevaluaties/{item}/indienen")
    assert incomplete.status_code == 409 and "open" in incomplete.json()["detail"]
    for q in questionnaire.questions():
        assert answer(officer, item, q.id, {"antwoord": "2"}).status_code == 200
    submitted = officer.post(f"{BASE}/zelfevaluaties/{item}/indienen", json={"deling": "benoemd"})
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["status"] == "ingediend" and submitted.json()["deling"] == "benoemd"
    assert answer(officer, item, "A1", {"antwoord": "3"}).status_code == 409


def test_analyse_orders_gaps_by_plateau_and_priority(officer, questionnaire):
    item = start(officer)
    answer(officer, item, "A1", {"antwoord": "0"})  # basis, weight 3, distance 2
    answer(officer, item, "A2", {"antwoord": "1"})  # basis, weight 2, distance 1
    answer(officer, item, "A3", {"antwoord": "0"})  # verdieping, weight 1, distance 2
    answer(officer, item, "C3", {"antwoord": "onbekend"})
    body = officer.get(f"{BASE}/zelfevaluaties/{item}/analyse").json()
    gaps = body["tekorten"]
    assert [(g["vraagId"], g["plateau"], g["prioriteit"]) for g in gaps] == [
        ("A1", "basis", 6),
        ("A2", "basis", 2),
        ("A3", "verdieping", 2),
    ]
    assert gaps[0]["aanbeveling"] == questionnaire.question("A1").aanbevelingen[0]
    assert gaps[0]["actie"] == gaps[0]["aanbeveling"]  # not regional: a local action
    assert [u["vraagId"] for u in body["uitzoeken"]] == ["C3"]
    assert body["uitzoeken"][0]["metWie"] == questionnaire.question("C3").uitzoeken
    assert "C3" not in {g["vraagId"] for g in gaps}
    assert body["basisniveau"]["bereikt"] is False
    assert body["basisniveau"]["vragen"] == 3 and body["basisniveau"]["opDoel"] == 0
    assert body["verdieping"]["score"] == 0
    assert len(body["openVragen"]) == len(questionnaire.questions()) - 4
    assert {d["sleutel"] for d in body["domeinen"]} == set("ABCDEF")
    assert {p["sleutel"] for p in body["pijlers"]} == {"regie", "zorg", "signalering", "handhaving"}
    assert {t["sleutel"] for t in body["themas"]} == {
        "beleid",
        "signalering",
        "bewustwording",
        "samenwerking",
        "opvang",
    }
    assert {"seksueel", "arbeid", "crimineel"} <= {f["sleutel"] for f in body["uitbuitingsvormen"]}
    assert {"amv", "daders"} <= {g["sleutel"] for g in body["doelgroepen"]}


def test_sharing_can_be_changed_and_is_validated(officer):
    item = start(officer)
    ok = officer.put(f"{BASE}/zelfevaluaties/{item}/deling", json={"deling": "prive"})
    assert ok.status_code == 200 and ok.json()["deling"] == "prive"
    bad = officer.put(f"{BASE}/zelfevaluaties/{item}/deling", json={"deling": "openbaar"})
    assert bad.status_code == 400


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer onzin", "Basic abc"])
def test_missing_or_wrong_token_is_401(client, header):
    headers = {"Authorization": header} if header else {}
    response = client.get(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["title"] == "Niet aangemeld"


def test_revoked_and_expired_tokens_are_401(client, factory):
    email = "x@zwolle.nl"
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, email, "medewerker", "kraanvogel-lantaarn-7", OWN)
        revoked = token_service.create(s, SYSTEM, owner_email=email)
        [first] = token_service.of_user(s, SYSTEM, owner_email=email)
        token_service.revoke(s, SYSTEM, first.id, owner_email=email)
        # A token cannot be created already expired: create one, then let it expire.
        expired = token_service.create(
            s, SYSTEM, expires_at=utcnow() + timedelta(minutes=1), owner_email=email
        )
        [second] = [
            t for t in token_service.of_user(s, SYSTEM, owner_email=email) if t.id != first.id
        ]
        s.execute(
            update(ApiToken)
            .filter_by(id=second.id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        s.flush()
    for token in (revoked, expired):
        response = client.get(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", headers=bearer(token))
        assert response.status_code == 401
        assert response.json()["detail"] == "Het API-token is onbekend, verlopen of ingetrokken."


def test_every_write_is_audited_with_who_and_from_where(officer, factory):
    item = start(officer)
    answer(officer, item, "A1", {"antwoord": "1"})
    with factory() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        user_id = s.scalar(select(User.id).filter_by(email="m@zwolle.nl"))
    writes = [(e.action, e.actor_id, e.source) for e in events if e.object_id == item]
    assert writes == [
        ("assessment.create", user_id, "testclient"),
        ("answer.save", user_id, "testclient"),
    ]
