"""Access matrix of the private API: every endpoint x every role x own/other gemeente.

Each cell asserts the exact status, that a refused request changes nothing, and that no data
of an assessment the role may not see (its marker, its id) appears in the response body.

The data (users, tokens, and five assessments in each of two gemeenten: a concept, a complete
concept shared 'benoemd', and submitted ones shared 'geanonimiseerd', 'benoemd' and 'prive',
each with a unique marker in a toelichting) is built once per module and backend, inside one
outer transaction that is rolled back at the end. Every test runs inside a savepoint of that
transaction, rolled back after the test: tests never see each other's writes, and the other
test modules never see this data.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from litestar.middleware import DefineMiddleware
from litestar.testing import TestClient
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from assess import report, report_data, services
from assess.access import Sharing
from assess.db.models import Answer as AnswerRow
from assess.db.models import Assessment
from assess.framework.answers import Answer
from assess.framework.schema import Questionnaire
from assess.web.auth import BearerTokenAuth

from conftest import OTHER, OWN, bearer

BASE = "/api/v1"
PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"status", "title", "detail", "type", "invalidParams"}
STALE_KEYS = {"huidigeVersie", "huidigAntwoord"}  # only in a 412
SUBMITTED = "ingediend"
UNKNOWN_ID = uuid.UUID("00000000-0000-4000-8000-000000000000")

# kind: (year, sharing, every question answered, submitted)
# Made in this order; 'prive' and 'geanonimiseerd' are earlier years of 'benoemd', so they
# are in its report's trend. (A new assessment is prefilled from the latest earlier one.)
KINDS: dict[str, tuple[int, str, bool, bool]] = {
    "concept": (2019, "geanonimiseerd", False, False),
    "prive": (2020, "prive", True, True),
    "geanonimiseerd": (2021, "geanonimiseerd", True, True),
    "benoemd": (2022, "benoemd", True, True),
    "concept-benoemd": (2023, "benoemd", True, False),
}
NEW_YEAR = 2026  # the year POST create uses; no fixture assessment has it
TAKEN_YEAR = KINDS["benoemd"][0]  # a year both gemeenten have: a 409 would reveal that

# role: (e-mail, role, gemeente)
USERS = {
    "medewerker": ("toegang-m@zwolle.nl", "medewerker", OWN),
    "ander": ("toegang-m@deventer.nl", "medewerker", OTHER),
    "analist": ("toegang-a@vng.nl", "analist", None),
    "beheerder": ("toegang-b@vng.nl", "beheerder", None),
}
ROLES = [*USERS, "geen-token"]  # "geen-token" sends no Authorization header
# Authentication happens before routing reaches an assessment, so an unknown token is checked
# on the collection endpoints, on an unknown id and against one real assessment per endpoint.
AUTH_ROLES = [*ROLES, "onbekend-token"]
UNKNOWN_TOKEN = "zsm_" + "x" * 43
MEDEWERKERS = {"medewerker", "ander"}
VNG = {"analist", "beheerder"}
SIDES = ["own", "other"]

READS = ["GET-zelfevaluatie", "GET-analyse", "GET-vergelijking", "GET-rapport"]
WRITES = [
    "PUT-antwoord",
    "PUT-antwoord-verouderd",  # with a stale If-Match: a 412 would show the current answer
    "PUT-deling",
    "POST-indienen",
    "POST-indienen-deling",
]
ITEM_ENDPOINTS = READS + WRITES
COLLECTION_ENDPOINTS = ["GET-lijst", "POST-aanmaken", "POST-aanmaken-bestaand"]

# (method, path) of every private route, as the app declares them
PRIVATE_ROUTES = {
    ("GET", "/api/v1/gemeenten/{gemeentecode:str}/zelfevaluaties"),
    ("POST", "/api/v1/gemeenten/{gemeentecode:str}/zelfevaluaties"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}"),
    ("PUT", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/antwoorden/{vraag_id:str}"),
    ("PUT", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/deling"),
    ("POST", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/indienen"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/analyse"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/vergelijking"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/rapport"),
    ("GET", "/api/v1/benchmarks/{jaar:int}"),
    ("GET", "/api/v1/benchmarks/{jaar:int}/export"),
}
BENCHMARK_ENDPOINTS = ["GET-benchmark", "GET-export-csv", "GET-export-json", "GET-export-xlsx"]
# the year of each kind: only geanonimiseerd and benoemd ones, once submitted, are counted
BENCHMARK_YEARS = ["geanonimiseerd", "benoemd", "prive"]
PUBLIC_PATHS = [
    "/gemeenten",
    f"/gemeenten/{OWN}",
    f"/gemeenten/{OTHER}",
    "/vragenlijsten",
    "/vragenlijsten/zelfscan-mensenhandel",
]

FAKE_PDF = b"%PDF-nep\n"  # WeasyPrint takes seconds a report: the matrix gets the HTML instead


@dataclass(frozen=True)
class Item:
    id: uuid.UUID
    code: str
    kind: str
    year: int
    sharing: str
    submitted: bool
    complete: bool
    marker: str


@dataclass
class World:
    connection: Connection
    factory: sessionmaker[Session]
    client: TestClient
    tokens: dict[str, str]
    items: dict[tuple[str, str], Item]  # (gemeentecode, kind) -> Item
    counted_before: dict[int, int]  # submitted, shared assessments per year not made here
    names: dict[str, str]  # gemeentecode -> naam

    def headers(self, role: str) -> dict[str, str]:
        if role == "onbekend-token":
            return bearer(UNKNOWN_TOKEN)
        return bearer(self.tokens[role]) if role in self.tokens else {}


def home(role: str) -> str | None:
    return USERS[role][2] if role in USERS else None


def gemeente(role: str, side: str) -> str:
    """'own' is a medewerker's own gemeente; for the other roles it is OWN (Zwolle)."""
    first = home(role) or OWN
    if side == "own":
        return first
    return OTHER if first == OWN else OWN


