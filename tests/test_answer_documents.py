"""The documents an answer rests on: rules, storage, history, next year, API, form, results,
report and workbook."""

from __future__ import annotations

import io

import openpyxl
import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from test_pages import PASSWORD, csrf, html, login, post, start

from assess.db.models import AnswerChange
from assess.framework.answers import MAX_DOCUMENTS, Answer, Document, answer_problems
from assess.services import accounts, answering, answers, assessments, reports
from assess.web.forms import read_domain

from conftest import OWN, SYSTEM, bearer, officer

ZWOLLE = officer(OWN)
BASE = "/api/v1"
DECISION = Document(
    "Raadsbesluit APV-wijziging prostitutie 2024",
    "https://lokaleregelgeving.overheid.nl/CVDR700001",
)
INTERNAL = Document("Werkafspraken zorgcoördinatie (intern)")


def problems(questionnaire, *documents: Document) -> dict[str, str]:
    question = questionnaire.questions()[0]
    return answer_problems(question, Answer("2", documents=documents))


# --- the rules (pure) --------------------------------------------------------------------


def test_a_document_is_read_as_typed_trimmed_and_without_an_empty_address():
    assert Document.as_typed("  Besluit 2024 ", "   ") == Document("Besluit 2024", None)
    assert Document.as_typed("Plan", None) == Document("Plan", None)
    assert Document.as_typed("Plan", " https://x.nl/plan ") == Document("Plan", "https://x.nl/plan")


def test_a_title_is_needed_and_an_address_is_optional(questionnaire):
    assert problems(questionnaire, DECISION, INTERNAL) == {}
    assert problems(questionnaire, Document("  ", "https://example.nl/a")) == {
        "documenten": "Document 1: geef het document een titel."
    }


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.nl/besluit.pdf",
        "lokaleregelgeving.overheid.nl/CVDR700001",
        "https://",
        "https://example.nl/\nregel",
        "https://[::1",
    ],
)
def test_only_a_web_address_can_become_a_link(questionnaire, url):
    found = problems(questionnaire, DECISION, Document("Besluit", url))
    assert found["documenten"].startswith("Document 2: een link begint met https://")


def test_a_link_with_a_space_says_so(questionnaire):
    found = problems(
        questionnaire, Document("Plan", "https://intranet/Gedeelde documenten/plan.docx")
    )
    assert found["documenten"] == (
        "Document 1: de link bevat een spatie. Kopieer de link uit de adresbalk van de browser."
    )


def test_too_many_or_too_long_documents_are_named(questionnaire):
    many = tuple(Document(f"Stuk {n}") for n in range(MAX_DOCUMENTS + 1))
    assert problems(questionnaire, *many)["documenten"] == (
        f"Noem hoogstens {MAX_DOCUMENTS} documenten bij een antwoord."
    )
    long_title = Document("x" * 201)
    assert "titel is te lang" in problems(questionnaire, long_title)["documenten"]
    long_url = Document("Besluit", "https://example.nl/" + "a" * 490)
    assert "link is te lang" in problems(questionnaire, long_url)["documenten"]


# --- stored with the answer, its history and next year's prefill ------------------------


def test_documents_are_kept_with_the_answer_its_history_and_next_year(session, questionnaire):
    first = questionnaire.questions()[0].id
    earlier = answering.start(session, ZWOLLE, OWN, 2025)
    given = Answer("2", documents=(DECISION, INTERNAL))
    answers.save(session, ZWOLLE, earlier.id, first, given)
    assert answers.get(session, ZWOLLE, earlier.id, first).documents == (DECISION, INTERNAL)
    answers.save(session, ZWOLLE, earlier.id, first, Answer("2", documents=(INTERNAL,)), 1)
    [_, change] = session.scalars(
        select(AnswerChange).filter_by(assessment_id=earlier.id).order_by(AnswerChange.id)
    ).all()
    assert change.old["documents"] == [
        {"title": DECISION.title, "url": DECISION.url},
        {"title": INTERNAL.title, "url": None},
    ]
    assert change.new["documents"] == [{"title": INTERNAL.title, "url": None}]
    later = answering.start(session, ZWOLLE, OWN, 2026)
    carried = assessments.get(session, ZWOLLE, later.id).answers[first]
    assert carried.prefilled and carried.documents == (INTERNAL,)


# --- the API -------------------------------------------------------------------------------


@pytest.fixture
def api(client, tokens):
    client.headers.update(bearer(tokens["medewerker"]))
    return client


