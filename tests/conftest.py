"""Shared fixtures: the questionnaires, and a migrated database per backend per session.

Database tests run on SQLite, and also on PostgreSQL when ASSESS_TEST_DATABASE_URL is set.
Each test runs inside a transaction that is rolled back, so tests never see each other's data.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, delete, event, insert, text
from sqlalchemy.orm import Session, sessionmaker

from assess.access import Principal, Role, Sharing, system
from assess.db.migrate import upgrade
from assess.db.models import Answer as AnswerRow
from assess.db.session import make_engine
from assess.framework.loader import parse_questionnaire
from assess.framework.schema import Questionnaire
from assess.municipalities import REGISTER_2025, parse_register
from assess.services import accounts, answering, questionnaires, register
from assess.services import tokens as api_tokens

pytest_plugins = ["access_world"]  # the world of the access matrices, as fixtures

ROOT = Path(__file__).parent.parent
DATA = Path(__file__).parent / "data"
QUESTIONNAIRE_FILES = sorted((ROOT / "questionnaires").glob("*.yaml"))  # oldest version first
QUESTIONNAIRE_FILE = QUESTIONNAIRE_FILES[-1]  # the newest version, which new assessments use
BACKENDS = ["sqlite", *(["postgresql"] if os.environ.get("ASSESS_TEST_DATABASE_URL") else [])]
SYSTEM = system("test")  # sets up test data as the command line would


def officer(code: str) -> Principal:
    """A municipal officer of the gemeente, for use cases that need no user row."""
    return Principal(
        user_id=None,
        email=f"medewerker@{code}.test",
        role=Role.MEDEWERKER,
        municipality_code=code,
        source="test",
    )


def shipped_questionnaires() -> list[Questionnaire]:
    """Every shipped version, oldest first, each checked against the ones before it."""
    parsed: list[Questionnaire] = []
    for path in QUESTIONNAIRE_FILES:
        parsed.append(parse_questionnaire(path.read_text(encoding="utf-8"), parsed))
    return parsed


@pytest.fixture(scope="session")
def questionnaires_shipped() -> list[Questionnaire]:
    return shipped_questionnaires()


@pytest.fixture(scope="session")
def questionnaire(questionnaires_shipped: list[Questionnaire]) -> Questionnaire:
    """The newest version: the one new assessments are made on."""
    return questionnaires_shipped[-1]


@pytest.fixture(scope="session")
def mini() -> Questionnaire:
    return parse_questionnaire((DATA / "mini.yaml").read_text(encoding="utf-8"))


def _postgres_engine() -> Iterator[Engine]:
    """A private schema on the test server, dropped afterwards."""
    schema = f"assess_test_{uuid.uuid4().hex[:10]}"
    url = os.environ["ASSESS_TEST_DATABASE_URL"]
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def _real_sqlite_transactions(engine: Engine) -> None:
    """Let SQLAlchemy emit BEGIN itself, so savepoints nest inside each test's transaction.

    pysqlite would otherwise start no transaction before the first SAVEPOINT, and releasing
    that savepoint would commit (see SQLAlchemy's pysqlite notes on savepoints).
    """

    @event.listens_for(engine, "connect")
    def _no_driver_begin(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN")


@pytest.fixture(scope="session", params=BACKENDS)
def engine(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """A migrated database holding the register and the questionnaire."""
    if request.param == "postgresql":
        engines = _postgres_engine()
        engine = next(engines)
    else:
        engines = None
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}")
        _real_sqlite_transactions(engine)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        register.load(session, SYSTEM, parse_register(REGISTER_2025.read_text()), date(2025, 1, 1))
        for version in shipped_questionnaires():
            questionnaires.store(session, SYSTEM, version)
    yield engine
    if engines is not None:
        engines.close()
    else:
        engine.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture
def factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions that commit into savepoints of the test's transaction."""
    return sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
def session(factory: sessionmaker[Session]) -> Iterator[Session]:
    with factory() as s:
        yield s


@pytest.fixture
def app(engine: Engine, factory: sessionmaker[Session]):
    """The real app, its requests running inside the test's transaction."""
    from assess.app import create_app
    from assess.config import Settings

    application = create_app(
        Settings(
            database_url=engine.url.render_as_string(hide_password=False),
            secret_key="t" * 32,
            secure_cookies=False,  # the test client speaks plain http
        )
    )
    application.state.session_factory = factory
    return application


@pytest.fixture
def client(app):
    from litestar.testing import TestClient

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


OWN, OTHER = "GM0193", "GM0150"  # Zwolle and Deventer


@pytest.fixture
def tokens(factory: sessionmaker[Session]) -> dict[str, str]:
    """API tokens per kind of user: own and other gemeente's officer, analyst, administrator."""
    users = {
        "medewerker": ("m@zwolle.nl", "medewerker", OWN),
        "ander": ("m@deventer.nl", "medewerker", OTHER),
        "analist": ("a@vng.nl", "analist", None),
        "beheerder": ("b@vng.nl", "beheerder", None),
    }
    with factory() as s, s.begin():
        for email, role, code in users.values():
            accounts.add_user(s, SYSTEM, email, role, "kraanvogel-lantaarn-7", code)
        return {
            name: api_tokens.create(s, SYSTEM, owner_email=email)
            for name, (email, _role, _code) in users.items()
        }


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def submit_quickly(
    session: Session,
    questionnaire: Questionnaire,
    year: int,
    answers_of: dict[str, str | dict[str, str]],
    sharing: str = "geanonimiseerd",
) -> dict[str, uuid.UUID]:
    """Submitted assessments in bulk: per gemeentecode one answer code for every question, or
    a code per question id. Through the real start and submit; the answers go in one insert."""
    made = {}
    for code, given in answers_of.items():
        item = answering.start(session, SYSTEM, code, year)
        session.execute(delete(AnswerRow).where(AnswerRow.assessment_id == item.id))
        session.execute(
            insert(AnswerRow),
            [
                {
                    "assessment_id": item.id,
                    "question_id": q.id,
                    "code": given if isinstance(given, str) else given[q.id],
                    "explanation": "test" if given == "nvt" else "",
                }
                for q in questionnaire.questions()
                if isinstance(given, str) or q.id in given
            ],
        )
        session.expire_all()
        answering.submit(session, SYSTEM, item.id, Sharing(sharing))
        made[code] = item.id
    return made