def may_read(role: str, item: Item) -> bool:
    if role in MEDEWERKERS:
        return item.code == home(role)
    if role in VNG:
        return item.submitted and item.sharing == "benoemd"
    return False


def new_sharing(item: Item) -> str:
    """A sharing level different from the current one, so a refused change would show."""
    return "prive" if item.sharing == "benoemd" else "benoemd"


# --- the data, once per module and backend ----------------------------------------------


def build(session: Session, questionnaire: Questionnaire) -> tuple[dict, dict, dict, dict]:
    counted_before = dict(
        session.execute(
            select(Assessment.year, func.count())
            .where(Assessment.status == SUBMITTED, Assessment.sharing != "prive")
            .group_by(Assessment.year)
        ).all()
    )
    users = {
        role: services.add_user(session, email, kind, "wachtwoord-123", code)
        for role, (email, kind, code) in USERS.items()
    }
    tokens = {role: services.create_token(session, user) for role, user in users.items()}
    questions = questionnaire.questions()
    items = {}
    for role in MEDEWERKERS:
        code = home(role)
        principal = services.principal_of(users[role])
        actor = services.Actor.of(principal, "test")
        for kind, (year, sharing, complete, submitted) in KINDS.items():
            marker = f"GEHEIM-{code}-{kind}!"
            created = services.create_assessment(session, code, year, actor)
            for n, question in enumerate(questions if complete else questions[:1]):
                explanation = marker if n == 0 else ""
                services.save_answer(
                    session, created.id, question.id, Answer("2", explanation=explanation), actor
                )
            services.set_sharing(session, principal, created.id, Sharing(sharing))
            if submitted:
                services.submit(session, created.id, actor)
            items[code, kind] = Item(
                created.id, code, kind, year, sharing, submitted, complete, marker
            )
    names = {code: services.municipality(session, code).name for code in (OWN, OTHER)}
    return tokens, items, counted_before, names


def fake_pdf(html: str, *_args: Any, **_kwargs: Any) -> bytes:
    return FAKE_PDF + html.encode()


@pytest.fixture(scope="module")
def base_world(engine: Engine, questionnaire: Questionnaire) -> Iterator[World]:
    from assess.app import create_app
    from assess.config import Settings

    with engine.connect() as connection:
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        # The users sign in with tokens only: skip argon2 (about 0.3 s a password).
        with (
            pytest.MonkeyPatch.context() as patch,
            factory() as session,
            session.begin(),
        ):
            patch.setattr(services, "hash_password", lambda _password: "ongebruikt")
            tokens, items, counted_before, names = build(session, questionnaire)
        app = create_app(
            Settings(
                database_url=engine.url.render_as_string(hide_password=False), secret_key="test"
            )
        )
        app.state.session_factory = factory
        try:
            with (
                pytest.MonkeyPatch.context() as patch,
                TestClient(app, raise_server_exceptions=False) as client,
            ):
                # The report's content is its HTML; rendering it to PDF is not access control.
                patch.setattr(report, "html_to_pdf", fake_pdf)
                yield World(connection, factory, client, tokens, items, counted_before, names)
        finally:
            report_data.memory.clear()  # no fake PDF stays in the process-wide cache
            outer.rollback()


