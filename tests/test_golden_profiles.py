"""Golden tests: would an adviser of the VNG Kompas endorse the top five of a real municipality?

The three profiles in profiles.py follow public municipal plans. Each test argues its
expected top five in the docstring; a change to the questionnaire or the priority rules that
changes a top five must argue the new one just as well.
"""

from __future__ import annotations

from profiles import LARGE_CITY, ONE_FORM, SMALL_REGIONAL, answers

from assess.framework.gaps import analyse
from assess.framework.scoring import score

from conftest import shipped_questionnaires

QUESTIONNAIRE = shipped_questionnaires()[-1]


def analysis_of(profile, region="RIEC Oost-Brabant"):
    assert set(profile) == {q.id for q in QUESTIONNAIRE.questions()}, "answer every question"
    return analyse(QUESTIONNAIRE, score(QUESTIONNAIRE, answers(profile)), region)


def top_five(profile):
    return [gap.question_id for gap in analysis_of(profile).gaps[:5]]


def test_large_city():
    """A city with a full programme, its own zorgcoördinatie and trained staff is close to the
    basisniveau (94) but has not reached it. Its five actions are the basis gaps that remain,
    not its verdieping: first the two arrangements around vulnerable people that rest on others
    (Nidos for unaccompanied minors, C5; shelter when the city closes a building, D8), then
    aftercare, since 45% of victims fall victim again within five years (C7), then counting
    signals to see whether the programme works (B3) and signals from the reception of asylum
    seekers and displaced persons (E10). Its verdieping gaps wait, and the unknown about youth
    care (E11) is something to find out, not an action."""
    analysis = analysis_of(LARGE_CITY)
    scores = analysis.scores
    assert not scores.total.reached and scores.total.score > 90
    assert top_five(LARGE_CITY) == ["C5", "D8", "C7", "B3", "E10"]
    assert all(g.plateau == "basis" for g in analysis.gaps[:5])
    assert [u.question_id for u in analysis.unknowns] == ["E11"]
    assert {"A1", "B5", "B7", "C1", "E6"} <= {q.question_id for q in analysis.strengths}


def test_one_form_municipality():
    """A municipality whose plan is about sexual exploitation only has its prostitution side
    in order (A6, D1, D2 at the basis) and a blind spot for the rest. The adviser's first
    advice is to widen the plan (A2) and to open the two doors through which labour
    exploitation is seen: inspectors who look for it in risky branches (D4) and the
    Nederlandse Arbeidsinspectie (E4), with an approach to criminal exploitation (D9); next the
    aandachtsfunctionaris, who does the work informally (B1). Equal gaps are spread: not three
    D-questions before E4."""
    analysis = analysis_of(ONE_FORM)
    assert top_five(ONE_FORM) == ["A2", "D4", "E4", "D9", "B1"]
    assert {"A6", "D1", "D2"}.isdisjoint(g.question_id for g in analysis.gaps)
    assert [u.question_id for u in analysis.unknowns] == ["C5", "C6"]
    assert analysis.scores.regional.score > analysis.scores.own.score  # care is regional


def test_small_municipality_that_relies_on_its_region():
    """A small municipality that adopted the regional plan has care, the picture and the
    barrier model in the region, but its own basics lag: nobody knows where a signal goes
    (B2, at 0: the largest gap), victims are not thought of at a closure (D8), and the
    aandachtsfunctionaris has no hours (B1). Then the equal gaps spread over the domains:
    ownership in the college (A4), and the training that the region offers but not at the
    basis (B5), which is an action to take up with the region, not a local to-do."""
    analysis = analysis_of(SMALL_REGIONAL)
    assert top_five(SMALL_REGIONAL) == ["B2", "D8", "B1", "A4", "B5"]
    training = next(g for g in analysis.gaps if g.question_id == "B5")
    assert training.regional and training.action.startswith(
        "Dit is regionaal geregeld via RIEC Oost-Brabant"
    )
    local = [g for g in analysis.gaps[:5] if not g.regional]
    assert [g.action for g in local] == [g.recommendation for g in local]
    assert analysis.scores.regional.score > analysis.scores.own.score
    assert {u.question_id for u in analysis.unknowns} == {"B3", "C5"}


def test_no_top_five_is_made_of_unknowns_or_of_verdieping_before_basis():
    for profile in (LARGE_CITY, ONE_FORM, SMALL_REGIONAL):
        analysis = analysis_of(profile)
        unknown = {u.question_id for u in analysis.unknowns}
        assert not unknown & set(top_five(profile))
        plateaus = [g.plateau for g in analysis.gaps]
        assert plateaus == sorted(plateaus, key=lambda p: p != "basis")
