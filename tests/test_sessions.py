"""Server-side sessions: logout and a password change end them, a sign-in gets a new id,
idle and absolute timeouts, and every process of the service sees the same sessions."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from litestar.testing import TestClient
from sqlalchemy import select, update
from test_pages import PASSWORD, csrf, login, post

from assess.db.models import WebSession, utcnow
from assess.web import auth

COOKIE = "zelfscan_sessie"
NEW = "nieuw-wachtwoord-456"


@pytest.fixture
def users(factory):
    from assess.services import accounts

    from conftest import OWN, SYSTEM

    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)


def signed_in(client) -> bool:
    return client.get("/account", follow_redirects=False).status_code == 200


def rows(factory) -> list[WebSession]:
    with factory() as s:
        return list(s.scalars(select(WebSession)))


def test_a_visitor_who_never_signs_in_gets_no_session(client, factory):
    response = client.get("/inloggen")
    assert COOKIE not in response.cookies and rows(factory) == []


def test_the_cookie_holds_a_random_id_and_the_database_only_its_hash(client, users, factory):
    login(client, "m@zwolle.nl")
    session_id = client.cookies[COOKIE]
    assert len(session_id) == 64 and "zwolle" not in session_id
    assert [r.id_hash for r in rows(factory)] == [hashlib.sha256(session_id.encode()).hexdigest()]


def test_sign_in_gives_a_new_session_id(client, users, factory):
    """A planted or seen id is never the one that gets signed in (session fixation)."""
    client.cookies.set(COOKIE, "a" * 64, domain="testserver.local")
    login(client, "m@zwolle.nl")
    assert client.cookies[COOKIE] != "a" * 64 and signed_in(client)
    first = client.cookies[COOKIE]
    login(client, "m@zwolle.nl")
    assert client.cookies[COOKIE] != first and len(rows(factory)) == 1


def test_a_copied_cookie_is_worthless_after_logout(client, app, users):
    login(client, "m@zwolle.nl")
    copied = client.cookies[COOKIE]
    post(client, "/uitloggen", {}, follow_redirects=False)
    with TestClient(app) as thief:
        thief.cookies.set(COOKIE, copied, domain="testserver.local")
        assert not signed_in(thief)
        assert (
            thief.get("/start", follow_redirects=False).headers["location"].startswith("/inloggen")
        )


def test_a_password_change_ends_every_other_session(client, app, users):
    with TestClient(app) as laptop:
        login(client, "m@zwolle.nl")
        login(laptop, "m@zwolle.nl")
        changed = post(
            client,
            "/account/wachtwoord",
            {
                "huidig": PASSWORD,
                "nieuw": "nieuw-wachtwoord-456",
                "herhaling": "nieuw-wachtwoord-456",
            },
        )
        assert changed.status_code == 200 and "overal elders afgemeld" in changed.text
        assert signed_in(client)  # the session that changed it goes on
        assert not signed_in(laptop)


def test_an_idle_session_ends(client, users, factory):
    login(client, "m@zwolle.nl")
    assert signed_in(client)
    with factory() as s, s.begin():  # as if the last request was an hour ago
        s.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert not signed_in(client)


def test_a_session_ends_after_the_working_day_however_busy(client, users, monkeypatch):
    login(client, "m@zwolle.nl")
    assert signed_in(client)
    monkeypatch.setattr(auth, "ABSOLUTE_SECONDS", -1)
    assert not signed_in(client)


def test_every_process_sees_the_same_sessions(client, app, users, factory):
    """A second app (another worker or machine) on the same database knows the session."""
    from assess.app import create_app

    other = create_app(app.state.settings)
    other.state.session_factory = factory
    login(client, "m@zwolle.nl")
    with TestClient(other) as elsewhere:
        elsewhere.cookies.set(COOKIE, client.cookies[COOKIE], domain="testserver.local")
        assert signed_in(elsewhere)
        assert csrf(elsewhere, "/account")
