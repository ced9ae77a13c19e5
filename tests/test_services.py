"""Use cases on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from assess.db.models import Answer as AnswerRow
from assess.db.models import AnswerChange, ApiToken, Assessment, AuditEvent
from assess.db.session import make_engine, session_factory, transaction
from assess.errors import Conflict, InvalidInput, NotFound, StaleVersion
from assess.framework.answers import Answer
from assess.services import accounts, answering, assessments, questionnaires, tokens

from conftest import SYSTEM, officer

ZWOLLE = officer("GM0193")


def fill(session, item, questionnaire, code="2"):
    """Answer every question; returns the assessment as it is afterwards."""
    for q in questionnaire.questions():
        item = answering.save_answer(session, ZWOLLE, item.id, q.id, Answer(code))
    return item


def test_create_assessment_uses_latest_questionnaire(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    assert (item.status, item.version, item.year) == ("concept", 1, 2026)
    assert item.questionnaire.versie == questionnaire.versie
    assert item.sharing == "geanonimiseerd"


def test_one_assessment_per_gemeente_and_year(session):
    answering.start(session, ZWOLLE, "GM0193", 2026)
    with pytest.raises(Conflict):
        answering.start(session, ZWOLLE, "GM0193", 2026)


@pytest.mark.parametrize(
    ("code", "year", "error"),
    [
        ("GM9998", 2026, NotFound),
        ("GM0193", 2017, InvalidInput),
        ("GM0193", 2099, InvalidInput),
    ],
)
def test_create_assessment_rejects_bad_input(session, code, year, error):
    with pytest.raises(error):
        answering.start(session, officer(code), code, year)


def test_save_answer_keeps_history_and_bumps_version(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    first = questionnaire.questions()[0].id
    answering.save_answer(
        session, ZWOLLE, item.id, first, Answer("1", explanation="in voorbereiding")
    )
    item = answering.save_answer(session, ZWOLLE, item.id, first, Answer("2"), expected_version=2)
    assert item.version == 3
    changes = session.scalars(select(AnswerChange).filter_by(assessment_id=item.id)).all()
    assert [(c.old and c.old["code"], c.new["code"]) for c in changes] == [(None, "1"), ("1", "2")]
    assert changes[1].old["explanation"] == "in voorbereiding"
    assert (
        session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="answer.save"))
        == 2
    )


def test_stale_version_is_refused_with_the_current_answer(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    first = questionnaire.questions()[0].id
    answering.save_answer(session, ZWOLLE, item.id, first, Answer("1"))
    with pytest.raises(StaleVersion) as caught:
        answering.save_answer(session, ZWOLLE, item.id, first, Answer("3"), expected_version=1)
    assert caught.value.current == Answer("1")
    assert assessments.get(session, ZWOLLE, item.id).answer_values()[first] == Answer("1")


@pytest.mark.parametrize(
    ("question", "answer", "field"),
    [
        ("A1", Answer("5"), "antwoord"),
        ("A1", Answer("nvt"), None),
    ],
)
def test_invalid_answers_write_nothing(session, question, answer, field):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    with pytest.raises(InvalidInput) as caught:
        answering.save_answer(session, ZWOLLE, item.id, question, answer)
    if field:
        assert field in caught.value.invalid_params
    item = assessments.get(session, ZWOLLE, item.id)
    assert item.answers == {} and item.version == 1


def test_unknown_question_and_assessment_are_not_found(session):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    with pytest.raises(NotFound):
        answering.save_answer(session, ZWOLLE, item.id, "Z9", Answer("1"))
    with pytest.raises(NotFound):
        assessments.get(session, SYSTEM, "not-a-uuid")


def test_submit_needs_every_question_then_freezes(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    answering.save_answer(session, ZWOLLE, item.id, "A1", Answer("2"))
    with pytest.raises(Conflict) as caught:
        answering.submit(session, ZWOLLE, item.id)
    assert "Beantwoord alle vragen" in caught.value.detail
    fill(session, item, questionnaire)
    item = answering.submit(session, ZWOLLE, item.id)
    assert item.status == "ingediend" and item.submitted_at is not None
    with pytest.raises(Conflict):
        answering.save_answer(session, ZWOLLE, item.id, "A1", Answer("3"))
    with pytest.raises(Conflict):
        answering.submit(session, ZWOLLE, item.id)


def test_gap_analysis_of_a_stored_assessment(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    fill(session, item, questionnaire, "2")
    answering.save_answer(session, ZWOLLE, item.id, "B1", Answer("0"))
    answering.save_answer(session, ZWOLLE, item.id, "C1", Answer("onbekend"))
    analysis = assessments.get(session, ZWOLLE, item.id).analysis()
    assert {g.question_id for g in analysis.gaps} == {"B1"}
    assert [u.question_id for u in analysis.unknowns] == ["C1"]
    assert analysis.open_questions == []
    assert (
        analysis.gaps[0].recommendation
        == questionnaire.question(analysis.gaps[0].question_id).aanbevelingen[0]
    )


def test_concurrent_saves_lose_no_acknowledged_write(engine):
    """Two sessions read version 1; the later writer gets StaleVersion, no silent overwrite."""
    # A plain engine as the app makes it (the test engine's SQLite transaction mode differs).
    sqlite = engine.dialect.name == "sqlite"
    plain = make_engine(engine.url.render_as_string(hide_password=False)) if sqlite else engine
    factory = session_factory(plain)
    who = officer("GM0014")
    with transaction(factory) as s:
        item_id = answering.start(s, who, "GM0014", 2024).id
    try:
        with factory() as first, factory() as second:
            # Views hold no ORM rows: keep each session's row referenced, so that the identity
            # map keeps the version each session read (it holds objects only while referenced).
            rows = [assessments.readable_row(s, who, item_id) for s in (first, second)]
            loaded = [assessments.get(s, who, item_id) for s in (first, second)]
            assert [item.version for item in loaded] == [1, 1]
            answering.save_answer(first, who, item_id, "A1", Answer("1"))
            first.commit()
            with pytest.raises(StaleVersion):
                answering.save_answer(second, who, item_id, "A1", Answer("3"))
            second.rollback()
            del rows
        with factory() as s:
            assert assessments.get(s, who, item_id).answer_values()["A1"] == Answer("1")
    finally:
        with transaction(factory) as s:
            for model in (AnswerChange, AnswerRow, Assessment):
                s.execute(delete(model).where(_assessment_column(model) == item_id))
            s.execute(delete(AuditEvent).where(AuditEvent.object_id == str(item_id)))


def _assessment_column(model):
    return model.id if model is Assessment else model.assessment_id


def test_questionnaire_version_cannot_change_silently(session, questionnaire):
    assert questionnaires.store(session, SYSTEM, questionnaire) is False
    changed = type(questionnaire)(
        **{
            **{f: getattr(questionnaire, f) for f in questionnaire.__struct_fields__},
            "titel": "Anders",
        }
    )
    with pytest.raises(Conflict):
        questionnaires.store(session, SYSTEM, changed)


def test_users_and_tokens(session):
    user = accounts.add_user(
        session, SYSTEM, "Anna@Gemeente.nl", "medewerker", "lang-genoeg-1", "GM0193"
    )
    password_hash = accounts.user_row(session, SYSTEM, user.email).password_hash
    assert user.email == "anna@gemeente.nl" and password_hash.startswith("$argon2")
    token = tokens.create(session, SYSTEM, "koppeling", owner_email=user.email)
    assert token.startswith("zsm_") and token not in str(
        [t.token_hash for t in session.scalars(select(ApiToken))]
    )
    with pytest.raises(Conflict):
        accounts.add_user(
            session, SYSTEM, "anna@gemeente.nl", "medewerker", "lang-genoeg-1", "GM0193"
        )
    with pytest.raises(InvalidInput) as caught:
        accounts.add_user(session, SYSTEM, "geen-adres", "koning", "kort")
    assert set(caught.value.invalid_params) == {"email", "rol", "wachtwoord"}


def test_new_year_is_prefilled_from_last_year_until_confirmed(session, questionnaire):
    last = answering.start(session, ZWOLLE, "GM0193", 2025)
    fill(session, last, questionnaire, "1")
    answering.save_answer(session, ZWOLLE, last.id, "A1", Answer("2", explanation="Plan 2025"))
    answering.submit(session, ZWOLLE, last.id)
    new = answering.start(session, ZWOLLE, "GM0193", 2026)
    assert len(new.answers) == len(questionnaire.questions())
    a1 = new.answers["A1"]
    assert (a1.code, a1.explanation, a1.prefilled) == ("2", "Plan 2025", True)
    with pytest.raises(Conflict) as caught:
        answering.submit(session, ZWOLLE, new.id)
    assert "overgenomen" in caught.value.detail
    new = fill(session, new, questionnaire, "2")  # confirming = saving again
    assert not any(row.prefilled for row in new.answers.values())
    new = answering.submit(session, ZWOLLE, new.id)
    assert new.status == "ingediend"


def sign_in(session, email, password, source):
    """As the sign-in page does it: a failure is counted apart from `authenticate`."""
    principal = accounts.authenticate(session, email, password, source)
    if principal is None:
        accounts.count_login_failure(session, email, source)
    return principal


def test_login_is_rate_limited_and_never_says_whether_an_email_exists(session):
    accounts.add_user(session, SYSTEM, "l@zwolle.nl", "medewerker", "goed-wachtwoord", "GM0193")
    assert sign_in(session, "L@Zwolle.nl", "goed-wachtwoord", "1.2.3.4")
    assert sign_in(session, "l@zwolle.nl", "fout", "1.2.3.4") is None
    assert sign_in(session, "niemand@x.nl", "fout", "1.2.3.4") is None
    for _ in range(accounts.LOGIN_MAX_FAILURES - 1):
        sign_in(session, "l@zwolle.nl", "fout", "1.2.3.4")
    assert accounts.login_blocked(session, "l@zwolle.nl", "1.2.3.4")
    assert sign_in(session, "l@zwolle.nl", "goed-wachtwoord", "1.2.3.4") is None
    assert sign_in(session, "l@zwolle.nl", "goed-wachtwoord", "5.6.7.8")
