"""Use cases on a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from assess.db.models import ApiToken
from assess.errors import Conflict, InvalidInput, NotFound
from assess.framework.answers import Answer
from assess.services import accounts, answering, answers, assessments, questionnaires, tokens

from conftest import SYSTEM, officer

ZWOLLE = officer("GM0193")


def fill(session, item, questionnaire, code="2"):
    """Answer every question; returns the assessment as it is afterwards."""
    for q in questionnaire.questions():
        answers.save(session, ZWOLLE, item.id, q.id, Answer(code))
    return assessments.get(session, ZWOLLE, item.id)


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
        answers.save(session, ZWOLLE, item.id, question, answer)
    if field:
        assert field in caught.value.invalid_params
    item = assessments.get(session, ZWOLLE, item.id)
    assert item.answers == {} and item.version == 1


def test_unknown_question_and_assessment_are_not_found(session):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    with pytest.raises(NotFound):
        answers.save(session, ZWOLLE, item.id, "Z9", Answer("1"))
    with pytest.raises(NotFound):
        assessments.get(session, SYSTEM, "not-a-uuid")


def test_submit_needs_every_question_then_freezes(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    answers.save(session, ZWOLLE, item.id, "A1", Answer("2"))
    with pytest.raises(Conflict) as caught:
        answering.submit(session, ZWOLLE, item.id)
    assert "Beantwoord alle vragen" in caught.value.detail
    fill(session, item, questionnaire)
    item = answering.submit(session, ZWOLLE, item.id)
    assert item.status == "ingediend" and item.submitted_at is not None
    with pytest.raises(Conflict):
        answers.save(session, ZWOLLE, item.id, "A1", Answer("3"))
    with pytest.raises(Conflict):
        answering.submit(session, ZWOLLE, item.id)


def test_gap_analysis_of_a_stored_assessment(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    fill(session, item, questionnaire, "2")
    answers.save(session, ZWOLLE, item.id, "B1", Answer("0"))
    answers.save(session, ZWOLLE, item.id, "C1", Answer("onbekend"))
    analysis = assessments.get(session, ZWOLLE, item.id).analysis()
    assert {g.question_id for g in analysis.gaps} == {"B1"}
    assert [u.question_id for u in analysis.unknowns] == ["C1"]
    assert analysis.open_questions == []
    assert (
        analysis.gaps[0].recommendation
        == questionnaire.question(analysis.gaps[0].question_id).aanbevelingen[0]
    )


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
    answers.save(session, ZWOLLE, last.id, "A1", Answer("2", explanation="Plan 2025"))
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


def test_last_years_answers_count_only_once_confirmed(session, questionnaire):
    last = answering.start(session, ZWOLLE, "GM0193", 2025)
    fill(session, last, questionnaire, "2")
    answering.submit(session, ZWOLLE, last.id)
    new = answering.start(session, ZWOLLE, "GM0193", 2026)
    assert new.analysis().scores.total.answered == 0  # all prefilled, none confirmed
    answers.save(session, ZWOLLE, new.id, "A1", Answer("2"))
    new = assessments.get(session, ZWOLLE, new.id)
    assert new.analysis().scores.total.answered == 1 == new.progress().answered