@pytest.fixture
def world(base_world: World) -> Iterator[World]:
    """The module's data; whatever the test writes is rolled back afterwards."""
    savepoint = base_world.connection.begin_nested()
    try:
        yield base_world
    finally:
        if savepoint.is_active:
            savepoint.rollback()


# --- requests and checks ----------------------------------------------------------------


def request_item(world: World, role: str, endpoint: str, item_id: uuid.UUID, item: Item | None):
    client, headers, path = world.client, world.headers(role), f"{BASE}/zelfevaluaties/{item_id}"
    sharing = new_sharing(item) if item else "benoemd"
    if endpoint == "GET-zelfevaluatie":
        return client.get(path, headers=headers)
    if endpoint == "GET-analyse":
        return client.get(f"{path}/analyse", headers=headers)
    if endpoint == "GET-vergelijking":
        return client.get(f"{path}/vergelijking", params={"groep": "alle"}, headers=headers)
    if endpoint == "GET-rapport":
        return client.get(f"{path}/rapport", headers=headers)
    if endpoint.startswith("PUT-antwoord"):
        body = {"antwoord": "0", "toelichting": "OVERSCHREVEN"}
        if endpoint == "PUT-antwoord-verouderd":
            headers = {**headers, "If-Match": '"0"'}
        return client.put(f"{path}/antwoorden/A1", json=body, headers=headers)
    if endpoint == "PUT-deling":
        return client.put(f"{path}/deling", json={"deling": sharing}, headers=headers)
    if endpoint == "POST-indienen":
        return client.post(f"{path}/indienen", headers=headers)
    if endpoint == "POST-indienen-deling":
        return client.post(f"{path}/indienen", json={"deling": sharing}, headers=headers)
    raise AssertionError(endpoint)


def snapshot(world: World, item_id: uuid.UUID) -> tuple[Any, ...]:
    """The assessment's state, read straight from the test's transaction."""
    row = world.connection.execute(
        select(
            Assessment.status, Assessment.sharing, Assessment.version, Assessment.submitted_at
        ).where(Assessment.id == item_id)
    ).one_or_none()
    answers = world.connection.execute(
        select(AnswerRow.question_id, AnswerRow.code, AnswerRow.explanation)
        .where(AnswerRow.assessment_id == item_id)
        .order_by(AnswerRow.question_id)
    ).all()
    return (tuple(row) if row else None, [tuple(a) for a in answers])


def count_of(world: World, code: str) -> int:
    with world.factory() as session:
        return len(services.assessments_of(session, code))


def assert_nothing_foreign(world: World, role: str, response, echoed: uuid.UUID | None = None):
    """No marker or id of an assessment the role may not read appears in the body."""
    text = response.text
    for item in world.items.values():
        if may_read(role, item):
            continue
        assert item.marker not in text, f"{item.marker} leaked to {role}"
        if item.id != echoed:
            assert str(item.id) not in text, f"id of {item.code}/{item.kind} leaked to {role}"


def assert_problem(world: World, response, status: int) -> None:
    """An error is a bare problem+json: no assessment content, no marker at all."""
    assert response.headers["content-type"].startswith(PROBLEM), response.text
    body = response.json()
    assert body["status"] == status
    assert set(body) <= PROBLEM_KEYS, body
    assert "ETag" not in response.headers and "Location" not in response.headers
    for item in world.items.values():
        assert item.marker not in response.text
    if status == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def trend_years(html: str) -> set[int]:
    """The years in the column heads of the report's 'Scores per jaar' table."""
    section = BeautifulSoup(html, "html.parser").find("section", attrs={"aria-labelledby": "trend"})
    assert section is not None, "the report has no trend section"
    return {int(th.get_text()) for th in section.select("thead th.num")}


def cell(values: tuple[Any, ...], test_id: str):
    return pytest.param(*values, id=test_id)


# --- which routes the matrix covers -----------------------------------------------------


def test_the_matrix_covers_every_private_route(world):
    """A new private endpoint must be added to this matrix."""
    found = set()
    for route in world.client.app.routes:
        for handler in getattr(route, "route_handlers", []):
            private = any(
                isinstance(m, DefineMiddleware) and m.middleware is BearerTokenAuth
                for m in handler.resolve_middleware()
            )
            for method in handler.http_methods:
                if private and method != "OPTIONS":
                    found.add((method, route.path))
    assert found == PRIVATE_ROUTES


# --- the collection endpoints: list and create ------------------------------------------


def collection_expected(role: str, endpoint: str, side: str) -> int:
    if role not in USERS:
        return 401
    if role in MEDEWERKERS:
        if side == "other":
            return 404
        return {"GET-lijst": 200, "POST-aanmaken": 201, "POST-aanmaken-bestaand": 409}[endpoint]
    return 200 if endpoint == "GET-lijst" else 403


