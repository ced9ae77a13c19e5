"""The public part of the API and the home page, through the real app."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

PROBLEM = "application/problem+json"


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_openapi_document_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["servers"] == [{"url": "/api/v1"}]  # the major version in the URL
    assert {
        "/gemeenten",
        "/gemeenten/{gemeentecode}",
        "/vragenlijsten/{vragenlijst_id}",
    } <= set(document["paths"])
    assert response.headers["API-Version"] == "1.0.0"


def test_openapi_document_keeps_the_design_rules(client):
    """Contact, API-Version on every response, no unknown fields in bodies, real file types."""
    document = client.get("/api/v1/openapi.json").json()
    assert document["info"]["contact"]["name"]
    operations = [
        op for item in document["paths"].values() for op in item.values() if "responses" in op
    ]
    assert len(operations) >= 15
    for operation in operations:
        for status, response in operation["responses"].items():
            assert "API-Version" in response["headers"], (operation["operationId"], status)
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            name = body["schema"]["$ref"].rsplit("/", 1)[-1]
            schema = document["components"]["schemas"][name]
            assert schema["additionalProperties"] is False, name
    created = document["paths"]["/gemeenten/{gemeentecode}/zelfevaluaties"]["post"]
    links = created["responses"]["201"]["links"]
    assert links["PutAntwoord"]["parameters"] == {"zelfevaluatie_id": "$response.body#/id"}
    submitted = document["paths"]["/zelfevaluaties/{zelfevaluatie_id}/indienen"]["post"]
    assert "GetRapport" in submitted["responses"]["200"]["links"]
    export = document["paths"]["/benchmarks/{jaar}/export"]["get"]["responses"]["200"]
    assert set(export["content"]) == {
        "text/csv",
        "application/json",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }


def test_unknown_api_paths_are_problem_json(client):
    for method, path in [("GET", "/api/v1/bestaat-niet"), ("POST", "/api/v1/x/y/z")]:
        response = client.request(method, path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == "Deze bron bestaat niet."


def test_gemeenten_are_paginated_with_links(client):
    response = client.get("/api/v1/gemeenten", params={"page": 2, "pageSize": 50})
    body = response.json()
    assert response.status_code == 200
    assert body["totaal"] == 342 and body["page"] == 2 and body["pageSize"] == 50
    assert len(body["gemeenten"]) == 50
    assert "page=3" in body["links"]["next"] and "page=1" in body["links"]["prev"]
    assert "page=7" in body["links"]["last"]


def test_one_gemeente_in_camel_case(client):
    body = client.get("/api/v1/gemeenten/GM0193").json()
    assert body["naam"] == "Zwolle"
    assert body["grootteklasse"] == "100.000 - 150.000"
    assert body["riec"] == "Oost-Nederland" and body["veiligheidsregio"] == "IJsselland"
    assert body["geldigVanaf"] == "2025-01-01" and body["opvolger"] is None


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/gemeenten/GM9998", 404),
        ("/api/v1/gemeenten/Zwolle", 400),
        ("/api/v1/gemeenten/", 404),
        ("/api/v1/gemeenten?pageSize=0", 400),
        ("/api/v1/vragenlijsten/bestaat-niet", 404),
    ],
)
def test_errors_are_problem_json_in_dutch(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"]
    assert "Traceback" not in response.text
    assert response.headers["API-Version"] == "1.0.0"


def test_validation_problem_names_the_parameter(client):
    body = client.get("/api/v1/gemeenten?pageSize=0").json()
    assert [p["name"] for p in body["invalidParams"]] == ["pageSize"]


def test_questionnaire_in_full(client, questionnaire, questionnaires_shipped):
    body = client.get(f"/api/v1/vragenlijsten/{questionnaire.id}").json()
    assert body["versie"] == questionnaire.versie
    assert [d["code"] for d in body["domeinen"]] == ["A", "B", "C", "D", "E", "F"]
    first = body["domeinen"][0]["vragen"][0]
    assert [n["niveau"] for n in first["niveaus"]] == [0, 1, 2, 3]
    assert first["niveaus"][0]["aanbeveling"] and first["niveaus"][2]["aanbeveling"] is None
    assert "nvtToegestaan" in first and "regionaalToegestaan" in first
    assert first["metWie"] == questionnaire.questions()[0].met_wie
    assert body["handboek"] == "vng-kompas" and "vng-kompas" in {b["id"] for b in body["bronnen"]}
    plateaus = {v["id"]: v["plateau"] for d in body["domeinen"] for v in d["vragen"]}
    assert plateaus == {q.id: q.plateau for q in questionnaire.questions()}
    listed = client.get("/api/v1/vragenlijsten").json()
    assert listed == [
        {
            "id": version.id,
            "versie": version.versie,
            "titel": version.titel,
            "aantalVragen": len(version.questions()),
        }
        for version in questionnaires_shipped
    ]
    older = client.get(f"/api/v1/vragenlijsten/{questionnaire.id}?versie=2026.1").json()
    assert older["versie"] == "2026.1"
    missing = client.get(f"/api/v1/vragenlijsten/{questionnaire.id}?versie=1999.1")
    assert missing.status_code == 404


def test_home_page_explains_the_service_and_lists_every_question(client, questionnaire):
    response = client.get("/")
    page = BeautifulSoup(response.text, "html.parser")
    assert page.html["lang"] == "nl"
    assert page.h1.get_text(strip=True) == "Zelfscan aanpak mensenhandel"
    headings = [h.get_text(" ", strip=True) for h in page.select("section.domain h3")]
    assert headings == [f"{d.code}. {d.titel}" for d in questionnaire.domeinen]
    ids = [li["id"] for li in page.select("ol.questions li")]
    assert ids == [f"vraag-{q.id}" for q in questionnaire.questions()]


def test_unknown_page_is_an_html_404(client):
    response = client.get("/bestaat-niet")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "Niet gevonden" in response.text
