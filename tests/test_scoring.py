"""Scoring and gap analysis: hand-computed cases and property-based invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assess.framework.answers import ANSWER_CODES, Answer, answer_problems
from assess.framework.gaps import analyse
from assess.framework.loader import parse_questionnaire
from assess.framework.scoring import Status, question_score, score

from conftest import DATA, ROOT, shipped_questionnaires

MINI = parse_questionnaire((DATA / "mini.yaml").read_text(encoding="utf-8"))
IDS = [q.id for q in MINI.questions()]  # A1 (weight 3, target 2), A2 (1, 2), B1 (1, target 3)


def test_question_score_is_level_against_target_capped():
    assert question_score(0, 2) == 0
    assert question_score(1, 2) == 50
    assert question_score(2, 2) == 100
    assert question_score(3, 2) == 100
    assert question_score(2, 3) == pytest.approx(66.667, abs=0.001)


def test_basis_and_verdieping_are_scored_apart():
    scores = score(MINI, {"A1": Answer("1"), "A2": Answer("2"), "B1": Answer("3")})
    domains = {d.key: d for d in scores.domains}
    # A: basis (3 x 50 + 1 x 100) / 4; B has only a verdieping question, at level 3 of 3
    assert domains["A"].score == pytest.approx(62.5) and domains["A"].deepening is None
    assert domains["B"].score is None and domains["B"].deepening == 100
    pillars = {p.key: p.score for p in scores.pillars}
    assert pillars == {"zorg": 100, "signalering": 50, "handhaving": None}
    assert scores.total.score == pytest.approx(62.5)
    assert scores.total.deepening == 100
    assert scores.total.coverage == 1
    assert not scores.total.reached  # A1 is below its target


def test_the_basisniveau_is_reached_whatever_the_verdieping():
    for deepening in ("0", "1", "2", "3", "onbekend"):
        scores = score(MINI, {"A1": Answer("2"), "A2": Answer("3"), "B1": Answer(deepening)})
        assert scores.total.reached and scores.total.score == 100


def test_level_three_is_a_strength():
    scores = score(MINI, {"A1": Answer("3"), "A2": Answer("2"), "B1": Answer("3")})
    assert [q.question_id for q in scores.strengths] == ["A1", "B1"]


def test_open_questions_are_open_not_zero():
    scores = score(MINI, {"A1": Answer("2")})
    assert scores.total.score == 100
    assert scores.total.coverage == pytest.approx(1 / 3)
    assert not scores.total.reached  # A2 is open, so not at its target
    assert {q.question_id: q.status for q in scores.questions}["B1"] == Status.OPEN
    assert analyse(MINI, scores).open_questions == ["A2", "B1"]
    assert {d.key: d.deepening for d in scores.domains}["B"] is None


def test_nvt_is_excluded_and_onbekend_counts_as_zero():
    scores = score(MINI, {"A1": Answer("2"), "A2": Answer("nvt"), "B1": Answer("onbekend")})
    domains = {d.key: d for d in scores.domains}
    assert domains["A"].score == 100 and domains["A"].coverage == 1 and domains["A"].reached
    assert domains["B"].deepening == 0


def test_gaps_by_plateau_then_weight_times_distance_and_unknowns_apart():
    scores = score(MINI, {"A1": Answer("1"), "A2": Answer("0"), "B1": Answer("onbekend")})
    analysis = analyse(MINI, scores)
    # A1: 3 x 1 = 3; A2: 1 x 2 = 2; B1 is not known: something to find out, not a gap
    assert [(g.question_id, g.priority) for g in analysis.gaps] == [("A1", 3), ("A2", 2)]
    assert analysis.gaps[0].recommendation == "Laat het beleid vaststellen."
    assert [u.question_id for u in analysis.unknowns] == ["B1"]
    scores = score(MINI, {"A1": Answer("2"), "A2": Answer("2"), "B1": Answer("0")})
    [deepening] = analyse(MINI, scores).gaps
    assert (deepening.question_id, deepening.plateau) == ("B1", "verdieping")


def test_met_targets_and_nvt_are_not_gaps_and_regional_gaps_go_to_the_region():
    scores = score(MINI, {"A1": Answer("3"), "A2": Answer("1", regional=True), "B1": Answer("3")})
    [gap] = analyse(MINI, scores, "RIEC Oost-Nederland").gaps
    assert (gap.question_id, gap.regional) == ("A2", True)
    assert gap.action.startswith("Dit is regionaal geregeld via RIEC Oost-Nederland")
    assert gap.action.endswith(gap.recommendation)
    assert scores.regional.score == 50 and scores.own.score == 100
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


# --- invariants, on the small questionnaire and on the shipped one ----------------------

REAL = shipped_questionnaires()[-1]
QUESTIONNAIRES = {"mini": MINI, "echt": REAL}
PROPERTY = settings(max_examples=40, deadline=None)  # 57 optional answers are slow to draw


def answers_for(q):
    return st.fixed_dictionaries(
        {},
        optional={x.id: st.builds(Answer, st.sampled_from(ANSWER_CODES)) for x in q.questions()},
    )


def valid(q, answers):
    """Drop answers the question does not allow (nvt where it is not allowed)."""
    return {
        qid: a
        for qid, a in answers.items()
        if not answer_problems(q.question(qid), Answer(a.code, explanation="x"))
    }


def all_scores(scores):
    return [
        scores.total,
        scores.own,
        scores.regional,
        *scores.domains,
        *scores.pillars,
        *scores.themes,
        *scores.forms,
        *scores.groups,
    ]


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@PROPERTY
@given(data=st.data())
def test_scores_stay_in_range(name, data):
    q = QUESTIONNAIRES[name]
    scores = score(q, data.draw(answers_for(q)))
    for group in all_scores(scores):
        for value in (group.score, group.deepening):
            assert value is None or 0 <= value <= 100
        assert 0 <= group.coverage <= 1
    for x in scores.questions:
        assert x.score is None or 0 <= x.score <= 100


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@PROPERTY
@given(data=st.data())
def test_raising_one_answer_never_lowers_any_score(name, data):
    q = QUESTIONNAIRES[name]
    answers = data.draw(answers_for(q))
    qid = data.draw(st.sampled_from([x.id for x in q.questions()]))
    level = data.draw(st.integers(0, 2))
    before = score(q, {**answers, qid: Answer(str(level))})
    after = score(q, {**answers, qid: Answer(str(level + 1))})
    for old, new in zip(all_scores(before), all_scores(after), strict=True):
        for was, now in ((old.score, new.score), (old.deepening, new.deepening)):
            assert (was is None) == (now is None)
            if was is not None:
                assert now >= was - 1e-9
        assert new.reached or not old.reached


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@PROPERTY
@given(data=st.data())
def test_nvt_never_changes_another_questions_contribution(name, data):
    q = QUESTIONNAIRES[name]
    answers = data.draw(answers_for(q))
    qid = data.draw(st.sampled_from([x.id for x in q.questions()]))
    before = score(q, answers)
    after = score(q, {**answers, qid: Answer("nvt", explanation="n.v.t.")})
    for old, new in zip(before.questions, after.questions, strict=True):
        if old.question_id != qid:
            assert old == new
    assert {x.question_id: x.status for x in after.questions}[qid] == Status.NOT_APPLICABLE


@PROPERTY
@given(st.data())
def test_every_basis_question_at_its_target_reaches_the_basisniveau(data):
    answers = {}
    for x in REAL.questions():
        if x.plateau == "basis":
            options = ["2", "3", *(["nvt"] if x.nvt_toegestaan else [])]
        else:
            options = list(ANSWER_CODES)
        answers[x.id] = Answer(data.draw(st.sampled_from(options)), explanation="x")
    scores = score(REAL, valid(REAL, answers))
    assert scores.total.reached
    assert scores.total.score in (None, 100)
    assert analyse(REAL, scores).basis_gaps == []


@pytest.mark.parametrize("name", QUESTIONNAIRES)
@PROPERTY
@given(data=st.data())
def test_unknowns_are_never_gaps_and_always_to_find_out(name, data):
    q = QUESTIONNAIRES[name]
    answers = data.draw(answers_for(q))
    analysis = analyse(q, score(q, answers))
    unknown = {qid for qid, a in answers.items() if a.code == "onbekend"}
    assert not unknown & {g.question_id for g in analysis.gaps}
    assert {u.question_id for u in analysis.unknowns} == unknown
    assert all(u.ask for u in analysis.unknowns)


@PROPERTY
@given(st.data())
def test_gaps_come_basis_first_by_priority_and_equal_gaps_are_spread(data):
    answers = data.draw(answers_for(REAL))
    gaps = analyse(REAL, score(REAL, answers)).gaps
    ranks = [(g.plateau != "basis", -g.priority, -g.weight) for g in gaps]
    assert ranks == sorted(ranks)
    for rank in set(ranks):
        tied = [g.domain for g, r in zip(gaps, ranks, strict=True) if r == rank]
        total = {d: tied.count(d) for d in tied}
        for end in range(1, len(tied) + 1):
            seen = {d: tied[:end].count(d) for d in total}
            for a in total:
                for b in total:
                    assert seen[a] <= seen[b] + 1 or seen[b] == total[b], (rank, tied)


def test_the_worked_example_in_docs_methode():
    """docs/methode.md computes this case by hand; the documentation must stay true."""
    answers = {
        "A1": Answer("2"),
        "B1": Answer("1"),
        "B2": Answer("3"),
        "C4": Answer("1", regional=True),
        "B8": Answer("3"),
        "C5": Answer("onbekend"),
    }
    scores = score(REAL, answers)
    analysis = analyse(REAL, scores, "RIEC Oost-Nederland")
    assert round(scores.total.score) == 65 and scores.verdict == "deels"
    assert scores.total.deepening == 100
    assert [q.question_id for q in scores.strengths] == ["B2", "B8"]
    assert [(g.question_id, g.priority) for g in analysis.gaps] == [("B1", 3), ("C4", 2)]
    assert analysis.gaps[1].action.startswith("Dit is regionaal geregeld via RIEC Oost-Nederland")
    assert [u.question_id for u in analysis.unknowns] == ["C5"]
    assert "850 / 13 = 65" in (ROOT / "docs" / "methode.md").read_text(encoding="utf-8")
