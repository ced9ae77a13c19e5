"""The Excel round trip: download an assessment as a workbook, fill it in with openpyxl as a
meeting would, read it back; a wrong cell changes nothing and is named."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from assess.web.downloads import XLSX

from conftest import OWN, bearer

BASE = "/api/v1"


@pytest.fixture
def officer(client, tokens):
    client.headers.update(bearer(tokens["medewerker"]))
    return client


@pytest.fixture
def item(officer) -> str:
    response = officer.post(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", json={"jaar": 2025})
    assert response.status_code == 201
    item = response.json()["id"]
    assert (
        officer.put(
            f"{BASE}/zelfevaluaties/{item}/antwoorden/A1", json={"antwoord": "1"}
        ).status_code
        == 200
    )
    action = {"titel": "Beleid laten vaststellen", "vraagId": "A1", "trekker": "Beleid"}
    assert officer.post(f"{BASE}/zelfevaluaties/{item}/acties", json=action).status_code == 201
    return item


def download(client, item):
    response = client.get(f"{BASE}/zelfevaluaties/{item}/werkboek")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(XLSX)
    return load_workbook(io.BytesIO(response.content))


def upload(client, item, book):
    out = io.BytesIO()
    book.save(out)
    return client.post(
        f"{BASE}/zelfevaluaties/{item}/werkboek",
        content=out.getvalue(),
        headers={"Content-Type": XLSX},
    )


def row_of(sheet, question_id):
    return next(row for row in sheet.iter_rows(min_row=2) if row[0].value == question_id)


def test_the_workbook_holds_the_questions_answers_and_plan(officer, item, questionnaire):
    book = download(officer, item)
    assert book.sheetnames == ["Leesmij", "Antwoorden", "Actieplan"]
    assert book["Leesmij"]["B3"].value == item and book["Leesmij"]["B4"].value == OWN
    answers = book["Antwoorden"]
    assert [c.value for c in answers[1]][:7] == [
        "Vraag-id", "Vraag", "Niveau 0", "Niveau 1", "Niveau 2", "Niveau 3", "Antwoord",
    ]  # fmt: skip
    assert answers.max_row == 1 + len(questionnaire.questions())
    first = row_of(answers, "A1")
    question = questionnaire.question("A1")
    assert first[1].value == question.vraag and first[4].value == question.niveaus[2]
    assert first[6].value == "1"
    choices = [v for v in answers.data_validations.dataValidation if "G2" in str(v.sqref)]
    assert choices and "onbekend" in choices[0].formula1
    plan = book["Actieplan"]
    assert [c.value for c in plan[2]][1:4] == ["A1", "Beleid laten vaststellen", "Beleid"]


def test_a_filled_in_workbook_changes_answers_and_actions(officer, item):
    book = download(officer, item)
    answers, plan = book["Antwoorden"], book["Actieplan"]
    row_of(answers, "A2")[6].value = 2  # Excel may give the code as a number
    row_of(answers, "A2")[8].value = "Besproken in het overleg van 12 maart"
    plan["D2"] = "team Veiligheid"
    plan["E2"] = "1-7-2026"
    plan["C3"], plan["F3"] = "Training voor handhavers", "bezig"
    done = upload(officer, item, book)
    assert done.status_code == 200, done.text
    assert done.json() == {"antwoordenGewijzigd": 1, "actiesGewijzigd": 1, "actiesToegevoegd": 1}
    a2 = officer.get(f"{BASE}/zelfevaluaties/{item}/antwoorden/A2").json()
    assert (a2["antwoord"], a2["toelichting"]) == ("2", "Besproken in het overleg van 12 maart")
    actions = officer.get(f"{BASE}/zelfevaluaties/{item}/acties").json()["items"]
    assert [(a["trekker"], a["gereedOp"], a["status"]) for a in actions] == [
        ("team Veiligheid", "2026-07-01", "gepland"),
        ("", None, "bezig"),
    ]
    again = upload(officer, item, download(officer, item))
    assert again.json() == {"antwoordenGewijzigd": 0, "actiesGewijzigd": 0, "actiesToegevoegd": 0}


def test_a_wrong_cell_is_named_and_nothing_changes(officer, item):
    book = download(officer, item)
    answers = book["Antwoorden"]
    a2 = row_of(answers, "A2")
    a2[6].value = "2"  # right, but the workbook goes in whole or not at all
    a3 = row_of(answers, "A3")
    a3[6].value = "7"
    book["Actieplan"]["E2"] = "morgen"
    refused = upload(officer, item, book)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    reasons = {p["name"]: p["reason"] for p in refused.json()["invalidParams"]}
    assert set(reasons) == {f"Antwoorden!G{a3[0].row}", "Actieplan!E2"}
    assert "Kies 0, 1, 2, 3" in reasons[f"Antwoorden!G{a3[0].row}"]
    assert officer.get(f"{BASE}/zelfevaluaties/{item}/antwoorden/A2").status_code == 404
    assert (
        officer.get(f"{BASE}/zelfevaluaties/{item}/acties").json()["items"][0]["gereedOp"] is None
    )


@pytest.mark.parametrize(("cell", "value"), [("B4", "GM0150"), ("B6", 2024), ("B3", "x")])
def test_a_workbook_of_another_gemeente_year_or_assessment_is_refused(officer, item, cell, value):
    book = download(officer, item)
    book["Leesmij"][cell] = value
    row_of(book["Antwoorden"], "A2")[6].value = "3"
    refused = upload(officer, item, book)
    assert refused.status_code == 400
    assert [p["name"] for p in refused.json()["invalidParams"]] == [f"Leesmij!{cell}"]
    assert officer.get(f"{BASE}/zelfevaluaties/{item}/antwoorden/A2").status_code == 404


def test_what_is_not_a_workbook_is_refused_plainly(officer, item):
    path = f"{BASE}/zelfevaluaties/{item}/werkboek"
    wrong_type = officer.post(path, content=b"a;b", headers={"Content-Type": "text/csv"})
    assert wrong_type.status_code == 415
    garbage = officer.post(path, content=b"PK\x03\x04 not really", headers={"Content-Type": XLSX})
    assert garbage.status_code == 400
    assert "Excel-werkboek" in garbage.json()["detail"]


def test_another_gemeente_gets_nothing(officer, item, tokens):
    other = bearer(tokens["ander"])
    assert officer.get(f"{BASE}/zelfevaluaties/{item}/werkboek", headers=other).status_code == 404
    response = officer.post(
        f"{BASE}/zelfevaluaties/{item}/werkboek",
        content=b"x",
        headers={**other, "Content-Type": XLSX},
    )
    assert response.status_code == 404


def test_a_submitted_assessment_takes_no_workbook(officer, item, questionnaire):
    for q in questionnaire.questions():
        officer.put(f"{BASE}/zelfevaluaties/{item}/antwoorden/{q.id}", json={"antwoord": "2"})
    book = download(officer, item)
    submitted = officer.post(f"{BASE}/zelfevaluaties/{item}/indienen", json={"deling": "prive"})
    assert submitted.status_code == 200
    assert upload(officer, item, book).status_code == 409


def test_the_action_plan_page_downloads_and_reads_in_the_workbook(client, factory):
    from test_pages import PASSWORD, csrf, html, login

    from assess.services import accounts, answering

    from conftest import SYSTEM

    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)
        item = answering.start(s, SYSTEM, OWN, 2025).id
    assert login(client, "m@zwolle.nl").status_code == 303
    page_path = f"/zelfevaluaties/{item}/actieplan"
    got = client.get(f"{page_path}/werkboek.xlsx")
    assert got.status_code == 200 and got.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(got.content))
    row_of(book["Antwoorden"], "A1")[6].value = "9"
    out = io.BytesIO()
    book.save(out)

    def send(content):
        files = {"werkboek": ("werkboek.xlsx", content, XLSX)}
        return client.post(
            f"{page_path}/werkboek", files=files, data={"_csrf_token": csrf(client, page_path)}
        )

    refused = send(out.getvalue())
    assert refused.status_code == 400
    summary = html(refused).select_one("#foutoverzicht").get_text(" ", strip=True)
    assert "Antwoorden!G2" in summary
    row_of(book["Antwoorden"], "A1")[6].value = "2"
    out = io.BytesIO()
    book.save(out)
    done = send(out.getvalue())
    assert done.status_code == 200
    assert "Antwoorden gewijzigd: 1;" in html(done).select_one(".utrecht-alert--ok").get_text()