def api_start(client) -> str:
    response = client.post(f"{BASE}/gemeenten/{OWN}/zelfevaluaties", json={"jaar": 2026})
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_the_api_takes_and_returns_documents(api):
    item = api_start(api)
    path = f"{BASE}/zelfevaluaties/{item}/antwoorden/A1"
    body = {
        "antwoord": "2",
        "documenten": [
            {"titel": DECISION.title, "url": DECISION.url},
            {"titel": INTERNAL.title},
        ],
    }
    saved = api.put(path, json=body)
    assert saved.status_code == 200, saved.text
    expected = [
        {"titel": DECISION.title, "url": DECISION.url},
        {"titel": INTERNAL.title, "url": None},
    ]
    assert saved.json()["documenten"] == expected
    assert api.get(path).json()["documenten"] == expected
    stale = api.put(path, json={"antwoord": "3"}, headers={"If-Match": '"7"'})
    assert stale.status_code == 412
    assert stale.json()["huidigAntwoord"]["documenten"] == expected
    kept = api.put(path, json={"antwoord": "3"})  # a client that knows no documents loses none
    assert kept.json()["antwoord"] == "3" and kept.json()["documenten"] == expected
    cleared = api.put(path, json={"antwoord": "3", "documenten": []})
    assert cleared.json()["documenten"] == []


def test_an_api_answer_is_stored_as_the_form_would_store_it(api, factory):
    """Trimmed text and a missing address as none: an unchanged form finds nothing to save, so
    it never raises the version nor confirms last year's answer by the way."""
    item = api_start(api)
    path = f"{BASE}/zelfevaluaties/{item}/antwoorden/A1"
    body = {
        "antwoord": "2",
        "toelichting": " Vastgesteld in 2024. ",
        "documenten": [{"titel": " Besluit ", "url": " "}],
    }
    saved = api.put(path, json=body).json()
    assert saved["toelichting"] == "Vastgesteld in 2024."
    assert saved["documenten"] == [{"titel": "Besluit", "url": None}]
    with factory() as s:
        stored = assessments.get(s, SYSTEM, item)
    form = {"antwoord-A1": "2", "toelichting-A1": " Vastgesteld in 2024. "}
    form |= {"document-titel-A1": " Besluit ", "document-url-A1": ""}
    question = stored.questionnaire.question("A1")
    assert read_domain(form, [question], str).answers["A1"] == stored.answers["A1"].answer


@pytest.mark.parametrize(
    ("documents", "reason"),
    [
        ([{"titel": "Besluit", "url": "javascript:alert(1)"}], "Document 1: een link begint met"),
        ([{"titel": "Stuk"}] * (MAX_DOCUMENTS + 1), ""),
        ([{"titel": ""}], ""),
        ([{"titel": "Besluit", "adres": "https://example.nl"}], ""),
    ],
)
def test_the_api_refuses_bad_documents_and_changes_nothing(api, documents, reason):
    item = api_start(api)
    path = f"{BASE}/zelfevaluaties/{item}/antwoorden/A1"
    refused = api.put(path, json={"antwoord": "2", "documenten": documents})
    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    names = {p["name"]: p["reason"] for p in refused.json().get("invalidParams", [])}
    assert any(name.startswith("documenten") for name in names), refused.json()
    if reason:
        assert names["documenten"].startswith(reason)
    assert api.get(path).status_code == 404


# --- the form, the results page and the report --------------------------------------------


@pytest.fixture
def signed_in_officer(client, factory):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)
    assert login(client, "m@zwolle.nl").status_code == 303
    return client


def test_the_form_saves_documents_and_keeps_what_was_typed_on_an_error(signed_in_officer, factory):
    client = signed_in_officer
    item = start(client)
    path = f"/zelfevaluaties/{item}/domein/A"
    empty = html(client.get(path)).select_one("#vraag-A1 fieldset.documents")
    assert [i["name"] for i in empty.select("input")] == ["document-titel-A1", "document-url-A1"]
    typed = {
        "antwoord-A1": "2",
        "document-titel-A1": [DECISION.title, "Notulen overleg"],
        "document-url-A1": [DECISION.url, "notulen.docx"],
        "ga_naar": "",
    }
    bad = post(client, path, typed)
    assert bad.status_code == 400
    group = html(bad).select_one("#vraag-A1 fieldset.documents")
    assert (
        group.select_one(".utrecht-form-field-error-message")
        .get_text(strip=True)
        .startswith("Document 2: een link begint met https://")
    )
    assert [i["value"] for i in group.select("input")] == [
        DECISION.title, DECISION.url, "Notulen overleg", "notulen.docx", "", "",
    ]  # fmt: skip
    [link] = html(bad).select("main #foutoverzicht li a")
    assert (
        link["href"] == "#documenten-A1" and html(bad).select_one("#documenten-A1").name == "input"
    )
    with factory() as s:
        assert assessments.get(s, SYSTEM, item).answers == {}
    good = post(client, path, {**typed, "document-url-A1": [DECISION.url, ""]})
    assert good.status_code == 200
    with factory() as s:
        saved = assessments.get(s, SYSTEM, item).answers["A1"].documents
    assert saved == (DECISION, Document("Notulen overleg"))
    rows = html(client.get(path)).select("#vraag-A1 [data-document]")
    assert len(rows) == 3  # both documents and one empty row for another
    results = html(client.get(f"/zelfevaluaties/{item}/resultaten"))
    listed = results.select_one("#documenten-A1")
    assert listed.select_one("a")["href"] == DECISION.url
    assert "Notulen overleg" in listed.get_text()


