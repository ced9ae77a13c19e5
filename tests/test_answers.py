"""One answer at a time: its own version, and colleagues saving at once, on real connections.

The concurrent tests use an engine as the app makes it (separate connections, real commits),
on SQLite and PostgreSQL, and clean up what they made.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import delete, func, select

from assess.db.models import Answer as AnswerRow
from assess.db.models import AnswerChange, Assessment, AssessmentScore, AuditEvent
from assess.db.session import make_engine, session_factory, transaction
from assess.errors import Conflict, StaleVersion
from assess.framework.answers import Answer
from assess.framework.scoring import score
from assess.services import answering, answers, assessments

from conftest import officer

ZWOLLE = officer("GM0193")


def test_each_save_raises_the_answers_own_version_and_keeps_history(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    first, second = (q.id for q in questionnaire.questions()[:2])
    saved = answers.save(session, ZWOLLE, item.id, first, Answer("1", explanation="bezig"))
    assert saved.version == 1
    saved = answers.save(session, ZWOLLE, item.id, first, Answer("2"), expected_version=1)
    assert saved.version == 2
    assert (
        answers.save(session, ZWOLLE, item.id, second, Answer("3"), expected_version=0).version == 1
    )
    assert assessments.get(session, ZWOLLE, item.id).version == item.version  # the whole: untouched
    changes = session.scalars(
        select(AnswerChange).filter_by(assessment_id=item.id).order_by(AnswerChange.id)
    ).all()
    assert [(c.question_id, c.old and c.old["code"], c.new["code"]) for c in changes] == [
        (first, None, "1"),
        (first, "1", "2"),
        (second, None, "3"),
    ]
    assert changes[1].old["explanation"] == "bezig"
    audited = select(func.count()).select_from(AuditEvent).filter_by(action="answer.save")
    assert session.scalar(audited.filter_by(object_id=str(item.id))) == 3
    assert answers.get(session, ZWOLLE, item.id, first).code == "2"


def test_a_stale_version_is_refused_with_the_current_answer(session, questionnaire):
    item = answering.start(session, ZWOLLE, "GM0193", 2026)
    first = questionnaire.questions()[0].id
    answers.save(session, ZWOLLE, item.id, first, Answer("1"))
    for stale in (0, 2):
        with pytest.raises(StaleVersion) as caught:
            answers.save(session, ZWOLLE, item.id, first, Answer("3"), expected_version=stale)
        assert (caught.value.current, caught.value.version) == (Answer("1"), 1)
    assert answers.get(session, ZWOLLE, item.id, first).code == "1"


# --- colleagues at once, on separate connections ---------------------------------------------


@contextmanager
def plain_factory(engine):
    """Sessions as the app makes them; removes what the test made afterwards."""
    sqlite = engine.dialect.name == "sqlite"
    plain = make_engine(engine.url.render_as_string(hide_password=False)) if sqlite else engine
    factory = session_factory(plain)
    made = []
    try:
        yield factory, made
    finally:
        with transaction(factory) as s:
            for item_id in made:
                for model in (AnswerChange, AnswerRow, AssessmentScore):
                    s.execute(delete(model).where(model.assessment_id == item_id))
                s.execute(delete(Assessment).where(Assessment.id == item_id))
                s.execute(delete(AuditEvent).where(AuditEvent.object_id == str(item_id)))


def started(factory, made, code, year, questionnaire, filled=False):
    who = officer(code)
    with transaction(factory) as s:
        item_id = answering.start(s, who, code, year).id
        if filled:
            for q in questionnaire.questions():
                answers.save(s, who, item_id, q.id, Answer("1"))
    made.append(item_id)
    return who, item_id


def in_parallel(*jobs):
    """Run the jobs in threads that start together; their results or exceptions, in order."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)

    def run(i, job):
        barrier.wait()
        try:
            results[i] = job()
        except Exception as exc:  # the test looks at what each got
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def saving(factory, who, item_id, question_id, code, version=None):
    """A job for `in_parallel`: one colleague's save in its own transaction; the saved answer."""

    def save():
        with transaction(factory) as s:
            return answers.save(s, who, item_id, question_id, Answer(code), version)

    return save


