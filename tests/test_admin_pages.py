"""The beheerder's user pages: list, add, change a role, block and unblock; nobody else gets in."""

from __future__ import annotations

import time

import pyotp
import pytest
from sqlalchemy import select
from test_pages import PASSWORD, csrf, html, login

from assess.db.models import AuditEvent, Municipality, User
from assess.services import accounts, second_factor, tokens

from conftest import OWN, SYSTEM, bearer

SECRET = "ONSWG4TFORSWG4TFONSWG4TFORSWG4TF"
PAGE = "/beheer/gebruikers"


@pytest.fixture
def people(factory):
    with factory() as s, s.begin():
        boss = accounts.add_user(s, SYSTEM, "b@vng.nl", "beheerder", PASSWORD)
        earlier = pyotp.TOTP(SECRET).at(time.time() - 30)  # leaves `now()` for signing in
        second_factor.enable(s, accounts.active_principal(s, boss.id), SECRET, earlier)
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)
        accounts.add_user(s, SYSTEM, "a@vng.nl", "analist", PASSWORD)


@pytest.fixture
def beheerder(client, people):
    assert login(client, "b@vng.nl").headers["location"] == "/inloggen/code"
    token = csrf(client, "/inloggen/code")
    code = pyotp.TOTP(SECRET).now()
    done = client.post(
        "/inloggen/code", data={"code": code, "_csrf_token": token}, follow_redirects=False
    )
    assert done.headers["location"] == "/start"
    return client


def send(client, path, data, form_page=PAGE):
    """A form post with the CSRF token of the page the form is on."""
    return client.post(path, data={**data, "_csrf_token": csrf(client, form_page)})


@pytest.fixture
def officer(app):
    from litestar.testing import TestClient

    with TestClient(app, raise_server_exceptions=False) as second:
        yield second


def user_id(factory, email) -> int:
    with factory() as s:
        return s.scalar(select(User.id).filter_by(email=email))


def test_the_list_shows_every_user_with_role_place_and_second_factor(beheerder):
    page = html(beheerder.get(PAGE))
    rows = {r.th.get_text(): r.get_text(" ", strip=True) for r in page.select("tbody tr")}
    assert set(rows) == {"a@vng.nl", "b@vng.nl", "m@zwolle.nl"}
    assert "Zwolle" in rows["m@zwolle.nl"] and "actief" in rows["m@zwolle.nl"]
    assert "aan" in rows["b@vng.nl"].split() and "Blokkeren" not in rows["b@vng.nl"]
    assert page.select_one("header a[href='/beheer/gebruikers']")


def test_adding_shows_the_password_once_and_errors_beside_the_fields(beheerder, factory):
    bad = send(beheerder, PAGE, {"email": "nieuw@deventer.nl", "rol": "medewerker"})
    assert bad.status_code == 400
    form = html(bad)
    assert form.select_one("#foutoverzicht a[href='#gemeente']")
    assert form.select_one("#email")["value"] == "nieuw@deventer.nl"  # what was typed stays
    assert form.select_one("#rol option[selected]")["value"] == "medewerker"
    done = send(
        beheerder, PAGE, {"email": "nieuw@deventer.nl", "rol": "medewerker", "gemeente": "gm0150"}
    )
    assert done.status_code == 200
    password = html(done).select_one("code.new-token").get_text()
    with factory() as s:
        added = s.scalar(select(User).filter_by(email="nieuw@deventer.nl"))
        assert (added.role, added.municipality_code) == ("medewerker", "GM0150")
    assert login(beheerder, "nieuw@deventer.nl", password).headers["location"] == "/start"


def test_blocking_ends_sessions_and_tokens_at_once(beheerder, officer, factory):
    assert login(officer, "m@zwolle.nl").status_code == 303
    with factory() as s, s.begin():
        token = tokens.create(s, SYSTEM, "script", None, owner_email="m@zwolle.nl")
    assert (
        officer.get(f"/api/v1/gemeenten/{OWN}/zelfevaluaties", headers=bearer(token)).status_code
        == 200
    )
    target = user_id(factory, "m@zwolle.nl")
    blocked = send(beheerder, f"{PAGE}/{target}/blokkeren", {})
    assert "geblokkeerd" in html(blocked).select_one(f"#gebruiker-{target}").get_text()
    assert officer.get("/start", follow_redirects=False).status_code in (302, 303)
    assert (
        officer.get(f"/api/v1/gemeenten/{OWN}/zelfevaluaties", headers=bearer(token)).status_code
        == 401
    )
    assert login(officer, "m@zwolle.nl").status_code == 400
    send(beheerder, f"{PAGE}/{target}/deblokkeren", {})
    assert login(officer, "m@zwolle.nl").status_code == 303
    with factory() as s:
        actions = s.scalars(select(AuditEvent.action).where(AuditEvent.object_id == str(target)))
        assert {"user.block", "user.unblock"} <= set(actions)


