"""Every API operation, fuzzed by schemathesis, keeps to the app's own OpenAPI document.

For each operation in /api/v1/openapi.json schemathesis generates requests, valid and invalid,
and sends them through the app in process (ASGI, no server), as a medewerker of OWN with a
concept zelfevaluatie of OWN, so the `{zelfevaluatie_id}` paths reach a real one. Every
response must not be a 5xx and must match the document: a documented status code, a documented
content type and a body that fits the documented schema. Each request runs in a savepoint that
is rolled back, so every example starts from the same data.

The run is bounded (MAX_EXAMPLES per operation, no deadline) and derandomised, so it is fast
and gives the same verdict every time.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar.testing import TestClient
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as CHECK_REGISTRY
from schemathesis.specs.openapi import checks as _openapi_checks  # noqa: F401  # registers them

from assess import security
from assess.app import create_app
from assess.config import Settings
from assess.framework.answers import Answer
from assess.services import accounts, answering, answers
from assess.services import tokens as token_service

from conftest import OTHER, OWN, SYSTEM, bearer

pytestmark = pytest.mark.slow

DOCUMENT = "/api/v1/openapi.json"
MAX_EXAMPLES = 20
# Every check schemathesis has but one: positive_data_acceptance counts a 412 for a random
# If-Match, and a 400 for `2043.0` as a year, as a valid request refused (docs/security.md).
CHECKS = [c for c in CHECK_REGISTRY.get_all() if c.__name__ != "positive_data_acceptance"]
PROBLEM_JSON = "application/problem+json"


def openapi_document() -> dict[str, Any]:
    """The document as the app serves it; it does not depend on the database."""
    app = create_app(Settings(database_url="sqlite://", secret_key="o" * 32))
    with TestClient(app) as client:
        response = client.get(DOCUMENT)
    response.raise_for_status()
    return response.json()


SCHEMA = schemathesis.openapi.from_dict(openapi_document(), config=schemathesis.Config())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture
def officer_token(factory) -> str:
    """An API token of a medewerker of OWN.

    The password is never used, so it is not hashed: argon2 would cost more than the whole run
    of a small operation (the `tokens` fixture hashes four).
    """
    with pytest.MonkeyPatch.context() as patch, factory() as s, s.begin():
        patch.setattr(security, "hash_password", lambda password: "niet-gebruikt")
        email = "schemathesis@zwolle.nl"
        accounts.add_user(s, SYSTEM, email, "medewerker", "kraanvogel-lantaarn-7", OWN)
        return token_service.create(s, SYSTEM, owner_email=email)


@pytest.fixture
def concept(factory, questionnaire) -> str:
    """A concept zelfevaluatie of OWN with one answer, so 412 has a huidigAntwoord."""
    with factory() as s, s.begin():
        item = answering.start(s, SYSTEM, OWN, 2026)
        answers.save(s, SYSTEM, item.id, questionnaire.questions()[0].id, Answer("2"))
        return str(item.id)


def real_path_parameters(operation: Any, concept: str, questionnaire: Any) -> list[dict]:
    """Path parameters naming things that exist: each kind of question, own and other gemeente."""
    names = {p.name for p in operation.path_parameters}
    if not names:
        return []
    questions = questionnaire.questions()
    asked = [
        questions[0],  # the concept's answered question
        next(q for q in questions if q.nvt_toegestaan),
        next(q for q in questions if q.regionaal_toegestaan),
    ]
    found = []
    for question in asked if "vraag_id" in names else asked[:1]:
        for gemeente in (OWN, OTHER) if "gemeentecode" in names else (OWN,):
            real = {
                "zelfevaluatie_id": concept,
                "gemeentecode": gemeente,
                "vraag_id": question.id,
                "vragenlijst_id": questionnaire.id,
            }
            found.append({name: value for name, value in real.items() if name in names})
    return found


def strategy(operation: Any, concept: str, questionnaire: Any) -> st.SearchStrategy:
    """Requests on real data first (Hypothesis favours early alternatives), then on generated
    paths; each valid (positive) and invalid (negative: a wrong body, query, header or token)."""
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    return st.one_of(
        [
            operation.as_strategy(mode, path_parameters=known)
            for known in real_path_parameters(operation, concept, questionnaire)
            for mode in modes
        ]
        + [operation.as_strategy(mode) for mode in modes]
    )


# --- the test ---------------------------------------------------------------------------


@pytest.mark.parametrize("operation", [pytest.param(op, id=op.label) for op in OPERATIONS])
def test_operation_keeps_to_the_openapi_document(
    operation, app, connection, officer_token, concept, questionnaire
):
    operation.schema.app = app  # probes of the checks (auth, methods) go through the app too
    headers = bearer(officer_token)

    def check(case: Any) -> None:
        savepoint = connection.begin_nested()
        try:
            response = case.call(app=app, headers=headers)
            case.validate_response(
                response, checks=CHECKS, headers=headers, transport_kwargs={"app": app}
            )
        finally:
            savepoint.rollback()

    @given(case=strategy(operation, concept, questionnaire))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def fuzz(case: Any) -> None:
        check(case)

    fuzz()