def test_colleagues_on_different_questions_never_conflict(engine, questionnaire):
    with plain_factory(engine) as (factory, made):
        who, item_id = started(factory, made, "GM0014", 2024, questionnaire)
        ids = [q.id for q in questionnaire.questions()[:8]]

        # each read version 0 of its own question
        saved = in_parallel(*(saving(factory, who, item_id, q, "2", 0) for q in ids))
        assert [answer.version for answer in saved] == [1] * len(ids)
        with factory() as s:
            assert sorted(assessments.get(s, who, item_id).answers) == sorted(ids)


def test_the_same_answer_at_once_without_a_version_loses_nothing_silently(engine, questionnaire):
    with plain_factory(engine) as (factory, made):
        who, item_id = started(factory, made, "GM0014", 2024, questionnaire)

        saved = in_parallel(*(saving(factory, who, item_id, "A1", c) for c in "123"))
        assert sorted(a.version for a in saved) == [1, 2, 3]  # every write counted, none refused
        with factory() as s:
            last = answers.get(s, who, item_id, "A1")
            history = s.scalars(select(AnswerChange.new).filter_by(assessment_id=item_id)).all()
        assert last.version == 3 and len(history) == 3


def test_the_same_answer_at_once_with_a_version_lets_one_win(engine, questionnaire):
    with plain_factory(engine) as (factory, made):
        who, item_id = started(factory, made, "GM0014", 2024, questionnaire)

        results = in_parallel(*(saving(factory, who, item_id, "A1", c, 0) for c in "13"))
        won = [r.code for r in results if not isinstance(r, Exception)]
        assert len(won) == 1 and sum(isinstance(r, StaleVersion) for r in results) == 1
        with factory() as s:
            assert answers.get(s, who, item_id, "A1").code == won[0]


def test_a_save_racing_a_submission_never_changes_a_submitted_assessment(engine, questionnaire):
    """Whoever wins, the stored scores are those of the stored answers."""
    with plain_factory(engine) as (factory, made):
        who, item_id = started(factory, made, "GM0014", 2024, questionnaire, filled=True)

        def slow_save():
            with transaction(factory) as s:
                answers.save(s, who, item_id, "A1", Answer("3"))
                time.sleep(0.3)  # hold the write while the submission starts

        def submit():
            time.sleep(0.05)
            with transaction(factory) as s:
                return answering.submit(s, who, item_id).status

        saved, submitted = in_parallel(slow_save, submit)
        assert saved is None and (submitted == "ingediend" or isinstance(submitted, Conflict))
        with factory() as s:
            item = assessments.get(s, who, item_id)
            assert item.answers["A1"].code == "3"
            kept = dict(
                s.execute(
                    select(AssessmentScore.key, AssessmentScore.score).filter_by(
                        assessment_id=item_id, scope="totaal"
                    )
                ).all()
            )
        if item.submitted:
            assert kept["totaal"] == score(item.questionnaire, item.answer_values()).total.score
        else:
            assert kept == {}


def test_a_save_after_a_submission_is_refused(engine, questionnaire):
    with plain_factory(engine) as (factory, made):
        who, item_id = started(factory, made, "GM0014", 2024, questionnaire, filled=True)

        submitting = threading.Event()

        def slow_submit():
            with transaction(factory) as s:
                answering.submit(s, who, item_id)
                submitting.set()
                time.sleep(0.3)  # hold the submission open while the save comes in

        def save():
            submitting.wait(timeout=10)
            with transaction(factory) as s:
                return answers.save(s, who, item_id, "A1", Answer("3"))

        submitted, saved = in_parallel(slow_submit, save)
        assert submitted is None and isinstance(saved, Conflict)
        with factory() as s:
            assert assessments.get(s, who, item_id).answers["A1"].code == "1"