def test_a_beheerder_cannot_block_themselves(beheerder, factory):
    own = user_id(factory, "b@vng.nl")
    refused = send(beheerder, f"{PAGE}/{own}/blokkeren", {})
    assert refused.status_code == 409 and "uzelf" in refused.text
    assert beheerder.get("/start").status_code == 200


def test_adding_with_an_unknown_gemeente_says_so_beside_the_field(beheerder, factory):
    typed = {"email": "n@nergens.nl", "rol": "medewerker", "gemeente": "GM9999"}
    refused = send(beheerder, PAGE, typed)
    assert refused.status_code == 400
    assert "GM9999 bestaat niet" in html(refused).select_one("#gemeente-fout").get_text()
    assert user_id(factory, "n@nergens.nl") is None


def test_changing_a_role_ends_the_users_sessions_and_is_audited(beheerder, officer, factory):
    assert login(officer, "a@vng.nl").status_code == 303
    target = user_id(factory, "a@vng.nl")
    form = html(beheerder.get(f"{PAGE}/{target}"))
    assert form.select_one("#rol option[selected]")["value"] == "analist"  # the role now
    with factory() as s:
        region = s.scalar(select(Municipality.riec).where(Municipality.code == OWN))
    done = send(
        beheerder, f"{PAGE}/{target}", {"rol": "regio", "regio": region}, f"{PAGE}/{target}"
    )
    assert done.status_code == 200
    row = html(done).select_one(f"#gebruiker-{target}").get_text(" ", strip=True)
    assert "regio" in row.split() and region in row
    assert officer.get("/start", follow_redirects=False).status_code in (302, 303)
    with factory() as s:
        changed = s.get(User, target)
        assert (changed.role, changed.region, changed.municipality_code) == ("regio", region, None)
        event = s.scalar(select(AuditEvent).filter_by(action="user.role", object_id=str(target)))
        assert event.details["van"] == "analist" and event.details["naar"] == f"regio/{region}"


def test_a_wrong_role_keeps_what_was_typed_and_changes_nothing(beheerder, factory):
    target = user_id(factory, "a@vng.nl")
    path = f"{PAGE}/{target}"
    refused = send(beheerder, path, {"rol": "medewerker", "gemeente": "gm9999"}, path)
    assert refused.status_code == 400
    form = html(refused)
    assert form.title.get_text().startswith("Fout:")
    assert form.select_one("#foutoverzicht a[href='#gemeente']")
    assert form.select_one("#gemeente")["value"] == "gm9999"
    assert form.select_one("#rol option[selected]")["value"] == "medewerker"
    with factory() as s:
        assert s.get(User, target).role == "analist"
        assert s.scalar(select(AuditEvent).filter_by(action="user.role")) is None


def test_a_beheerder_cannot_change_their_own_role(beheerder, factory):
    own = user_id(factory, "b@vng.nl")
    path = f"{PAGE}/{own}"
    refused = send(beheerder, path, {"rol": "analist"}, path)
    assert refused.status_code == 409 and "eigen rol" in refused.text
    with factory() as s:
        assert s.get(User, own).role == "beheerder"


@pytest.mark.parametrize("email", ["m@zwolle.nl", "a@vng.nl"])
def test_nobody_else_sees_the_users(client, people, email, factory):
    login(client, email)
    assert client.get(PAGE).status_code == 403
    someone = user_id(factory, "b@vng.nl")
    assert client.get(f"{PAGE}/{someone}").status_code == 403
    promoted = send(client, f"{PAGE}/{someone}", {"rol": "analist"}, form_page="/account")
    assert promoted.status_code == 403
    forged = send(client, PAGE, {"email": "x@x.nl", "rol": "beheerder"}, form_page="/account")
    assert forged.status_code == 403


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(PAGE, follow_redirects=False)
    assert response.headers["location"] == f"/inloggen?volgende={PAGE}"
