"""Hostile and malformed input: always a 4xx problem that a person can read, never a 500,
and nothing changed. Each case was a 500 or a silent acceptance once (issue 13)."""

from __future__ import annotations

import json

import pytest

from conftest import OWN, bearer

JSON = {"content-type": "application/json"}
PROBLEM = "application/problem+json"


@pytest.fixture
def officer(client, tokens):
    client.headers.update(bearer(tokens["medewerker"]))
    return client


@pytest.fixture
def answer_url(officer, questionnaire) -> str:
    created = officer.post(f"/api/v1/gemeenten/{OWN}/zelfevaluaties", json={"jaar": 2026})
    assert created.status_code == 201
    question = questionnaire.questions()[0].id
    return f"/api/v1/zelfevaluaties/{created.json()['id']}/antwoorden/{question}"


def saved(officer, answer_url) -> bool:
    return officer.get(answer_url).status_code == 200


HOSTILE_BODIES = {
    "20,000 levels deep": b"[" * 20_000 + b"]" * 20_000,
    "invalid UTF-8": b'{"antwoord": "2", "toelichting": "\xff\xfe"}',
    "NUL escaped": json.dumps({"antwoord": "2", "toelichting": "a\u0000b"}).encode(),
    "NUL raw": b'{"antwoord": "2", "toelichting": "a\x00b"}',
    "a string for a boolean": b'{"antwoord": "2", "regionaal": "true"}',
    "an unknown field": b'{"antwoord": "2", "x": 1}',
    "truncated": b'{"antwoord": "2"',
}


@pytest.mark.parametrize("body", HOSTILE_BODIES.values(), ids=HOSTILE_BODIES.keys())
def test_a_hostile_body_is_a_400_problem_and_saves_nothing(officer, answer_url, body):
    response = officer.put(answer_url, content=body, headers=JSON)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 400 and problem["detail"]
    reasons = " ".join(p["reason"] for p in problem.get("invalidParams", []))
    assert not any(word in reasons for word in ("Expected", "Object", "got")), reasons
    assert not saved(officer, answer_url)


def test_a_json_body_of_another_media_type_is_415(officer, answer_url):
    response = officer.put(
        answer_url, content=b'{"antwoord": "2"}', headers={"content-type": "text/plain"}
    )
    assert response.status_code == 415 and response.headers["content-type"] == PROBLEM
    assert "application/json" in response.json()["detail"]
    assert not saved(officer, answer_url)


def test_types_are_strict_a_year_as_text_is_refused(officer):
    response = officer.post(
        f"/api/v1/gemeenten/{OWN}/zelfevaluaties", content=b'{"jaar": "2026"}', headers=JSON
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"] == [
        {"name": "jaar", "reason": "verwacht een geheel getal, gevonden tekst"}
    ]
    listed = officer.get(f"/api/v1/gemeenten/{OWN}/zelfevaluaties").json()
    assert listed["totaal"] == 0


def test_a_whole_number_with_a_fraction_is_the_integer_it_is(officer):
    """JSON Schema's integer includes 2026.0; 2026.5 and "2026" stay refused."""
    url = f"/api/v1/gemeenten/{OWN}/zelfevaluaties"
    assert officer.post(url, content=b'{"jaar": 2026.5}', headers=JSON).status_code == 400
    created = officer.post(url, content=b'{"jaar": 2026.0}', headers=JSON)
    assert created.status_code == 201 and created.json()["jaar"] == 2026


def test_a_nul_never_reaches_the_database(questionnaire):
    """Forms drop NUL characters; the domain refuses them from any other door."""
    from assess.framework.answers import Answer, answer_problems
    from assess.web.forms import value

    assert value({"toelichting-A1": ["a\x00b"]}, "toelichting-A1") == "ab"
    question = questionnaire.questions()[0]
    assert "toelichting" in answer_problems(question, Answer("2", explanation="a\x00b"))
    assert "bewijs" in answer_problems(question, Answer("2", evidence="\x00"))


def test_a_huge_if_match_or_page_is_a_4xx(officer, answer_url):
    huge = officer.put(
        answer_url, json={"antwoord": "2"}, headers={"If-Match": '"' + "9" * 5000 + '"'}
    )
    assert huge.status_code == 412 and huge.headers["content-type"] == PROBLEM
    assert not saved(officer, answer_url)
    page = officer.get(f"/api/v1/gemeenten/{OWN}/zelfevaluaties?page=9223372036854775807")
    assert page.status_code == 400 and page.headers["content-type"] == PROBLEM
    assert page.json()["invalidParams"][0]["name"] == "page"


@pytest.mark.parametrize("path", ["/api/v1/benchmarks/2026", "/api/v1/benchmarks/2026/export"])
def test_options_answers_what_is_allowed_without_a_token(client, path):
    response = client.options(path)
    assert response.status_code == 204
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "OPTIONS"}


@pytest.mark.parametrize(
    "path", ["/", "/inloggen", "/api/v1/gemeenten", "/api/v1/niets", "/static/site.css", "/niets"]
)
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in headers  # the test client speaks plain http


def test_hsts_only_behind_https():
    from litestar.testing import TestClient

    from assess.app import create_app
    from assess.config import Settings

    app = create_app(Settings(database_url="sqlite://", secret_key="k" * 32))
    with TestClient(app, base_url="https://testserver.local") as client:
        hsts = client.get("/health").headers["strict-transport-security"]
    assert hsts.startswith("max-age=31536000")
