"""The world of the access matrix: users of every role, assessments of every kind, and what
each role may read. Shared by the API matrix (test_access_api.py) and the page matrix
(test_access_pages.py).

Two gemeenten in different RIEC regions: Zwolle (Oost-Nederland) and Haarlem (Noord-Holland).
Each has five assessments: a concept, a complete concept shared 'benoemd', and submitted ones
shared 'prive', 'geanonimiseerd' and 'benoemd', each with a unique marker in a toelichting.
A crowd of other gemeenten in Zwolle's region shares in the 'geanonimiseerd' and 'benoemd'
years, which are published; the 'prive' year has nothing to publish.
The users: an officer of each gemeente, a VNG analyst, a regional coordinator of Zwolle's
region, and an administrator. The world is built once per test module and backend inside
one outer transaction that is rolled back at the end; every test runs in a savepoint of it.
"""

from __future__ import annotations

import io
import time
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pyotp
import pytest
from bs4 import BeautifulSoup
from litestar.testing import TestClient
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from assess import report, security
from assess.access import Sharing
from assess.db.models import Action, Assessment, Municipality
from assess.db.models import Answer as AnswerRow
from assess.framework.answers import Answer
from assess.framework.schema import Questionnaire
from assess.services import (
    accounts,
    answering,
    answers,
    publications,
    register,
    second_factor,
    tokens,
)

from conftest import SYSTEM, bearer, submit_quickly

OWN, OTHER = "GM0193", "GM0392"  # Zwolle (RIEC Oost-Nederland), Haarlem (RIEC Noord-Holland)
REGION = "Oost-Nederland"
SUBMITTED = "ingediend"
PASSWORD = "kraanvogel-lantaarn-7"

# kind: (year, sharing, every question answered, submitted)
# Made in this order; 'prive' and 'geanonimiseerd' are earlier years of 'benoemd', so they
# would be in its trend. (A new assessment is prefilled from the latest earlier one.)
KINDS: dict[str, tuple[int, str, bool, bool]] = {
    "concept": (2019, "geanonimiseerd", False, False),
    "prive": (2020, "prive", True, True),
    "geanonimiseerd": (2021, "geanonimiseerd", True, True),
    "benoemd": (2022, "benoemd", True, True),
    "concept-benoemd": (2023, "benoemd", True, False),
}
NEW_YEAR = 2026  # the year a create uses; no fixture assessment has it
CROWD = 12  # other gemeenten that share in the published years
PUBLISHED_YEARS = (KINDS["geanonimiseerd"][0], KINDS["benoemd"][0])
TAKEN_YEAR = KINDS["benoemd"][0]  # a year both gemeenten have: a 409 would reveal that

# role: (e-mail, role, gemeente, region)
USERS = {
    "medewerker": ("toegang-m@zwolle.nl", "medewerker", OWN, None),
    "ander": ("toegang-m@haarlem.nl", "medewerker", OTHER, None),
    "analist": ("toegang-a@vng.nl", "analist", None, None),
    "regio": ("toegang-r@riec.nl", "regio", None, REGION),
    "beheerder": ("toegang-b@vng.nl", "beheerder", None, None),
}
TOTP_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"  # the beheerder's authenticator app
ANONYMOUS = "anoniem"  # no token, no session
ROLES = [*USERS, ANONYMOUS]
MEDEWERKERS = {"medewerker", "ander"}
BENCHMARK_ROLES = {"analist", "regio", "beheerder"}
SIDES = ["own", "other"]


def item_cells(roles: list[str], operations: list[str]) -> list[Any]:
    """One test per role x operation x own/other gemeente x kind of assessment."""
    return [
        pytest.param(role, operation, side, kind, id=f"{role}-{operation}-{side}-{kind}")
        for role in roles
        for operation in operations
        for side in SIDES
        for kind in KINDS
    ]


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
    cookies: dict[str, dict[str, str]]  # role -> the cookies of its signed-in session
    items: dict[tuple[str, str], Item]  # (gemeentecode, kind) -> Item
    names: dict[str, str]  # gemeentecode -> naam
    riec: dict[str, str | None]  # gemeentecode -> RIEC region, for the whole register

    def headers(self, role: str) -> dict[str, str]:
        if role == "onbekend-token":
            return bearer("zsm_" + "x" * 43)
        return bearer(self.tokens[role]) if role in self.tokens else {}

    def as_role(self, role: str) -> TestClient:
        """The client, carrying the role's signed-in session (or none)."""
        self.client.cookies.clear()
        self.client.cookies.update(self.cookies.get(role, self.cookies[ANONYMOUS]))
        return self.client

    def csrf(self, role: str) -> str:
        return self.cookies.get(role, self.cookies[ANONYMOUS])["zelfscan_csrf"]


def home(role: str) -> str | None:
    return USERS[role][2] if role in USERS else None


