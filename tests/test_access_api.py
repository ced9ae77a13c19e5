"""Access matrix of the API: every private operation x every role x own/other gemeente x
every kind of assessment (see access_world.py for the world).

Each cell asserts the exact status, that a refused request changes nothing, and that no data
of an assessment the role may not read (its marker, its id, its year) appears in the body.
"""

from __future__ import annotations

import uuid

import pytest
from access_world import (
    ANONYMOUS,
    BENCHMARK_ROLES,
    FAKE_PDF,
    KINDS,
    MEDEWERKERS,
    NEW_YEAR,
    OTHER,
    OWN,
    SIDES,
    TAKEN_YEAR,
    USERS,
    Item,
    World,
    assert_benchmark_shows_only_aggregates,
    assert_nothing_foreign,
    assessment_count,
    counted,
    gemeente,
    header_years,
    hidden_years,
    home,
    in_region,
    item_cells,
    may_read,
    named,
    new_sharing,
    published,
    readable_text,
    snapshot,
)
from litestar.middleware import DefineMiddleware

from assess.framework.publication import band
from assess.web.auth import BearerTokenAuth
from assess.web.downloads import XLSX

pytestmark = pytest.mark.slow

BASE = "/api/v1"
PROBLEM = "application/problem+json"
PROBLEM_KEYS = {"status", "title", "detail", "type", "invalidParams"}
STALE_KEYS = {"huidigeVersie", "huidigAntwoord"}  # only in a 412
UNKNOWN_ID = uuid.UUID("00000000-0000-4000-8000-000000000000")
ROLES = [*USERS, ANONYMOUS]
# Authentication happens before routing reaches an assessment, so an unknown token is checked
# on the collection endpoints, on an unknown id and against one real assessment per endpoint.
AUTH_ROLES = [*ROLES, "onbekend-token"]

READS = [
    "GET-zelfevaluatie",
    "GET-antwoord",
    "GET-analyse",
    "GET-vergelijking",
    "GET-rapport",
    "GET-acties",
    "GET-werkboek",
]
WRITES = [
    "PUT-antwoord",
    "PUT-antwoord-verouderd",  # with a stale If-Match: a 412 would show the current answer
    "PUT-deling",
    "PUT-regio",
    "POST-indienen",
    "POST-indienen-deling",
    "POST-actie",  # the action plan lives on after submission
    "PUT-actie-onbekend",  # an action id that is not in the assessment
    "POST-werkboek-kapot",  # not a workbook: 400 for whoever may write, after the access check
]
ITEM_ENDPOINTS = READS + WRITES
COLLECTION_ENDPOINTS = ["GET-lijst", "POST-aanmaken", "POST-aanmaken-bestaand"]

