"""Bodies of the results: the gap analysis and the peer comparison."""

from __future__ import annotations

from uuid import UUID

import msgspec

from assess.framework.scoring import GroupScore
from assess.framework.statistics import Figure
from assess.framework.vocabulary import PeerGroup
from assess.services.assessments import AssessmentView
from assess.services.comparison import PeerComparison

# --- analyse -----------------------------------------------------------------------------


class Groepsscore(msgspec.Struct, rename="camel"):
    sleutel: str
    naam: str
    score: float | None
    dekking: float
    beantwoord: int
    totaal: int


class Tekort(msgspec.Struct, rename="camel"):
    vraag_id: str
    vraag: str
    domein: str
    antwoord: str
    niveau: int
    doel: int
    gewicht: float
    prioriteit: float
    aanbeveling: str
    regionaal: bool
    inzichttekort: bool


class Analyse(msgspec.Struct, rename="camel"):
    zelfevaluatie_id: UUID
    totaal: Groepsscore
    domeinen: list[Groepsscore]
    pijlers: list[Groepsscore]
    tekorten: list[Tekort]
    inzichttekorten: list[str]
    open_vragen: list[str]


PILLAR_NAMES = {"zorg": "Zorg", "signalering": "Signalering", "handhaving": "Handhaving"}


def group_score(group: GroupScore, name: str) -> Groepsscore:
    return Groepsscore(
        sleutel=group.key,
        naam=name,
        score=None if group.score is None else round(group.score, 1),
        dekking=round(group.coverage, 3),
        beantwoord=group.answered,
        totaal=group.total,
    )


def analyse_of(item: AssessmentView) -> Analyse:
    q, analysis = item.questionnaire, item.analysis()
    titles = {d.code: d.titel for d in q.domeinen}
    scores = analysis.scores
    return Analyse(
        zelfevaluatie_id=item.id,
        totaal=group_score(scores.total, "Totaal"),
        domeinen=[group_score(d, titles[d.key]) for d in scores.domains],
        pijlers=[group_score(p, PILLAR_NAMES[p.key]) for p in scores.pillars],
        tekorten=[
            Tekort(
                vraag_id=gap.question_id,
                vraag=q.question(gap.question_id).vraag,  # type: ignore[union-attr]
                domein=gap.domain,
                antwoord=item.answers[gap.question_id].code,
                niveau=gap.level,
                doel=gap.target,
                gewicht=gap.weight,
                prioriteit=gap.priority,
                aanbeveling=gap.recommendation,
                regionaal=gap.regional,
                inzichttekort=gap.insight_gap,
            )
            for gap in analysis.gaps
        ],
        inzichttekorten=[gap.question_id for gap in analysis.insight_gaps],
        open_vragen=analysis.open_questions,
    )


# --- vergelijking ------------------------------------------------------------------------


class Statistiek(msgspec.Struct, rename="camel"):
    n: int
    mediaan: float
    q1: float
    q3: float


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
    n: int
    minimale_groepsgrootte: int
    onderdrukt: bool
    reden: str | None
    scores: list[Vergelijkingsscore]


def comparison_of(peer: PeerComparison, min_group_size: int) -> Vergelijking:
    names = {("totaal", "totaal"): "Totaal"}
    names |= {("domein", d.code): d.titel for d in peer.questionnaire.domeinen}
    names |= {("pijler", k): v for k, v in PILLAR_NAMES.items()}
    stats = peer.comparison.statistics
    return Vergelijking(
        zelfevaluatie_id=peer.assessment_id,
        groep=peer.group,
        groepsnaam=peer.label,
        jaar=peer.year,
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
    return Statistiek(stat.n, round(stat.median, 1), round(stat.q1, 1), round(stat.q3, 1))