COLLECTION_CELLS = [
    cell((role, endpoint, side), f"{role}-{endpoint}-{side}")
    for role in AUTH_ROLES
    for endpoint in COLLECTION_ENDPOINTS
    for side in SIDES
]


@pytest.mark.parametrize(("role", "endpoint", "side"), COLLECTION_CELLS)
def test_collection(world, role, endpoint, side):
    code = gemeente(role, side)
    path = f"{BASE}/gemeenten/{code}/zelfevaluaties"
    expected = collection_expected(role, endpoint, side)
    before = count_of(world, code)
    if endpoint == "GET-lijst":
        response = world.client.get(path, headers=world.headers(role))
    else:
        year = NEW_YEAR if endpoint == "POST-aanmaken" else TAKEN_YEAR
        response = world.client.post(path, json={"jaar": year}, headers=world.headers(role))
    assert response.status_code == expected, response.text
    assert_nothing_foreign(world, role, response)
    if expected >= 400:
        assert_problem(world, response, expected)
        assert count_of(world, code) == before
        return
    body = response.json()
    if endpoint == "GET-lijst":
        visible = sorted(
            (i for i in world.items.values() if i.code == code and may_read(role, i)),
            key=lambda i: -i.year,
        )
        assert [z["id"] for z in body["zelfevaluaties"]] == [str(i.id) for i in visible]
        assert body["totaal"] == len(visible)
        assert {z["gemeentecode"] for z in body["zelfevaluaties"]} <= {code}
    else:
        assert body["gemeentecode"] == code and body["jaar"] == NEW_YEAR
        assert body["status"] == "concept"
        assert count_of(world, code) == before + 1


# --- the endpoints on one assessment ----------------------------------------------------


def item_expected(role: str, endpoint: str, item: Item | None) -> int:
    if role not in USERS:
        return 401
    if item is None or not may_read(role, item):
        return 404
    if role in VNG:
        return 200 if endpoint in READS else 403
    # a medewerker on its own gemeente's assessment
    if endpoint in READS or endpoint == "PUT-deling":
        return 200
    if endpoint == "PUT-antwoord":
        return 409 if item.submitted else 200
    if endpoint == "PUT-antwoord-verouderd":
        return 412
    # POST-indienen(-deling): only a complete concept can be submitted
    return 200 if item.complete and not item.submitted else 409


ITEM_CELLS = [
    cell((role, endpoint, side, kind), f"{role}-{endpoint}-{side}-{kind}")
    for role in ROLES
    for endpoint in ITEM_ENDPOINTS
    for side in SIDES
    for kind in KINDS
]


@pytest.mark.parametrize(("role", "endpoint", "side", "kind"), ITEM_CELLS)
def test_assessment(world, role, endpoint, side, kind):
    item = world.items[gemeente(role, side), kind]
    expected = item_expected(role, endpoint, item)
    before = snapshot(world, item.id)
    response = request_item(world, role, endpoint, item.id, item)
    assert response.status_code == expected, response.text
    assert_nothing_foreign(world, role, response, echoed=item.id)
    if expected >= 300 or endpoint in READS:
        assert snapshot(world, item.id) == before, "a read or refused request changed data"
    if expected == 412:  # the current answer, the own gemeente's, is shown to its medewerker
        assert response.headers["content-type"].startswith(PROBLEM)
        body = response.json()
        assert set(body) <= PROBLEM_KEYS | STALE_KEYS
        assert body["huidigAntwoord"]["toelichting"] == item.marker
        return
    if expected >= 400:
        assert_problem(world, response, expected)
        return
    if endpoint == "GET-rapport":
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(FAKE_PDF)
        same = [i for i in world.items.values() if i.code == item.code]
        hidden = {i.year for i in same if not may_read(role, i)}
        shown = trend_years(response.text) - {item.year}
        assert shown <= {i.year for i in same if i.submitted}, shown
        assert not shown & hidden, f"{role} sees the years {sorted(shown & hidden)} of {item.code}"
        return
    body = response.json()
    if endpoint == "GET-analyse":
        assert body["zelfevaluatieId"] == str(item.id)
    elif endpoint == "GET-vergelijking":
        assert body["zelfevaluatieId"] == str(item.id) and body["jaar"] == item.year
        counted = sum(
            i.year == item.year and i.submitted and i.sharing != "prive"
            for i in world.items.values()
        )
        assert body["n"] == counted + world.counted_before.get(item.year, 0)
    else:
        assert body["id"] == str(item.id) and body["gemeentecode"] == item.code
        if endpoint in ("PUT-deling", "POST-indienen-deling"):
            assert body["deling"] == new_sharing(item)
        if endpoint.startswith("POST-indienen"):
            assert body["status"] == SUBMITTED
        if endpoint == "PUT-antwoord":
            [a1] = [a for a in body["antwoorden"] if a["vraagId"] == "A1"]
            assert a1["antwoord"] == "0" and a1["toelichting"] == "OVERSCHREVEN"