# (method, path) of every private route, as the app declares them
PRIVATE_ROUTES = {
    ("GET", "/api/v1/gemeenten/{gemeentecode:str}/zelfevaluaties"),
    ("POST", "/api/v1/gemeenten/{gemeentecode:str}/zelfevaluaties"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/antwoorden/{vraag_id:str}"),
    ("PUT", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/antwoorden/{vraag_id:str}"),
    ("PUT", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/deling"),
    ("PUT", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/regio"),
    ("POST", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/indienen"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/analyse"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/vergelijking"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/rapport"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/acties"),
    ("POST", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/acties"),
    ("PUT", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/acties/{actie_id:uuid}"),
    ("GET", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/werkboek"),
    ("POST", "/api/v1/zelfevaluaties/{zelfevaluatie_id:uuid}/werkboek"),
    ("GET", "/api/v1/benchmarks/{jaar:int}"),
    ("GET", "/api/v1/benchmarks/{jaar:int}/export"),
    ("GET", "/api/v1/benchmarks/{jaar:int}/publicaties"),
    ("POST", "/api/v1/benchmarks/{jaar:int}/publicaties"),
}
BENCHMARK_ENDPOINTS = [
    "GET-benchmark",
    "GET-export-csv",
    "GET-export-json",
    "GET-export-xlsx",
    "GET-publicaties",
    "POST-publicaties",
]
# the year of each kind: only geanonimiseerd and benoemd ones, once submitted, are counted
BENCHMARK_YEARS = ["geanonimiseerd", "benoemd", "prive"]
PUBLIC_PATHS = [
    "/gemeenten",
    f"/gemeenten/{OWN}",
    f"/gemeenten/{OTHER}",
    "/vragenlijsten",
    "/vragenlijsten/zelfscan-mensenhandel",
]


def request_item(world: World, role: str, endpoint: str, item_id: uuid.UUID, item: Item | None):
    client, headers, path = world.client, world.headers(role), f"{BASE}/zelfevaluaties/{item_id}"
    client.cookies.clear()
    sharing = new_sharing(item) if item else "benoemd"
    if endpoint == "GET-zelfevaluatie":
        return client.get(path, headers=headers)
    if endpoint == "GET-antwoord":
        return client.get(f"{path}/antwoorden/A1", headers=headers)
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
    if endpoint == "PUT-regio":
        return client.put(f"{path}/regio", json={"regio": "ANDERE REGIO"}, headers=headers)
    if endpoint == "POST-indienen":
        return client.post(f"{path}/indienen", headers=headers)
    if endpoint == "POST-indienen-deling":
        return client.post(f"{path}/indienen", json={"deling": sharing}, headers=headers)
    if endpoint == "GET-acties":
        return client.get(f"{path}/acties", headers=headers)
    if endpoint == "POST-actie":
        return client.post(f"{path}/acties", json={"titel": "MATRIX"}, headers=headers)
    if endpoint == "PUT-actie-onbekend":
        return client.put(
            f"{path}/acties/{uuid.uuid4()}", json={"titel": "MATRIX"}, headers=headers
        )
    if endpoint == "GET-werkboek":
        return client.get(f"{path}/werkboek", headers=headers)
    if endpoint == "POST-werkboek-kapot":
        xlsx = {**headers, "Content-Type": XLSX}
        return client.post(f"{path}/werkboek", content=b"PK not a workbook", headers=xlsx)
    raise AssertionError(endpoint)


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


def cell(values: tuple, test_id: str):
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


def collection_expected(world: World, role: str, endpoint: str, side: str) -> int:
    if role not in USERS:
        return 401
    code = gemeente(role, side)
    if role in MEDEWERKERS:
        if side == "other":
            return 404
        return {"GET-lijst": 200, "POST-aanmaken": 201, "POST-aanmaken-bestaand": 409}[endpoint]
    if not in_region(role, code, world):
        return 404
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
    expected = collection_expected(world, role, endpoint, side)
    before = assessment_count(world, code)
    world.client.cookies.clear()
    if endpoint == "GET-lijst":
        response = world.client.get(path, headers=world.headers(role))
    else:
        year = NEW_YEAR if endpoint == "POST-aanmaken" else TAKEN_YEAR
        response = world.client.post(path, json={"jaar": year}, headers=world.headers(role))
    assert response.status_code == expected, response.text
    assert_nothing_foreign(world, role, response.text)
    if expected >= 400:
        assert_problem(world, response, expected)
        assert assessment_count(world, code) == before
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
        assert assessment_count(world, code) == before + 1


# --- the endpoints on one assessment ----------------------------------------------------


def item_expected(role: str, endpoint: str, item: Item | None) -> int:
    if role not in USERS:
        return 401
    if item is None or not may_read(role, item):
        return 404
    if role in BENCHMARK_ROLES:
        return 200 if endpoint in READS else 403
    # an officer on its own gemeente's assessment
    if endpoint in READS:
        return 200
    if endpoint == "POST-actie":
        return 201
    if endpoint == "PUT-actie-onbekend":
        return 404
    if endpoint == "POST-werkboek-kapot":
        return 409 if item.submitted else 400
    if endpoint in ("PUT-antwoord", "PUT-regio", "PUT-deling"):  # sharing is fixed at submission
        return 409 if item.submitted else 200
    if endpoint == "PUT-antwoord-verouderd":  # A1 is answered: version 0 is stale
        return 409 if item.submitted else 412
    # POST-indienen(-deling): only a complete concept can be submitted
    return 200 if item.complete and not item.submitted else 409


@pytest.mark.parametrize(("role", "endpoint", "side", "kind"), item_cells(ROLES, ITEM_ENDPOINTS))
def test_assessment(world, role, endpoint, side, kind):
    item = world.items[gemeente(role, side), kind]
    expected = item_expected(role, endpoint, item)
    before = snapshot(world, item.id)
    response = request_item(world, role, endpoint, item.id, item)
    assert response.status_code == expected, response.text
    assert_nothing_foreign(world, role, response.text, echoed=item.id)
    if expected >= 300 or endpoint in READS:
        assert snapshot(world, item.id) == before, "a read or refused request changed data"
    if expected == 412:  # the current answer, the own gemeente's, is shown to its officer
        assert response.headers["content-type"].startswith(PROBLEM)
        body = response.json()
        assert set(body) <= PROBLEM_KEYS | STALE_KEYS
        assert body["huidigAntwoord"]["toelichting"] == item.marker
        return
    if expected >= 400:
        assert_problem(world, response, expected)
        return
    if endpoint == "GET-werkboek":
        assert response.headers["content-type"].startswith(XLSX)
        return
    if endpoint == "GET-rapport":
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.startswith(FAKE_PDF)
        shown = header_years(response.text) - {item.year}
        assert not shown & hidden_years(role, item, world), f"{role} sees hidden years {shown}"
        return
    body = response.json()
    if endpoint in ("GET-antwoord", "PUT-antwoord"):
        assert body["vraagId"] == "A1" and response.headers["ETag"] == f'"{body["versie"]}"'
        if endpoint == "GET-antwoord":
            assert body["toelichting"] == item.marker
        else:
            assert body["antwoord"] == "0" and body["toelichting"] == "OVERSCHREVEN"
    elif endpoint == "GET-analyse":
        assert body["zelfevaluatieId"] == str(item.id)
    elif endpoint == "GET-acties":
        assert set(body) == {"items", "voorstellen"}
    elif endpoint == "POST-actie":
        assert body["titel"] == "MATRIX" and response.headers["ETag"] == '"1"'
    elif endpoint == "GET-vergelijking":
        assert body["zelfevaluatieId"] == str(item.id) and body["jaar"] == item.year
        itself = item.submitted and item.sharing != "prive"  # the asker is left out
        others = counted(world, item.year, "analist") - itself
        if not published(item.year):
            assert body["n"] == "0" and "nog niet gepubliceerd" in body["reden"]
        elif role == "regio":  # all gemeenten lie beyond the region
            assert body["n"] == "–" and body["onderdrukt"]
        else:
            assert body["n"] == band(others, 5)
    else:
        assert body["id"] == str(item.id) and body["gemeentecode"] == item.code
        if endpoint in ("PUT-deling", "POST-indienen-deling"):
            assert body["deling"] == new_sharing(item)
        if endpoint.startswith("POST-indienen"):
            assert body["status"] == "ingediend"
        if endpoint == "PUT-regio":
            assert body["regio"] == "ANDERE REGIO"


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
    assert_nothing_foreign(world, role, response.text)
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
    world.client.cookies.clear()
    response = world.client.get(f"{BASE}{path}", headers=world.headers(role))
    assert response.status_code == 200, response.text
    for item in world.items.values():
        assert item.marker not in response.text and str(item.id) not in response.text


# --- the benchmark (aggregates; names only of 'benoemd'; a region sees only itself) --------


def benchmark_expected(world: World, role: str, endpoint: str, year: int) -> int:
    if role not in USERS:
        return 401
    if role in MEDEWERKERS:
        return 403
    if endpoint == "POST-publicaties":  # published years have not changed since; 'prive' has none
        return 409 if role == "beheerder" else 403
    if endpoint == "GET-publicaties":
        return 200
    return 200 if published(year) else 404


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
    world.client.cookies.clear()
    headers = world.headers(role)
    if endpoint.endswith("-publicaties"):
        send = world.client.post if endpoint.startswith("POST") else world.client.get
        response = send(f"{path}/publicaties", headers=headers)
    elif endpoint == "GET-benchmark":
        response = world.client.get(path, headers=headers)
    else:
        response = world.client.get(
            f"{path}/export", params={"format": endpoint.rsplit("-", 1)[1]}, headers=headers
        )
    expected = benchmark_expected(world, role, endpoint, year)
    assert response.status_code == expected, response.text
    if expected >= 400:
        assert_problem(world, response, expected)
        return
    assert_benchmark_shows_only_aggregates(world, role, year, readable_text(response))
    if endpoint == "GET-benchmark":
        assert response.json()["totaal"]["n"] == band(counted(world, year, role), 5)
    if endpoint == "GET-publicaties":
        assert [p["nummer"] for p in response.json()] == ([1] if published(year) else [])
    if endpoint == "GET-export-json":
        listed = {n["gemeentecode"] for n in response.json()["benoemd"]}
        assert listed & {OWN, OTHER} == named(world, role, year)
