"""The second factor: one-time codes from an app (TOTP) and recovery codes, required for a
beheerder and optional for everyone else; through the service and through the pages."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from sqlalchemy import func, select
from test_pages import PASSWORD, csrf, html, post
from test_pages import login as password_step

from assess import security
from assess.access import Role
from assess.db.models import AuditEvent, User
from assess.errors import Conflict, InvalidInput
from assess.framework.throttle import PER_ACCOUNT
from assess.services import accounts, login, second_factor

from conftest import OWN, SYSTEM

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
NOW = datetime(2026, 11, 30, 12, 0, 0, tzinfo=UTC)


def code_at(secret: str, at: datetime) -> str:
    return pyotp.TOTP(secret).at(at)


def next_code(secret: str) -> str:
    """The code of the coming 30 seconds: still accepted, and unused even if `now()` was."""
    return pyotp.TOTP(secret).at(time.time() + 30)


# --- the codes themselves (pure) ------------------------------------------------------------


def test_a_code_is_accepted_within_one_step_and_only_once():
    step = security.totp_step(SECRET, code_at(SECRET, NOW), NOW, after=0)
    assert step == pyotp.TOTP(SECRET).timecode(NOW)
    late = NOW + timedelta(seconds=30)
    assert security.totp_step(SECRET, code_at(SECRET, NOW), late, after=0) == step
    assert security.totp_step(SECRET, code_at(SECRET, NOW), NOW + timedelta(minutes=2), 0) is None
    assert security.totp_step(SECRET, code_at(SECRET, NOW), NOW, after=step) is None  # replay
    spaced = code_at(SECRET, NOW)[:3] + " " + code_at(SECRET, NOW)[3:]
    assert security.totp_step(SECRET, spaced, NOW, after=0) == step
    assert security.totp_step(SECRET, "000000x", NOW, after=0) is None


def test_recovery_codes_are_random_and_typed_in_any_case_or_spacing():
    codes = {security.new_recovery_code() for _n in range(50)}
    assert len(codes) == 50
    code = codes.pop()
    assert len(code) == 11 and code[5] == "-"
    assert security.recovery_code_hash(code.upper().replace("-", " ")) == (
        security.recovery_code_hash(code)
    )


# --- the service ----------------------------------------------------------------------------


@pytest.fixture
def anna(session):
    created = accounts.add_user(session, SYSTEM, "anna@zwolle.nl", "medewerker", PASSWORD, OWN)
    return accounts.active_principal(session, created.id)


def user_of(session, who) -> User:
    return session.get(User, who.user_id)


def test_a_wrong_first_code_turns_nothing_on(session, anna):
    with pytest.raises(InvalidInput) as refused:
        second_factor.enable(session, anna, SECRET, "123456")
    assert "code" in refused.value.invalid_params
    assert second_factor.state(session, anna) == second_factor.State(False, False, 0)


def test_on_with_ten_single_use_recovery_codes(session, anna):
    codes = second_factor.enable(session, anna, SECRET, pyotp.TOTP(SECRET).now())
    assert len(codes) == second_factor.RECOVERY_CODES == len(set(codes))
    assert second_factor.state(session, anna).enabled
    user = user_of(session, anna)
    assert second_factor.verify(session, user, codes[3])
    assert not second_factor.verify(session, user, codes[3])  # used up
    assert second_factor.state(session, anna).recovery_codes_left == 9
    assert not second_factor.verify(session, user, pyotp.TOTP(SECRET).now())  # used to enable
    assert second_factor.verify(session, user, next_code(SECRET))
    with pytest.raises(Conflict):
        second_factor.enable(session, anna, SECRET, next_code(SECRET))


def test_new_recovery_codes_replace_the_old_ones(session, anna):
    old = second_factor.enable(session, anna, SECRET, pyotp.TOTP(SECRET).now())
    new = second_factor.renew_recovery_codes(session, anna, next_code(SECRET))
    user = user_of(session, anna)
    assert not second_factor.verify(session, user, old[0])
    assert second_factor.verify(session, user, new[0])


def test_off_needs_a_code_and_a_beheerder_cannot_turn_it_off(session, anna):
    second_factor.enable(session, anna, SECRET, pyotp.TOTP(SECRET).now())
    with pytest.raises(InvalidInput):
        second_factor.disable(session, anna, "000000")
    second_factor.disable(session, anna, next_code(SECRET))
    assert second_factor.state(session, anna) == second_factor.State(False, False, 0)

    boss = accounts.add_user(session, SYSTEM, "baas@vng.nl", "beheerder", PASSWORD)
    baas = accounts.active_principal(session, boss.id)
    second_factor.enable(session, baas, SECRET, pyotp.TOTP(SECRET).now())
    with pytest.raises(Conflict):
        second_factor.disable(session, baas, next_code(SECRET))
    assert second_factor.state(session, baas) == second_factor.State(True, True, 10)


def test_the_password_step_says_what_comes_next(session, anna):
    boss = accounts.add_user(session, SYSTEM, "baas@vng.nl", "beheerder", PASSWORD)
    _who, step = login.authenticate(session, "baas@vng.nl", PASSWORD, "10.0.0.1")
    assert step == login.NextStep.ENROL
    _who, step = login.authenticate(session, "anna@zwolle.nl", PASSWORD, "10.0.0.1")
    assert step == login.NextStep.DONE
    second_factor.enable(session, anna, SECRET, pyotp.TOTP(SECRET).now())
    _who, step = login.authenticate(session, "anna@zwolle.nl", PASSWORD, "10.0.0.1")
    assert step == login.NextStep.CODE
    assert second_factor.required(Role.BEHEERDER) and not second_factor.required(Role.ANALIST)
    second_factor.reset(session, SYSTEM, "anna@zwolle.nl")
    assert not second_factor.state(session, anna).enabled
    assert boss.role == Role.BEHEERDER


# --- the pages ------------------------------------------------------------------------------


@pytest.fixture
def officer(factory):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)


def secret_on(page) -> str:
    return page.select_one(".totp-secret").text.replace(" ", "")


def enrol_on_account_page(client) -> tuple[str, list[str]]:
    page = html(client.get("/account/tweestaps"))
    assert page.select_one(".qr-code svg") is not None
    secret = secret_on(page)
    shown = post(client, "/account/tweestaps", {"code": pyotp.TOTP(secret).now()})
    assert shown.status_code == 200, shown.text
    return secret, [c.text for c in html(shown).select(".recovery-codes code")]


def send_code(client, code):
    return client.post(
        "/inloggen/code",
        data={"code": code, "_csrf_token": csrf(client, "/inloggen/code")},
        follow_redirects=False,
    )


def logins(factory, email) -> int:
    with factory() as s:
        query = select(func.count()).where(
            AuditEvent.action == "user.login", AuditEvent.object_id == _user_id(s, email)
        )
        return s.scalar(query)


def _user_id(s, email) -> str:
    return str(s.scalar(select(User.id).filter_by(email=email)))


def test_an_officer_turns_it_on_and_then_signs_in_with_a_code(client, factory, officer):
    assert password_step(client, "m@zwolle.nl").status_code == 303
    client.get("/account/tweestaps")
    wrong = post(client, "/account/tweestaps", {"code": "123456"})
    assert wrong.status_code == 400
    assert "klopt niet" in html(wrong).select_one("#code-fout").text
    secret, codes = enrol_on_account_page(client)
    assert len(codes) == 10
    account = html(client.get("/account"))
    assert "nog 10 ongebruikte herstelcodes" in account.select_one("#tweestaps + p").text

    post(client, "/uitloggen", {})
    before = logins(factory, "m@zwolle.nl")
    halfway = password_step(client, "m@zwolle.nl")
    assert halfway.headers["location"] == "/inloggen/code"
    assert client.get("/start", follow_redirects=False).status_code in (302, 303)
    assert logins(factory, "m@zwolle.nl") == before  # the password alone is no sign-in
    assert send_code(client, next_code(secret)).headers["location"] == "/inloggen"  # and ends
    password_step(client, "m@zwolle.nl")

    refused = send_code(client, "000000")
    assert refused.status_code == 400, refused.headers
    assert html(refused).title.text.startswith("Fout:")
    done = send_code(client, next_code(secret))
    assert done.status_code == 303 and done.headers["location"] == "/start"
    assert client.get("/start").status_code == 200
    assert logins(factory, "m@zwolle.nl") == before + 1

    post(client, "/uitloggen", {})
    password_step(client, "m@zwolle.nl")
    assert send_code(client, codes[0].upper()).status_code == 303  # a recovery code, once
    post(client, "/uitloggen", {})
    password_step(client, "m@zwolle.nl")
    assert send_code(client, codes[0]).status_code == 400


def test_guessing_codes_is_throttled_like_passwords(client, officer):
    password_step(client, "m@zwolle.nl")
    enrol_on_account_page(client)
    post(client, "/uitloggen", {})
    password_step(client, "m@zwolle.nl")
    for _n in range(PER_ACCOUNT.failures):
        assert send_code(client, "000000").status_code == 400
    blocked = send_code(client, "000000")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


def test_the_code_page_without_a_password_sends_back_to_sign_in(client, officer):
    response = client.get("/inloggen/code", follow_redirects=False)
    assert response.headers["location"] == "/inloggen"
    assert send_code(client, "123456").headers["location"] == "/inloggen"


def test_a_beheerder_sets_it_up_before_anything_else(client, factory):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "b@vng.nl", "beheerder", PASSWORD)
    halfway = password_step(client, "b@vng.nl")
    assert halfway.headers["location"] == "/inloggen/instellen"
    page = html(client.get("/inloggen/instellen"))
    assert "verplicht" in page.select_one("main").text
    secret = secret_on(page)
    assert secret_on(html(client.get("/inloggen/instellen"))) == secret  # same until confirmed
    token = csrf(client, "/inloggen/instellen")
    wrong = client.post("/inloggen/instellen", data={"code": "1", "_csrf_token": token})
    assert wrong.status_code == 400 and html(wrong).select_one("#code-fout")
    codes = client.post(
        "/inloggen/instellen", data={"code": pyotp.TOTP(secret).now(), "_csrf_token": token}
    )
    assert len(html(codes).select(".recovery-codes code")) == 10
    assert html(codes).select_one("a[href='/start']")
    account = html(client.get("/account"))
    assert "verplicht" in account.select_one("#tweestaps-verplicht").text
    assert account.select_one("form[action='/account/tweestaps/uit']") is None
    assert logins(factory, "b@vng.nl") == 1
