"""The action plan: proposals from the gap analysis, adding and changing actions through the
API, who may, and carrying open actions over to next year."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from assess.db.models import AuditEvent
from assess.framework import action_plan as rules
from assess.framework.answers import Answer
from assess.framework.gaps import analyse
from assess.framework.schema import Plateau
from assess.framework.scoring import score
from assess.framework.vocabulary import ActionStatus
from assess.services import answering, answers

from conftest import OWN, SYSTEM, bearer

BASE = "/api/v1"
PASSWORD = "kraanvogel-lantaarn-7"


def first_of(questionnaire, plateau):
    return next(q for q in questionnaire.questions() if q.plateau == plateau)


# --- pure rules ------------------------------------------------------------------------


def test_proposals_put_the_basis_first_then_what_to_find_out_then_the_deepening(questionnaire):
    basis, deep = (
        first_of(questionnaire, Plateau.BASIS),
        first_of(questionnaire, Plateau.VERDIEPING),
    )
    unknown = next(
        q for q in questionnaire.questions() if q.plateau == Plateau.BASIS and q.id != basis.id
    )
    answers = {basis.id: Answer("0"), deep.id: Answer("0"), unknown.id: Answer("onbekend")}
    analysis = analyse(questionnaire, score(questionnaire, answers))
    found = rules.proposals(analysis, questionnaire)
    assert [(p.question_id, p.find_out) for p in found] == [
        (basis.id, False),
        (unknown.id, True),
        (deep.id, False),
    ]
    assert found[0].title == next(g.action for g in analysis.gaps if g.question_id == basis.id)
    assert unknown.vraag in found[1].title and found[1].title.startswith("Zoek uit")
    assert [p.question_id for p in rules.proposals(analysis, questionnaire, {basis.id})] == [
        unknown.id,
        deep.id,
    ]


def test_an_action_needs_a_title_a_sane_date_and_a_question_of_the_questionnaire(questionnaire):
    fine = rules.Draft("Stel een aandachtsfunctionaris aan", "team Veiligheid", date(2026, 6, 1))
    assert rules.draft_problems(fine, questionnaire) == {}
    wrong = rules.Draft(" ", "x" * 201, date(1999, 12, 31), question_id="Z9")
    assert set(rules.draft_problems(wrong, questionnaire)) == {
        "titel",
        "trekker",
        "gereedOp",
        "vraagId",
    }


# --- the API ---------------------------------------------------------------------------


@pytest.fixture
def officer(client, tokens):
    client.headers.update(bearer(tokens["medewerker"]))
    return client


def start(client, year) -> str:
    response = client.post(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", json={"jaar": year})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def put_answer(client, item, question_id, code):
    path = f"{BASE}/zelfevaluaties/{item}/antwoorden/{question_id}"
    assert client.put(path, json={"antwoord": code}).status_code == 200


def test_a_gap_is_proposed_until_it_is_taken_into_the_plan(officer, questionnaire):
    item = start(officer, 2025)
    gap = first_of(questionnaire, Plateau.BASIS)
    put_answer(officer, item, gap.id, "0")
    plan = officer.get(f"{BASE}/zelfevaluaties/{item}/acties").json()
    assert plan["items"] == []
    proposal = plan["voorstellen"][0]
    assert (proposal["vraagId"], proposal["niveau"], proposal["uitzoeken"]) == (
        gap.id,
        "basis",
        False,
    )
    body = {
        "titel": proposal["titel"],
        "vraagId": gap.id,
        "trekker": "team Veiligheid",
        "gereedOp": "2026-07-01",
    }
    added = officer.post(f"{BASE}/zelfevaluaties/{item}/acties", json=body)
    assert added.status_code == 201, added.text
    assert added.headers["ETag"] == '"1"'
    action = added.json()
    assert (action["status"], action["trekker"], action["gereedOp"]) == (
        "gepland",
        "team Veiligheid",
        "2026-07-01",
    )
    plan = officer.get(f"{BASE}/zelfevaluaties/{item}/acties").json()
    assert [a["id"] for a in plan["items"]] == [action["id"]]
    assert gap.id not in [p["vraagId"] for p in plan["voorstellen"]]


def test_changing_an_action_checks_its_own_version_and_keeps_an_audit_trail(officer, factory):
    item = start(officer, 2025)
    path = f"{BASE}/zelfevaluaties/{item}/acties"
    own = officer.post(path, json={"titel": "Training signalen voor handhavers"}).json()
    other = officer.post(path, json={"titel": "Afspraken met zorgpartners"}).json()
    changed = officer.put(
        f"{path}/{own['id']}",
        json={"titel": own["titel"], "status": "bezig", "trekker": "Handhaving"},
        headers={"If-Match": '"1"'},
    )
    assert changed.status_code == 200 and changed.headers["ETag"] == '"2"'
    assert changed.json()["status"] == "bezig"
    stale = officer.put(
        f"{path}/{own['id']}", json={"titel": "Anders"}, headers={"If-Match": '"1"'}
    )
    assert stale.status_code == 412
    assert stale.json()["huidigeActie"]["trekker"] == "Handhaving"
    assert stale.json()["huidigeVersie"] == 2
    untouched = officer.put(
        f"{path}/{other['id']}", json={"titel": other["titel"]}, headers={"If-Match": '"1"'}
    )
    assert untouched.status_code == 200  # a colleague's change of another action is no conflict
    with factory() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.object_id == own["id"])).all()
        assert [e.action for e in events] == ["action.add", "action.change"]
        assert events[1].details == {"status": "bezig", "trekker": "Handhaving"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"titel": ""}, "titel"),
        ({"titel": "x", "vraagId": "Z9"}, "vraagId"),
        ({"titel": "x", "status": "klaar"}, "status"),
        ({"titel": "x", "gereedOp": "1 juli"}, "gereedOp"),
        ({"titel": "x", "gereedOp": "1900-01-01"}, "gereedOp"),
        ({"titel": "x", "eigenaar": "Piet"}, "body"),
    ],
)
def test_a_wrong_action_is_a_dutch_400_and_nothing_is_stored(officer, body, field):
    item = start(officer, 2025)
    refused = officer.post(f"{BASE}/zelfevaluaties/{item}/acties", json=body)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    names = [p["name"] for p in refused.json()["invalidParams"]]
    assert field in names or (field == "body" and names), refused.json()
    assert officer.get(f"{BASE}/zelfevaluaties/{item}/acties").json()["items"] == []


def test_only_the_gemeente_itself_plans_and_others_do_not_see_a_concept(officer, tokens):
    item = start(officer, 2025)
    path = f"{BASE}/zelfevaluaties/{item}/acties"
    for other in ("ander", "analist"):
        headers = bearer(tokens[other])
        assert officer.get(path, headers=headers).status_code == 404
        assert officer.post(path, json={"titel": "x"}, headers=headers).status_code == 404


def test_the_plan_lives_on_after_submission_and_open_actions_carry_over(
    officer, factory, questionnaire
):
    item = start(officer, 2025)
    for q in questionnaire.questions():
        put_answer(officer, item, q.id, "2")
    path = f"{BASE}/zelfevaluaties/{item}/acties"
    made = {
        status: officer.post(
            path,
            json={
                "titel": f"Actie {status}",
                "status": status,
                "trekker": "Zorg",
                "gereedOp": "2026-03-01",
                "toelichting": "met GGD",
            },
        ).json()
        for status in ActionStatus
    }
    submitted = officer.post(f"{BASE}/zelfevaluaties/{item}/indienen", json={"deling": "prive"})
    assert submitted.status_code == 200, submitted.text
    late = officer.post(path, json={"titel": "Na het indienen"})
    assert late.status_code == 201  # the plan lives on
    done = made["bezig"]
    assert (
        officer.put(
            f"{path}/{done['id']}",
            json={
                "titel": done["titel"],
                "status": "bezig",
                "trekker": "Zorg en Veiligheid",
                "gereedOp": "2026-03-01",
                "toelichting": "met GGD",
            },
        ).status_code
        == 200
    )

    next_year = start(officer, 2026)
    carried = officer.get(f"{BASE}/zelfevaluaties/{next_year}/acties").json()["items"]
    assert [a["titel"] for a in carried] == ["Actie gepland", "Actie bezig", "Na het indienen"]
    first = carried[0]
    assert first["overgenomenVan"] == {"actieId": made["gepland"]["id"], "jaar": 2025}
    assert (first["trekker"], first["gereedOp"], first["toelichting"]) == (
        "Zorg",
        "2026-03-01",
        "met GGD",
    )
    assert carried[1]["trekker"] == "Zorg en Veiligheid" and carried[1]["status"] == "bezig"
    assert all(a["versie"] == 1 for a in carried)


# --- the page --------------------------------------------------------------------------


@pytest.fixture
def signed_in(client, factory):
    from test_pages import login

    from assess.services import accounts

    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)
    assert login(client, "m@zwolle.nl").status_code == 303
    return client


def test_the_page_takes_a_proposal_in_and_keeps_what_was_typed_on_an_error(
    signed_in, factory, questionnaire
):
    from test_pages import csrf, html

    gap = first_of(questionnaire, Plateau.BASIS)
    with factory() as s, s.begin():
        item = answering.start(s, SYSTEM, OWN, 2025).id
        answers.save(s, SYSTEM, item, gap.id, Answer("0"))
    page_path = f"/zelfevaluaties/{item}/actieplan"
    page = html(signed_in.get(page_path))
    proposal = page.select_one(f"#voorstel-{gap.id}")
    assert proposal and "Opnemen in het actieplan" in proposal.get_text()
    title = proposal.select_one("input[name=titel]")["value"]
    token = csrf(signed_in, page_path)
    taken = signed_in.post(
        page_path,
        data={"vraagId": gap.id, "titel": title, "_csrf_token": token},
        follow_redirects=False,
    )
    assert taken.status_code == 303
    page = html(signed_in.get(page_path))
    card = page.select_one(".action-card")
    assert title in card.get_text() and f"bij vraag {gap.id}" in card.get_text()
    assert not page.select_one(f"#voorstel-{gap.id}")
    action_id = card["id"].removeprefix("actie-")
    form = {
        "titel": title,
        "trekker": "Team Zorg",
        "gereedOp": "1 juli",
        "status": "bezig",
        "versie": "1",
        "vraagId": gap.id,
        "_csrf_token": csrf(signed_in, page_path),
    }
    wrong = signed_in.post(f"{page_path}/{action_id}", data=form)
    assert wrong.status_code == 400
    shown = html(wrong)
    assert shown.title.get_text().startswith("Fout:")
    assert shown.select_one(f"#foutoverzicht a[href='#a-{action_id}-gereedOp']")
    assert shown.select_one(f"#a-{action_id}-trekker")["value"] == "Team Zorg"  # kept
    assert shown.select_one(f"#a-{action_id}-gereedOp-fout")
    form.update(gereedOp="2026-07-01", _csrf_token=csrf(signed_in, page_path))
    assert (
        signed_in.post(f"{page_path}/{action_id}", data=form, follow_redirects=False).status_code
        == 303
    )
    meta = html(signed_in.get(page_path)).select_one(".action-meta").get_text(" ", strip=True)
    assert "bezig" in meta and "Team Zorg" in meta and "2026-07-01" in meta


def test_closed_gaps_are_last_years_basis_gaps_now_at_target(questionnaire):
    basis = [q for q in questionnaire.questions() if q.plateau == Plateau.BASIS][:3]
    before = score(questionnaire, {q.id: Answer("1") for q in basis})
    now = score(questionnaire, {basis[0].id: Answer("2"), basis[1].id: Answer("3")})
    closed, still_open = rules.closed_gaps(before, now)
    assert closed == [basis[0].id, basis[1].id] and still_open == [basis[2].id]


def test_the_results_page_says_what_became_of_last_years_plan(signed_in, factory, questionnaire):
    from test_pages import html

    from assess.framework.action_plan import Draft
    from assess.services import action_plan

    from conftest import submit_quickly

    gap = first_of(questionnaire, Plateau.BASIS)
    with factory() as s, s.begin():
        earlier = submit_quickly(
            s,
            questionnaire,
            2025,
            {OWN: {**{q.id: "2" for q in questionnaire.questions()}, gap.id: "1"}},
        )[OWN]
        action_plan.add(
            s,
            SYSTEM,
            earlier,
            Draft("Beleid vaststellen", question_id=gap.id, status=ActionStatus.STARTED),
        )
        action_plan.add(s, SYSTEM, earlier, Draft("Oude actie", status=ActionStatus.DROPPED))
        item = answering.start(s, SYSTEM, OWN, 2026).id
        answers.save(s, SYSTEM, item, gap.id, Answer("2"))
        carried = action_plan.actions_of(s, SYSTEM, item)[0]
        action_plan.change(
            s,
            SYSTEM,
            item,
            carried.id,
            Draft("Beleid vaststellen", question_id=gap.id, status=ActionStatus.DONE),
        )
    page = html(signed_in.get(f"/zelfevaluaties/{item}/resultaten"))
    since = page.select_one("section[aria-labelledby=sinds]")
    assert since is not None
    assert f"Gesloten: {gap.id}" in since.get_text(" ", strip=True)
    rows = [r.get_text(" ", strip=True) for r in since.select("#tabel-vorig-plan tbody tr")]
    assert rows == [
        f"Beleid vaststellen {gap.id} bezig gereed (overgenomen)",
        "Oude actie eigen actie vervallen –",
    ]


def test_an_analyst_never_learns_of_a_private_year_through_a_carried_action(
    client, tokens, factory, questionnaire
):
    from assess.access import Sharing
    from assess.framework.action_plan import Draft
    from assess.services import action_plan

    from conftest import submit_quickly

    everything_at_one = {OWN: {q.id: "1" for q in questionnaire.questions()}}
    with factory() as s, s.begin():
        private = submit_quickly(s, questionnaire, 2025, everything_at_one, sharing="prive")[OWN]
        action_plan.add(s, SYSTEM, private, Draft("Geheime actie uit het privéjaar"))
        named = answering.start(s, SYSTEM, OWN, 2026).id
        for q in questionnaire.questions():
            answers.save(s, SYSTEM, named, q.id, Answer("2"))
        answering.submit(s, SYSTEM, named, Sharing.NAMED)
    path = f"{BASE}/zelfevaluaties/{named}/acties"
    seen_by_officer = client.get(path, headers=bearer(tokens["medewerker"])).json()["items"]
    assert seen_by_officer[0]["overgenomenVan"]["jaar"] == 2025
    seen_by_analyst = client.get(path, headers=bearer(tokens["analist"]))
    assert seen_by_analyst.status_code == 200
    assert seen_by_analyst.json()["items"][0]["overgenomenVan"] is None
    assert "2025" not in seen_by_analyst.text
