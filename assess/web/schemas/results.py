"""Bodies of the results: the gap analysis and the peer comparison."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec

from assess import labels
from assess.framework.publication import Figure
from assess.framework.schema import Plateau, Theme
from assess.framework.scoring import GroupScore, Verdict
from assess.framework.vocabulary import PeerGroup
from assess.services.assessments import AssessmentView
from assess.services.comparison import PeerComparison

# --- analyse -----------------------------------------------------------------------------


class Groepsscore(msgspec.Struct, rename="camel"):
    """A group of questions on both plateaus: the basis score (0-100 toward level 2 on the
    basis questions) with whether the basis is reached, and the verdieping score (0-100
    toward level 3 on the verdieping questions)."""

    sleutel: str
    naam: str
    score: float | None
    bereikt: bool
    verdieping: float | None
    dekking: float
    beantwoord: int
    totaal: int


class Basisniveau(msgspec.Struct, rename="camel"):
    score: float | None
    bereikt: bool
    oordeel: Verdict | None  # bereikt, grotendeels, deels or onder
    vragen: int  # applicable basis questions
    op_doel: int  # of which at or above their target


class Verdieping(msgspec.Struct, rename="camel"):
    score: float | None
    vragen: int  # applicable verdieping questions


class Tekort(msgspec.Struct, rename="camel"):
    vraag_id: str
    vraag: str
    domein: str
    thema: Theme
    plateau: Plateau
    antwoord: str
    niveau: int
    doel: int
    gewicht: float
    prioriteit: float
    aanbeveling: str
    actie: str
    regionaal: bool


class Uitzoeken(msgspec.Struct, rename="camel"):
    vraag_id: str
    vraag: str
    domein: str
    plateau: Plateau
    met_wie: str


class Analyse(msgspec.Struct, rename="camel"):
    zelfevaluatie_id: UUID
    basisniveau: Basisniveau
    verdieping: Verdieping
    regio: str | None
    eigen: Groepsscore  # the questions the gemeente arranges itself
    regionaal: Groepsscore  # the questions answered 'regionaal geregeld'
    totaal: Groepsscore
    domeinen: list[Groepsscore]
    pijlers: list[Groepsscore]
    themas: list[Groepsscore]
    uitbuitingsvormen: list[Groepsscore]
    doelgroepen: list[Groepsscore]
    tekorten: list[Tekort]
    uitzoeken: list[Uitzoeken]
    sterktes: list[str]
    open_vragen: list[str]


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def group_score(group: GroupScore, name: str) -> Groepsscore:
    return Groepsscore(
        sleutel=group.key,
        naam=name,
        score=_round(group.score),
        bereikt=group.reached and group.score is not None,
        verdieping=_round(group.deepening),
        dekking=round(group.coverage, 3),
        beantwoord=group.answered,
        totaal=group.total,
    )


def analyse_of(item: AssessmentView) -> Analyse:
    q, analysis = item.questionnaire, item.analysis()
    scores = analysis.scores
    basis = scores.basis_counted
    deepening = [x for x in scores.questions if x.plateau == Plateau.VERDIEPING and x.counts]
    titles = {d.code: d.titel for d in q.domeinen}

    def text_of(question_id: str) -> str:
        found = q.question(question_id)
        return found.vraag if found else question_id

    def groups(found: list[GroupScore], names: Mapping[Any, str]) -> list[Groepsscore]:
        return [group_score(g, names[g.key]) for g in found]

    return Analyse(
        zelfevaluatie_id=item.id,
        basisniveau=Basisniveau(
            score=_round(scores.total.score),
            bereikt=scores.total.reached and scores.total.score is not None,
            oordeel=scores.verdict,
            vragen=len(basis),
            op_doel=sum(x.met for x in basis),
        ),
        verdieping=Verdieping(score=_round(scores.total.deepening), vragen=len(deepening)),
        regio=item.region,
        eigen=group_score(scores.own, "Eigen aanpak"),
        regionaal=group_score(scores.regional, "Regionaal geregeld"),
        totaal=group_score(scores.total, "Totaal"),
        domeinen=groups(scores.domains, titles),
        pijlers=groups(scores.pillars, labels.PILLARS),
        themas=groups(scores.themes, labels.THEMES),
        uitbuitingsvormen=groups(scores.forms, labels.FORMS),
        doelgroepen=groups(scores.groups, labels.GROUPS),
        tekorten=[
            Tekort(
                vraag_id=gap.question_id,
                vraag=text_of(gap.question_id),
                domein=gap.domain,
                thema=gap.theme,
                plateau=gap.plateau,
                antwoord=item.answers[gap.question_id].code,
                niveau=gap.level,
                doel=gap.target,
                gewicht=gap.weight,
                prioriteit=gap.priority,
                aanbeveling=gap.recommendation,
                actie=gap.action,
                regionaal=gap.regional,
            )
            for gap in analysis.gaps
        ],
        uitzoeken=[
            Uitzoeken(u.question_id, text_of(u.question_id), u.domain, u.plateau, u.ask)
            for u in analysis.unknowns
        ],
        sterktes=[x.question_id for x in analysis.strengths],
        open_vragen=analysis.open_questions,
    )


# --- vergelijking ------------------------------------------------------------------------


class Statistiek(msgspec.Struct, rename="camel"):
    n: str  # band
    mediaan: int | None
    q1: int | None
    q3: int | None
    aandeel_op_doel: int | None  # percent, rounded to 5


class Vergelijkingsscore(msgspec.Struct, rename="camel"):
    soort: str
    sleutel: str
    naam: str
    eigen: float | None
    groep: Statistiek | None


class Vergelijking(msgspec.Struct, rename="camel"):
    zelfevaluatie_id: UUID
    groep: PeerGroup
    groepsnaam: str
    jaar: int
    gepubliceerd_op: datetime | None  # the publication the group's figures come from
    n: str  # band of the other gemeenten in the group
    minimale_groepsgrootte: int
    onderdrukt: bool
    reden: str | None
    scores: list[Vergelijkingsscore]


def comparison_of(peer: PeerComparison, min_group_size: int) -> Vergelijking:
    names = {("totaal", "totaal"): "Basisniveau", ("verdieping", "totaal"): "Verdieping"}
    names |= {("domein", d.code): d.titel for d in peer.questionnaire.domeinen}
    names |= {("pijler", str(k)): v for k, v in labels.PILLARS.items()}
    stats = peer.comparison.statistics
    return Vergelijking(
        zelfevaluatie_id=peer.assessment_id,
        groep=peer.group,
        groepsnaam=peer.label,
        jaar=peer.year,
        gepubliceerd_op=peer.published_at,
        n=peer.comparison.n,
        minimale_groepsgrootte=min_group_size,
        onderdrukt=peer.comparison.suppressed,
        reden=peer.comparison.reason,
        scores=[
            Vergelijkingsscore(
                soort=scope,
                sleutel=key,
                naam=names[(scope, key)],
                eigen=None if own is None else round(own, 1),
                groep=_statistic(stats.get((scope, key))),
            )
            for (scope, key), own in peer.own.items()
        ],
    )


def _statistic(stat: Figure | None) -> Statistiek | None:
    if stat is None:
        return None
    return Statistiek(stat.n, stat.median, stat.q1, stat.q3, stat.at_target)