def test_results_say_when_no_answer_names_a_document(signed_in_officer):
    item = start(signed_in_officer)
    page = html(signed_in_officer.get(f"/zelfevaluaties/{item}/resultaten"))
    section = page.select_one("#documenten").find_parent("section").get_text()
    assert "Bij geen enkel antwoord zijn documenten genoemd" in section
    assert "Noem ze bij het invullen" in section  # said only to those who fill it in


def test_the_autosave_takes_documents(signed_in_officer, factory):
    client = signed_in_officer
    item = start(client)
    saved = client.post(
        f"/zelfevaluaties/{item}/vraag/A1",
        data={"antwoord-A1": "1", "document-titel-A1": INTERNAL.title, "document-url-A1": ""},
        headers={"x-csrftoken": csrf(client, "/account"), "Accept": "application/json"},
    )
    assert saved.status_code == 200, saved.text
    with factory() as s:
        assert assessments.get(s, SYSTEM, item).answers["A1"].documents == (INTERNAL,)


def test_the_report_appendix_lists_each_document_with_its_address(session, questionnaire):
    item = answering.start(session, ZWOLLE, OWN, 2026)
    answers.save(session, ZWOLLE, item.id, "A1", Answer("2", documents=(DECISION, INTERNAL)))
    page = BeautifulSoup(
        reports.render_html(reports.gather(session, ZWOLLE, item.id, 5)), "html.parser"
    )
    row = next(
        r for r in page.select("table.answers tr") if r.th and r.th.get_text().startswith("A1")
    )
    listed = row.select("ul.documents li")
    assert [li.get_text(" ", strip=True) for li in listed] == [
        f"{DECISION.title} {DECISION.url}", INTERNAL.title,
    ]  # fmt: skip
    assert listed[0].a["href"] == DECISION.url


# --- the workbook has no documents column: an import keeps them -----------------------------


def test_a_workbook_import_keeps_the_documents_of_an_answer(api, factory):
    item = api_start(api)
    path = f"{BASE}/zelfevaluaties/{item}/antwoorden/A1"
    api.put(path, json={"antwoord": "1", "documenten": [{"titel": INTERNAL.title}]})
    book = openpyxl.load_workbook(
        io.BytesIO(api.get(f"{BASE}/zelfevaluaties/{item}/werkboek").content)
    )
    sheet = book["Antwoorden"]
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "A1")
    sheet.cell(row, 7).value = "2"
    out = io.BytesIO()
    book.save(out)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    imported = api.post(
        f"{BASE}/zelfevaluaties/{item}/werkboek",
        content=out.getvalue(),
        headers={"Content-Type": xlsx},
    )
    assert imported.status_code == 200, imported.text
    now = api.get(path).json()
    assert now["antwoord"] == "2" and now["documenten"] == [{"titel": INTERNAL.title, "url": None}]


def test_a_colleagues_documents_are_shown_in_a_clash(signed_in_officer):
    client = signed_in_officer
    item = start(client)
    path = f"/zelfevaluaties/{item}/domein/A"
    colleague = {"antwoord-A1": "2", "document-titel-A1": DECISION.title, "ga_naar": ""}
    assert post(client, path, colleague).status_code == 200
    mine = {
        "antwoord-A1": "2",
        "document-titel-A1": "Mijn notitie",
        "versie-A1": "0",
        "ga_naar": "",
    }
    stale = post(client, path, mine)
    assert stale.status_code == 409
    page = html(stale)
    assert f"Documenten: {DECISION.title}" in page.select_one("#botsing-A1").get_text(
        " ", strip=True
    )
    assert page.select_one("#documenten-A1")["value"] == "Mijn notitie"  # what was typed stays
