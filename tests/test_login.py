"""Signing in through the service: throttled per account, per address and overall, the same
work whether or not the e-mail exists, and failure records that do not pile up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from assess import security
from assess.db.models import LoginFailure, utcnow
from assess.framework.throttle import OVERALL, PER_ACCOUNT, PER_ADDRESS
from assess.services import accounts, login

from conftest import OWN, SYSTEM

PASSWORD = "kraanvogel-lantaarn-7"


@pytest.fixture
def anna(session):
    accounts.add_user(session, SYSTEM, "anna@zwolle.nl", "medewerker", PASSWORD, OWN)
    return "anna@zwolle.nl"


def attempt(session, email, password, source):
    """As the sign-in page does it: wait, check, count a failure."""
    if login.wait(session, email, source):
        return "wacht"
    proven = login.authenticate(session, email, password, source)
    if proven is None:
        login.count_failure(session, email, source)
        return None
    principal, step = proven
    assert step == login.NextStep.DONE  # a medewerker without a second factor
    login.finish(session, principal)
    return principal


def test_a_right_password_signs_in_and_clears_the_account_failures(session, anna):
    assert attempt(session, anna, "fout", "10.0.0.1") is None
    assert attempt(session, "Anna@Zwolle.nl", PASSWORD, "10.0.0.1").email == anna
    assert login.wait(session, anna, "10.0.0.9") == timedelta(0)


def test_an_account_is_locked_whatever_address_tries(session, anna):
    """Guessing one account's password from many addresses gets no further."""
    for n in range(PER_ACCOUNT.failures):
        attempt(session, anna, "fout", f"10.0.0.{n}")
    assert attempt(session, anna, PASSWORD, "192.168.1.1") == "wacht"
    assert attempt(session, "iemand-anders@zwolle.nl", "fout", "192.168.1.1") is None


def test_one_address_spraying_many_accounts_is_locked(session, anna):
    for n in range(PER_ADDRESS.failures):
        assert attempt(session, f"gebruiker{n}@zwolle.nl", "Welkom2026!", "10.9.9.9") is None
    assert attempt(session, anna, PASSWORD, "10.9.9.9") == "wacht"
    assert attempt(session, anna, PASSWORD, "10.9.9.10").email == anna


def test_the_whole_service_slows_down_under_a_spray_from_many_addresses(session, anna):
    for n in range(OVERALL.failures):
        login.count_failure(session, f"g{n}@x.nl", f"10.{n // 250}.{n % 250}.1")
    assert login.wait(session, anna, "172.16.0.1") == timedelta(minutes=1)


def test_an_unknown_email_costs_the_same_password_check(session, anna, monkeypatch):
    checked = []
    real = security.verify_password
    monkeypatch.setattr(
        security, "verify_password", lambda h, p: checked.append(h[:9]) or real(h, p)
    )
    assert attempt(session, anna, "fout", "10.0.0.1") is None
    assert attempt(session, "niemand@zwolle.nl", "fout", "10.0.0.1") is None
    assert checked == ["$argon2id", "$argon2id"]


def test_failure_records_older_than_a_day_are_deleted(session, anna):
    attempt(session, anna, "fout", "10.0.0.1")
    session.execute(update(LoginFailure).values(at=utcnow() - timedelta(days=2)))
    attempt(session, anna, "fout", "10.0.0.1")
    assert session.scalar(select(func.count()).select_from(LoginFailure)) == 1


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "password1234", "Welkom01Welkom", "zelfscan2026!", "kort"]
)
def test_short_or_common_passwords_are_refused(password):
    assert accounts.password_problems(password, "anna@zwolle.nl")


def test_a_passphrase_is_accepted():
    assert accounts.password_problems("tulp-fiets-regenjas", "anna@zwolle.nl") is None
