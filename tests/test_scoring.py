"""Scoring and gap analysis: hand-computed cases and property-based invariants."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assess.framework.answers import ANSWER_CODES, Answer, answer_problems
from assess.framework.gaps import analyse
from assess.framework.loader import parse_questionnaire
from assess.framework.scoring import Status, question_score, score

from conftest import DATA

MINI = parse_questionnaire((DATA / "mini.yaml").read_text(encoding="utf-8"))
IDS = [q.id for q in MINI.questions()]  # A1 (weight 3, target 2), A2 (1, 2), B1 (1, target 3)


def test_question_score_is_level_against_target_capped():
    assert question_score(0, 2) == 0
    assert question_score(1, 2) == 50
    assert question_score(2, 2) == 100
    assert question_score(3, 2) == 100
    assert question_score(2, 3) == pytest.approx(66.667, abs=0.001)


def test_weighted_domain_pillar_and_total():
    scores = score(MINI, {"A1": Answer("1"), "A2": Answer("2"), "B1": Answer("3")})
    domains = {d.key: d for d in scores.domains}
    # A: (3 x 50 + 1 x 100) / 4
    assert domains["A"].score == pytest.approx(62.5)
    assert domains["B"].score == pytest.approx(100)
    pillars = {p.key: p.score for p in scores.pillars}
    assert pillars == {"zorg": 100, "signalering": 50, "handhaving": 100}
    assert scores.total.score == pytest.approx((150 + 100 + 100) / 5)
    assert scores.total.coverage == 1


def test_open_questions_are_open_not_zero():
    scores = score(MINI, {"A1": Answer("2")})
    assert scores.total.score == 100
    assert scores.total.coverage == pytest.approx(1 / 3)
    assert {q.question_id: q.status for q in scores.questions}["B1"] == Status.OPEN
    assert analyse(MINI, scores).open_questions == ["A2", "B1"]
    assert {d.key: d.score for d in scores.domains}["B"] is None


def test_nvt_is_excluded_and_onbekend_counts_as_zero():
    scores = score(MINI, {"A1": Answer("2"), "A2": Answer("nvt"), "B1": Answer("onbekend")})
    domains = {d.key: d for d in scores.domains}
    assert domains["A"].score == 100 and domains["A"].coverage == 1
    assert domains["B"].score == 0


def test_gaps_are_ordered_by_weight_times_distance():
    scores = score(MINI, {"A1": Answer("1"), "A2": Answer("0"), "B1": Answer("onbekend")})
    gaps = analyse(MINI, scores).gaps
    # A1: 3 x 1 = 3; A2: 1 x 2 = 2; B1: 1 x 3 = 3 -> tie broken by questionnaire order
    assert [(g.question_id, g.priority) for g in gaps] == [("A1", 3), ("B1", 3), ("A2", 2)]
    assert gaps[0].recommendation == "Laat het beleid vaststellen."
    assert [g.question_id for g in analyse(MINI, scores).insight_gaps] == ["B1"]


def test_met_targets_and_nvt_are_not_gaps_but_regional_is_marked():
    scores = score(MINI, {"A1": Answer("3"), "A2": Answer("1", regional=True), "B1": Answer("3")})
    [gap] = analyse(MINI, scores).gaps
    assert (gap.question_id, gap.regional, gap.insight_gap) == ("A2", True, False)
    scores = score(
        MINI, {"A1": Answer("2"), "A2": Answer("nvt", explanation="x"), "B1": Answer("3")}
    )
    assert analyse(MINI, scores).gaps == []


@pytest.mark.parametrize(
    ("question", "answer", "field"),
    [
        ("A1", Answer("4"), "antwoord"),
        ("A1", Answer("nvt", explanation="geen"), "antwoord"),  # nvt not allowed on A1
        ("A2", Answer("nvt"), "toelichting"),  # nvt needs an explanation
        ("A1", Answer("2", regional=True), "regionaal"),  # A1 cannot be regional
        ("A2", Answer("onbekend", regional=True), "regionaal"),
        ("A2", Answer("2", explanation="x" * 4001), "toelichting"),
        ("A2", Answer("2", evidence="x" * 1001), "bewijs"),
    ],
)
def test_answer_rules(question, answer, field):
    assert field in answer_problems(MINI.question(question), answer)


def test_valid_answers_pass():
    assert answer_problems(MINI.question("A2"), Answer("nvt", explanation="Geen.")) == {}
    assert answer_problems(MINI.question("A2"), Answer("1", regional=True)) == {}


# --- invariants -----------------------------------------------------------------------

answers_st = st.fixed_dictionaries(
    {}, optional={qid: st.builds(Answer, st.sampled_from(ANSWER_CODES)) for qid in IDS}
)


def all_scores(scores):
    return [scores.total, *scores.domains, *scores.pillars]


@given(answers_st)
def test_scores_stay_in_range(answers):
    scores = score(MINI, answers)
    for group in all_scores(scores):
        assert group.score is None or 0 <= group.score <= 100
        assert 0 <= group.coverage <= 1
    for q in scores.questions:
        assert q.score is None or 0 <= q.score <= 100


@given(answers_st, st.sampled_from(IDS), st.integers(0, 2))
def test_raising_one_answer_never_lowers_any_score(answers, qid, level):
    before = score(MINI, {**answers, qid: Answer(str(level))})
    after = score(MINI, {**answers, qid: Answer(str(level + 1))})
    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        assert (old.score is None) == (new.score is None)
        if old.score is not None:
            assert new.score >= old.score - 1e-9


@given(answers_st, st.sampled_from(IDS))
def test_nvt_never_changes_another_questions_contribution(answers, qid):
    before = score(MINI, answers)
    after = score(MINI, {**answers, qid: Answer("nvt", explanation="n.v.t.")})
    for old, new in zip(before.questions, after.questions, strict=True):
        if old.question_id != qid:
            assert old == new
    assert {q.question_id: q.status for q in after.questions}[qid] == Status.NOT_APPLICABLE