def gemeente(role: str, side: str) -> str:
    """'own' is an officer's own gemeente; for the other roles it is OWN (Zwolle, inside the
    coordinator's region), and 'other' is the other gemeente."""
    first = home(role) or OWN
    if side == "own":
        return first
    return OTHER if first == OWN else OWN


def in_region(role: str, code: str, world: World) -> bool:
    return role != "regio" or world.riec.get(code) == REGION


def may_read(role: str, item: Item) -> bool:
    if role in MEDEWERKERS:
        return item.code == home(role)
    if role == "regio" and item.code != OWN:
        return False
    if role in BENCHMARK_ROLES:
        return item.submitted and item.sharing == "benoemd"
    return False


def new_sharing(item: Item) -> str:
    """A sharing level different from the current one, so a refused change would show."""
    return "prive" if item.sharing == "benoemd" else "benoemd"


def published(year: int) -> bool:
    return year in PUBLISHED_YEARS


def counted(world: World, year: int, role: str) -> int:
    """Submitted, shared assessments of the year the role's benchmark counts."""
    query = (
        select(func.count())
        .select_from(Assessment)
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .where(Assessment.year == year, Assessment.status == SUBMITTED)
        .where(Assessment.sharing != "prive")
    )
    if role == "regio":
        query = query.where(Municipality.riec == REGION)
    return world.connection.execute(query).scalar_one()


# --- the data, once per module and backend ----------------------------------------------


def build(session: Session, questionnaire: Questionnaire) -> tuple[dict, dict]:
    principals = {}
    for role, (email, kind, code, region) in USERS.items():
        account = accounts.add_user(session, SYSTEM, email, kind, PASSWORD, code, region)
        user = accounts.user_row(session, SYSTEM, account.email)
        principals[role] = accounts.principal_of(user, "test")
        if second_factor.required(account.role):
            earlier = pyotp.TOTP(TOTP_SECRET).at(time.time() - 30)  # leaves `now()` to sign in
            second_factor.enable(session, principals[role], TOTP_SECRET, earlier)
    issued = {
        role: tokens.create(session, SYSTEM, owner_email=email)
        for role, (email, *_rest) in USERS.items()
    }
    questions = questionnaire.questions()
    items = {}
    for role in MEDEWERKERS:
        code, who = home(role), principals[role]
        for kind, (year, sharing, complete, submitted) in KINDS.items():
            marker = f"GEHEIM-{code}-{kind}!"
            created = answering.start(session, who, code, year)
            for n, question in enumerate(questions if complete else questions[:1]):
                explanation = marker if n == 0 else ""
                answers.save(
                    session, who, created.id, question.id, Answer("2", explanation=explanation)
                )
            answering.set_sharing(session, who, created.id, Sharing(sharing))
            if submitted:
                answering.submit(session, who, created.id)
            items[code, kind] = Item(
                created.id, code, kind, year, sharing, submitted, complete, marker
            )
    publish_with_crowd(session, questionnaire)
    return issued, items


def publish_with_crowd(session: Session, questionnaire: Questionnaire) -> None:
    """Twelve other gemeenten of Zwolle's region share anonymously in the years the two
    gemeenten share, so that those years can be published (national and regional)."""
    crowd = [
        g.code for g in register.gemeenten(session, region=REGION) if g.code not in (OWN, OTHER)
    ][:CROWD]
    for year in PUBLISHED_YEARS:
        submit_quickly(session, questionnaire, year, dict.fromkeys(crowd, "1"))
        publications.publish(session, SYSTEM, year, 5)


def fake_pdf(html: str, *_args: Any, **_kwargs: Any) -> bytes:
    return FAKE_PDF + html.encode()


FAKE_PDF = b"%PDF-nep\n"  # WeasyPrint takes seconds a report: the matrix gets the HTML instead


def sign_in_all(client: TestClient) -> dict[str, dict[str, str]]:
    """A signed-in session per role, and an anonymous one that holds only a CSRF cookie."""
    jars = {}
    for role in ROLES:
        client.cookies.clear()
        form = BeautifulSoup(client.get("/inloggen").text, "html.parser")
        token = form.find("input", {"name": "_csrf_token"})["value"]
        if role in USERS:
            response = client.post(
                "/inloggen",
                data={"email": USERS[role][0], "wachtwoord": PASSWORD, "_csrf_token": token},
                follow_redirects=False,
            )
            assert response.status_code == 303, response.text
            if response.headers["location"] == "/inloggen/code":
                code = pyotp.TOTP(TOTP_SECRET).now()
                response = client.post(
                    "/inloggen/code",
                    data={"code": code, "_csrf_token": token},
                    follow_redirects=False,
                )
                assert response.headers["location"] == "/start", response.text
        jars[role] = dict(client.cookies)
        jars[role]["zelfscan_csrf"] = token  # the form token that goes with the cookie
    return jars