UNKNOWN_CELLS = [
    cell((role, endpoint), f"{role}-{endpoint}-onbekend")
    for role in AUTH_ROLES
    for endpoint in ITEM_ENDPOINTS
]


@pytest.mark.parametrize(("role", "endpoint"), UNKNOWN_CELLS)
def test_unknown_assessment(world, role, endpoint):
    """A missing assessment answers exactly like a foreign one: no existence oracle."""
    response = request_item(world, role, endpoint, UNKNOWN_ID, None)
    expected = item_expected(role, endpoint, None)
    assert response.status_code == expected, response.text
    assert_problem(world, response, expected)
    assert_nothing_foreign(world, role, response)
    if expected == 404:
        foreign = world.items[OTHER if home(role) == OWN else OWN, "prive"]
        other = request_item(world, role, endpoint, foreign.id, foreign)
        assert other.status_code == 404
        assert other.json() == {
            **response.json(),
            "detail": response.json()["detail"].replace(str(UNKNOWN_ID), str(foreign.id)),
        }


@pytest.mark.parametrize("endpoint", ITEM_ENDPOINTS)
def test_unknown_token_on_a_shared_assessment(world, endpoint):
    item = world.items[OTHER, "benoemd"]
    before = snapshot(world, item.id)
    response = request_item(world, "onbekend-token", endpoint, item.id, item)
    assert response.status_code == 401, response.text
    assert_problem(world, response, 401)
    assert str(item.id) not in response.text
    assert snapshot(world, item.id) == before


# --- the public endpoints ---------------------------------------------------------------


@pytest.mark.parametrize("role", AUTH_ROLES)
@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_public_endpoints_need_no_token_and_show_no_assessments(world, role, path):
    response = world.client.get(f"{BASE}{path}", headers=world.headers(role))
    assert response.status_code == 200, response.text
    for item in world.items.values():
        assert item.marker not in response.text and str(item.id) not in response.text


# --- the national benchmark (VNG only; aggregates, and names only of 'benoemd') ----------


def counted(world: World, year: int) -> int:
    """Submitted assessments of the year that count in aggregates ('prive' never does)."""
    mine = sum(
        i.year == year and i.submitted and i.sharing != "prive" for i in world.items.values()
    )
    return mine + world.counted_before.get(year, 0)


def benchmark_expected(world: World, role: str, year: int) -> int:
    if role not in USERS:
        return 401
    if role in MEDEWERKERS:
        return 403
    return 200 if counted(world, year) else 404


def readable_text(response) -> str:
    """The body as text; an xlsx is a zip of XML files, read them all."""
    if not response.content.startswith(b"PK"):
        return response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())


BENCHMARK_CELLS = [
    cell((role, endpoint, kind), f"{role}-{endpoint}-{kind}")
    for role in AUTH_ROLES
    for endpoint in BENCHMARK_ENDPOINTS
    for kind in BENCHMARK_YEARS
]


@pytest.mark.parametrize(("role", "endpoint", "kind"), BENCHMARK_CELLS)
def test_benchmark(world, role, endpoint, kind):
    year = KINDS[kind][0]
    path = f"{BASE}/benchmarks/{year}"
    params = {} if endpoint == "GET-benchmark" else {"format": endpoint.rsplit("-", 1)[1]}
    if params:
        path += "/export"
    response = world.client.get(path, params=params, headers=world.headers(role))
    expected = benchmark_expected(world, role, year)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert_problem(world, response, expected)
        return
    text = readable_text(response)
    for item in world.items.values():
        assert item.marker not in text and str(item.id) not in text
    named = {
        i.code
        for i in world.items.values()
        if i.year == year and i.submitted and i.sharing == "benoemd"
    }
    for code in {OWN, OTHER} - named:  # counted anonymously, or not at all: never by name
        assert code not in text, f"{code} named in the {year} benchmark"
        assert world.names[code] not in text, f"{world.names[code]} named in the {year} benchmark"
    if endpoint == "GET-benchmark":
        assert response.json()["totaal"]["n"] == counted(world, year)
    if endpoint == "GET-export-json":
        listed = {n["gemeentecode"] for n in response.json()["benoemd"]}
        assert listed & {OWN, OTHER} == named
