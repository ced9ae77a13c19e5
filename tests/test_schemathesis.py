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
from assess.exports import FORMATS, ExportFormat
from assess.framework.answers import Answer
from assess.services import accounts, answering, answers
from assess.services import tokens as token_service

from conftest import OTHER, OWN, SYSTEM, bearer

pytestmark = pytest.mark.slow

DOCUMENT = "/api/v1/openapi.json"
MAX_EXAMPLES = 20
CHECKS = CHECK_REGISTRY.get_all()  # every check schemathesis has, OpenAPI ones included
# A valid request may still be refused for the state it meets: a version that moved on (412,
# a random If-Match), an assessment that exists or is submitted (409), a gemeente without access.
ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "412", "429"]
# An answer also follows its question's rules, which one shared schema cannot state (whether
# "nvt" or "regionaal" is allowed for this question), an action names a question of its
# assessment's questionnaire and a due date from 2000 to 2100, and a workbook is a file whose
# cells are checked one by one: there a valid body may get 400.
CONFIG = {
    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    "operations": [
        {
            "include-operation-id": operation,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "400"]}},
        }
        for operation in ("putAntwoord", "postActie", "putActie", "postWerkboek")
    ],
}
PROBLEM_JSON = "application/problem+json"
# a workbook upload is a file: send what schemathesis makes of `format: binary` as it is
schemathesis.serializer.alias(FORMATS[ExportFormat.XLSX], "application/octet-stream")


def openapi_document() -> dict[str, Any]:
    """The document as the app serves it; it does not depend on the database."""
    app = create_app(Settings(database_url="sqlite://", secret_key="o" * 32))
    with TestClient(app) as client:
        response = client.get(DOCUMENT)
    response.raise_for_status()
    return response.json()


SCHEMA = schemathesis.openapi.from_dict(
    openapi_document(), config=schemathesis.Config.from_dict(CONFIG)
)
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


# --- the stateful phase: the officer's path through the OpenAPI links ------------------


def test_the_officers_path_through_the_links_keeps_to_the_document(
    app, connection, officer_token, questionnaire
):
    """Create -> answer -> submit -> analyse -> report, in generated orders and with generated
    data, following the document's links; every response meets every check."""
    from schemathesis.generation.stateful import run_state_machine_as_test

    headers = bearer(officer_token)
    schema = schemathesis.openapi.from_dict(
        openapi_document(), config=schemathesis.Config.from_dict(CONFIG)
    )
    schema.app = app
    path = schema.include(operation_id=list(LINKED_OPERATIONS))
    called: list[tuple[str, int]] = []

    class OfficersPath(path.as_state_machine()):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.savepoint = connection.begin_nested()  # each scenario starts from the same data

        def teardown(self) -> None:
            self.savepoint.rollback()

        def after_call(self, response: Any, case: Any) -> None:
            called.append((case.operation.definition.raw["operationId"], response.status_code))

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            if "gemeentecode" in case.path_parameters:
                case.path_parameters["gemeentecode"] = OWN
            return {"app": app, "headers": headers}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response, checks=CHECKS, headers=headers, transport_kwargs={"app": app}
            )

    run_state_machine_as_test(
        OfficersPath,
        settings=settings(
            max_examples=15,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    operations = {operation for operation, _status in called}
    assert ("createZelfevaluatie", 201) in called
    assert {"putAntwoord", "indienenZelfevaluatie"} & operations, called
    assert len(operations) >= 5, operations


LINKED_OPERATIONS = (
    "createZelfevaluatie",
    "getZelfevaluatie",
    "putAntwoord",
    "getAntwoord",
    "putDeling",
    "putRegio",
    "indienenZelfevaluatie",
    "getAnalyse",
    "getVergelijking",
    "getRapport",
)