@pytest.fixture(scope="module")
def base_world(engine: Engine, questionnaire: Questionnaire) -> Iterator[World]:
    from assess.app import create_app
    from assess.config import Settings

    with engine.connect() as connection, pytest.MonkeyPatch.context() as patch:
        outer = connection.begin()
        factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )
        # Who may see what is the subject here, not argon2 (about 0.3 s a password).
        patch.setattr(security, "hash_password", lambda password: f"plain:{password}")
        patch.setattr(security, "verify_password", lambda stored, given: stored == f"plain:{given}")
        # The report's content is its HTML; rendering it to PDF is not access control.
        patch.setattr(report, "html_to_pdf", fake_pdf)
        with factory() as session, session.begin():
            issued, items = build(session, questionnaire)
            names = {code: register.gemeente(session, code).name for code in (OWN, OTHER)}
            riec = {g.code: g.riec for g in register.gemeenten(session)}
        app = create_app(
            Settings(
                database_url=engine.url.render_as_string(hide_password=False),
                secret_key="t" * 32,
                secure_cookies=False,
            )
        )
        app.state.session_factory = factory
        try:
            with TestClient(app, raise_server_exceptions=False) as client:
                jars = sign_in_all(client)
                yield World(connection, factory, client, issued, jars, items, names, riec)
        finally:
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


# --- checks -----------------------------------------------------------------------------


def snapshot(world: World, item_id: uuid.UUID) -> tuple[Any, ...]:
    """The assessment's state, read straight from the test's transaction."""
    row = world.connection.execute(
        select(
            Assessment.status,
            Assessment.sharing,
            Assessment.region,
            Assessment.version,
            Assessment.submitted_at,
        ).where(Assessment.id == item_id)
    ).one_or_none()
    answers = world.connection.execute(
        select(AnswerRow.question_id, AnswerRow.code, AnswerRow.explanation)
        .where(AnswerRow.assessment_id == item_id)
        .order_by(AnswerRow.question_id)
    ).all()
    actions = world.connection.execute(
        select(Action.title, Action.version).where(Action.assessment_id == item_id)
    ).all()
    return (tuple(row) if row else None, [tuple(a) for a in answers], sorted(actions))


def assessment_count(world: World, code: str) -> int:
    query = select(func.count()).select_from(Assessment).filter_by(municipality_code=code)
    return world.connection.execute(query).scalar_one()


def readable_text(response) -> str:
    """The body as text; an xlsx is a zip of XML files: read them all."""
    if not response.content.startswith(b"PK"):
        return response.text
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        return "\n".join(book.read(name).decode("utf-8") for name in book.namelist())


def assert_nothing_foreign(world: World, role: str, text: str, echoed: uuid.UUID | None = None):
    """No marker or id of an assessment the role may not read appears in the text, and no
    name of a gemeente none of whose assessments it may read."""
    for item in world.items.values():
        if may_read(role, item):
            continue
        assert item.marker not in text, f"{item.marker} leaked to {role}"
        if item.id != echoed:
            assert str(item.id) not in text, f"id of {item.code}/{item.kind} leaked to {role}"
    for code, name in world.names.items():
        readable = any(may_read(role, i) for i in world.items.values() if i.code == code)
        if not readable:
            assert name not in text, f"{name} named to {role}"


def hidden_years(role: str, item: Item, world: World) -> set[int]:
    """Years of the same gemeente that the role may not read."""
    same = [i for i in world.items.values() if i.code == item.code]
    return {i.year for i in same if not may_read(role, i)}


def header_years(html: str) -> set[int]:
    """The years in table column heads and chart legends: where earlier years are shown."""
    soup = BeautifulSoup(html, "html.parser")
    cells = [th.get_text(" ", strip=True) for th in soup.select("th")]
    cells += [el.get_text(" ", strip=True) for el in soup.select("svg text, .legend, figcaption")]
    return {
        int(word) for text in cells for word in text.split() if word.isdigit() and len(word) == 4
    }


def named(world: World, role: str, year: int) -> set[str]:
    return {
        i.code
        for i in world.items.values()
        if i.year == year and may_read(role, i) and i.sharing == "benoemd"
    }


def assert_benchmark_shows_only_aggregates(world: World, role: str, year: int, text: str):
    by_name = named(world, role, year)
    for item in world.items.values():
        assert item.marker not in text
        # A named assessment of the year is linked (by its id) for whoever may open it.
        linked = item.year == year and item.code in by_name and may_read(role, item)
        assert linked or str(item.id) not in text, f"id of {item.code}/{item.kind} to {role}"
    for code in {OWN, OTHER} - by_name:  # anonymous or absent: never by name
        assert code not in text, f"{code} named in the {year} benchmark for {role}"
        assert world.names[code] not in text, f"{world.names[code]} named for {role}"
