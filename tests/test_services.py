"""Use cases on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select

from assess import services
from assess.db.models import Answer as AnswerRow
from assess.db.models import AnswerChange, ApiToken, Assessment, AuditEvent
from assess.db.session import make_engine, session_factory, transaction
from assess.errors import Conflict, InvalidInput, NotFound, StaleVersion
from assess.framework.answers import Answer


def fill(session, item, questionnaire, code="2"):
    for q in questionnaire.questions():
        services.save_answer(session, item.id, q.id, Answer(code))


def test_create_assessment_uses_latest_questionnaire(session, questionnaire):
    item = services.create_assessment(session, "GM0193", 2026)
    assert (item.status, item.version, item.year) == ("concept", 1, 2026)
    assert item.questionnaire_version.version == questionnaire.versie
    assert item.sharing == "geanonimiseerd"


def test_one_assessment_per_gemeente_and_year(session):
    services.create_assessment(session, "GM0193", 2026)
    with pytest.raises(Conflict):
        services.create_assessment(session, "GM0193", 2026)


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
        services.create_assessment(session, code, year)


def test_save_answer_keeps_history_and_bumps_version(session, questionnaire):
    item = services.create_assessment(session, "GM0193", 2026)
    first = questionnaire.questions()[0].id
    services.save_answer(session, item.id, first, Answer("1", explanation="in voorbereiding"))
    services.save_answer(session, item.id, first, Answer("2"), expected_version=2)
    assert item.version == 3
    changes = session.scalars(select(AnswerChange).filter_by(assessment_id=item.id)).all()
    assert [(c.old and c.old["code"], c.new["code"]) for c in changes] == [(None, "1"), ("1", "2")]
    assert changes[1].old["explanation"] == "in voorbereiding"
    assert (
        session.scalar(select(func.count()).select_from(AuditEvent).filter_by(action="answer.save"))
        == 2
    )


def test_stale_version_is_refused_with_the_current_answer(session, questionnaire):
    item = services.create_assessment(session, "GM0193", 2026)
    first = questionnaire.questions()[0].id
    services.save_answer(session, item.id, first, Answer("1"))
    with pytest.raises(StaleVersion) as caught:
        services.save_answer(session, item.id, first, Answer("3"), expected_version=1)
    assert caught.value.current == Answer("1")
    assert services.answers_of(item)[first] == Answer("1")


@pytest.mark.parametrize(
    ("question", "answer", "field"),
    [
        ("A1", Answer("5"), "antwoord"),
        ("A1", Answer("nvt"), None),
    ],
)
def test_invalid_answers_write_nothing(session, question, answer, field):
    item = services.create_assessment(session, "GM0193", 2026)
    with pytest.raises(InvalidInput) as caught:
        services.save_answer(session, item.id, question, answer)
    if field:
        assert field in caught.value.invalid_params
    assert item.answers == [] and item.version == 1


def test_unknown_question_and_assessment_are_not_found(session):
    item = services.create_assessment(session, "GM0193", 2026)
    with pytest.raises(NotFound):
        services.save_answer(session, item.id, "Z9", Answer("1"))
    with pytest.raises(NotFound):
        services.assessment(session, "not-a-uuid")


def test_submit_needs_every_question_then_freezes(session, questionnaire):
    item = services.create_assessment(session, "GM0193", 2026)
    services.save_answer(session, item.id, "A1", Answer("2"))
    with pytest.raises(Conflict) as caught:
        services.submit(session, item.id)
    assert "Beantwoord alle vragen" in caught.value.detail
    fill(session, item, questionnaire)
    services.submit(session, item.id)
    assert item.status == "ingediend" and item.submitted_at is not None
    with pytest.raises(Conflict):
        services.save_answer(session, item.id, "A1", Answer("3"))
    with pytest.raises(Conflict):
        services.submit(session, item.id)


def test_gap_analysis_of_a_stored_assessment(session, questionnaire):
    item = services.create_assessment(session, "GM0193", 2026)
    fill(session, item, questionnaire, "2")
    services.save_answer(session, item.id, "B1", Answer("0"))
    services.save_answer(session, item.id, "C1", Answer("onbekend"))
    analysis = services.gap_analysis(session, item.id)
    assert {g.question_id for g in analysis.gaps} == {"B1", "C1"}
    assert [g.question_id for g in analysis.insight_gaps] == ["C1"]
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
    with transaction(factory) as s:
        item_id = services.create_assessment(s, "GM0014", 2024).id
    try:
        with factory() as first, factory() as second:
            # keep both loaded: the identity map holds objects only while they are referenced
            loaded = services.assessment(first, item_id), services.assessment(second, item_id)
            assert [item.version for item in loaded] == [1, 1]
            services.save_answer(first, item_id, "A1", Answer("1"))
            first.commit()
            with pytest.raises(StaleVersion):
                services.save_answer(second, item_id, "A1", Answer("3"))
            second.rollback()
        with factory() as s:
            assert services.answers_of(services.assessment(s, item_id))["A1"] == Answer("1")
    finally:
        with transaction(factory) as s:
            for model in (AnswerChange, AnswerRow, Assessment):
                s.execute(delete(model).where(_assessment_column(model) == item_id))


def _assessment_column(model):
    return model.id if model is Assessment else model.assessment_id


def test_questionnaire_version_cannot_change_silently(session, questionnaire):
    assert services.store_questionnaire(session, questionnaire) is False
    changed = type(questionnaire)(
        **{
            **{f: getattr(questionnaire, f) for f in questionnaire.__struct_fields__},
            "titel": "Anders",
        }
    )
    with pytest.raises(Conflict):
        services.store_questionnaire(session, changed)


def test_users_and_tokens(session):
    user = services.add_user(session, "Anna@Gemeente.nl", "medewerker", "lang-genoeg-1", "GM0193")
    assert user.email == "anna@gemeente.nl" and user.password_hash.startswith("$argon2")
    token = services.create_token(session, user, "koppeling")
    assert token.startswith("zsm_") and token not in str(
        [t.token_hash for t in session.scalars(select(ApiToken))]
    )
    with pytest.raises(Conflict):
        services.add_user(session, "anna@gemeente.nl", "medewerker", "lang-genoeg-1", "GM0193")
    with pytest.raises(InvalidInput) as caught:
        services.add_user(session, "geen-adres", "koning", "kort")
    assert set(caught.value.invalid_params) == {"email", "rol", "wachtwoord"}


def test_new_year_is_prefilled_from_last_year_until_confirmed(session, questionnaire):
    last = services.create_assessment(session, "GM0193", 2025)
    fill(session, last, questionnaire, "1")
    services.save_answer(session, last.id, "A1", Answer("2", explanation="Plan 2025"))
    services.submit(session, last.id)
    new = services.create_assessment(session, "GM0193", 2026)
    assert len(new.answers) == len(questionnaire.questions())
    a1 = next(row for row in new.answers if row.question_id == "A1")
    assert (a1.code, a1.explanation, a1.prefilled) == ("2", "Plan 2025", True)
    with pytest.raises(Conflict) as caught:
        services.submit(session, new.id)
    assert "overgenomen" in caught.value.detail
    fill(session, new, questionnaire, "2")  # confirming = saving again
    assert not any(row.prefilled for row in new.answers)
    services.submit(session, new.id)
    assert new.status == "ingediend"


def test_login_is_rate_limited_and_never_says_whether_an_email_exists(session):
    services.add_user(session, "l@zwolle.nl", "medewerker", "goed-wachtwoord", "GM0193")
    assert services.authenticate(session, "L@Zwolle.nl", "goed-wachtwoord", "1.2.3.4")
    assert services.authenticate(session, "l@zwolle.nl", "fout", "1.2.3.4") is None
    assert services.authenticate(session, "niemand@x.nl", "fout", "1.2.3.4") is None
    for _ in range(services.LOGIN_MAX_FAILURES - 1):
        services.authenticate(session, "l@zwolle.nl", "fout", "1.2.3.4")
    assert services.login_blocked(session, "l@zwolle.nl", "1.2.3.4")
    assert services.authenticate(session, "l@zwolle.nl", "goed-wachtwoord", "1.2.3.4") is None
    assert services.authenticate(session, "l@zwolle.nl", "goed-wachtwoord", "5.6.7.8")
