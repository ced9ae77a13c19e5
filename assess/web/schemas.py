"""Request and response bodies of the API (camelCase JSON, Dutch field names)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

from assess.db.models import Answer as AnswerRow
from assess.db.models import Assessment, Municipality
from assess.framework.answers import MAX_EVIDENCE, MAX_EXPLANATION, Answer
from assess.framework.benchmark import Statistics
from assess.framework.gaps import GapAnalysis
from assess.framework.schema import Question, Questionnaire
from assess.framework.scoring import GroupScore
from assess.services import PeerComparison, Progress


class Gemeente(msgspec.Struct, rename="camel"):
    gemeentecode: str
    naam: str
    provincie: str
    inwoners: int | None
    inwonersjaar: int | None
    grootteklasse: str | None
    veiligheidsregio: str | None
    riec: str | None
    geldig_vanaf: date
    geldig_tot: date | None
    opvolger: str | None

    @classmethod
    def of(cls, m: Municipality) -> Gemeente:
        return cls(
            gemeentecode=m.code,
            naam=m.name,
            provincie=m.province,
            inwoners=m.population,
            inwonersjaar=m.population_year,
            grootteklasse=m.size_class,
            veiligheidsregio=m.safety_region,
            riec=m.riec,
            geldig_vanaf=m.valid_from,
            geldig_tot=m.valid_to,
            opvolger=m.successor_code,
        )


class Links(msgspec.Struct, rename="camel", omit_defaults=True):
    self: str
    first: str | None = None
    prev: str | None = None
    next: str | None = None
    last: str | None = None


class GemeentenPagina(msgspec.Struct, rename="camel"):
    gemeenten: list[Gemeente]
    totaal: int
    page: int
    page_size: int
    links: Links


class VragenlijstSamenvatting(msgspec.Struct, rename="camel"):
    id: str
    versie: str
    titel: str
    aantal_vragen: int

    @classmethod
    def of(cls, q: Questionnaire) -> VragenlijstSamenvatting:
        return cls(id=q.id, versie=q.versie, titel=q.titel, aantal_vragen=len(q.questions()))


class Niveau(msgspec.Struct, rename="camel"):
    niveau: int
    omschrijving: str
    aanbeveling: str | None


class Vraag(msgspec.Struct, rename="camel"):
    id: str
    vraag: str
    uitleg: str
    pijler: str
    thema: str
    plateau: str
    actielijnen: list[int]
    bronnen: list[str]
    niveaus: list[Niveau]
    doel: int
    gewicht: float
    nvt_toegestaan: bool
    regionaal_toegestaan: bool
    uitbuitingsvormen: list[str]
    doelgroepen: list[str]


class Domein(msgspec.Struct, rename="camel"):
    code: str
    titel: str
    omschrijving: str
    vragen: list[Vraag]


class Bron(msgspec.Struct, rename="camel"):
    id: str
    titel: str
    uitgever: str
    jaar: int | None
    url: str | None


class Vragenlijst(msgspec.Struct, rename="camel"):
    id: str
    versie: str
    titel: str
    inleiding: str
    bronnen: list[Bron]
    domeinen: list[Domein]

    @classmethod
    def of(cls, q: Questionnaire) -> Vragenlijst:
        return cls(
            id=q.id,
            versie=q.versie,
            titel=q.titel,
            inleiding=q.inleiding,
            bronnen=[Bron(s.id, s.titel, s.uitgever, s.jaar, s.url) for s in q.bronnen],
            domeinen=[
                Domein(d.code, d.titel, d.omschrijving, [_vraag(v) for v in d.vragen])
                for d in q.domeinen
            ],
        )


def _vraag(v: Question) -> Vraag:
    return Vraag(
        id=v.id,
        vraag=v.vraag,
        uitleg=v.uitleg,
        pijler=v.pijler,
        thema=v.thema,
        plateau=v.plateau,
        actielijnen=v.actielijnen,
        bronnen=v.bronnen,
        niveaus=[
            Niveau(level, v.niveaus[level], v.aanbevelingen.get(level))
            for level in sorted(v.niveaus)
        ],
        doel=v.doel,
        gewicht=v.gewicht,
        nvt_toegestaan=v.nvt_toegestaan,
        regionaal_toegestaan=v.regionaal_toegestaan,
        uitbuitingsvormen=list(v.uitbuitingsvormen),
        doelgroepen=list(v.doelgroepen),
    )


# --- zelfevaluaties ---------------------------------------------------------------------

AnswerCode = Literal["0", "1", "2", "3", "nvt", "onbekend"]
SharingLevel = Literal["prive", "geanonimiseerd", "benoemd"]
PeerGroup = Literal["grootteklasse", "provincie", "riec", "alle"]


class NieuweZelfevaluatie(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    jaar: Annotated[int, msgspec.Meta(ge=2018, le=2100, examples=[2026])]


class AntwoordInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    antwoord: AnswerCode
    regionaal: bool = False
    toelichting: Annotated[str, msgspec.Meta(max_length=MAX_EXPLANATION)] = ""
    bewijs: Annotated[str, msgspec.Meta(max_length=MAX_EVIDENCE)] = ""

    def to_answer(self) -> Answer:
        return Answer(self.antwoord, self.regionaal, self.toelichting, self.bewijs)


class DelingInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    deling: SharingLevel


class IndienInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    deling: SharingLevel | None = None


class Antwoord(msgspec.Struct, rename="camel"):
    vraag_id: str
    antwoord: str
    regionaal: bool
    toelichting: str
    bewijs: str
    vooringevuld: bool
    gewijzigd_op: datetime

    @classmethod
    def of(cls, row: AnswerRow) -> Antwoord:
        return cls(
            vraag_id=row.question_id,
            antwoord=row.code,
            regionaal=row.regional,
            toelichting=row.explanation,
            bewijs=row.evidence,
            vooringevuld=row.prefilled,
            gewijzigd_op=row.updated_at,
        )


class Voortgang(msgspec.Struct, rename="camel"):
    totaal: int
    beantwoord: int
    open: int
    percentage: int


class VragenlijstVersie(msgspec.Struct, rename="camel"):
    id: str
    versie: str


class ZelfevaluatieSamenvatting(msgspec.Struct, rename="camel"):
    id: UUID
    gemeentecode: str
    jaar: int
    status: str
    deling: str
    vragenlijst: VragenlijstVersie
    versie: int
    synthetisch: bool
    aangemaakt_op: datetime
    gewijzigd_op: datetime
    ingediend_op: datetime | None

    @classmethod
    def of(cls, item: Assessment) -> ZelfevaluatieSamenvatting:
        version = item.questionnaire_version
        return cls(
            **_summary_fields(item, VragenlijstVersie(version.questionnaire_id, version.version))
        )


class Zelfevaluatie(msgspec.Struct, rename="camel"):
    id: UUID
    gemeentecode: str
    jaar: int
    status: str
    deling: str
    vragenlijst: VragenlijstVersie
    versie: int
    synthetisch: bool
    aangemaakt_op: datetime
    gewijzigd_op: datetime
    ingediend_op: datetime | None
    voortgang: Voortgang
    antwoorden: list[Antwoord]

    @classmethod
    def of(cls, item: Assessment, progress: Progress) -> Zelfevaluatie:
        """Prefilled answers that are not yet confirmed count as open."""
        version = item.questionnaire_version
        return cls(
            **_summary_fields(item, VragenlijstVersie(version.questionnaire_id, version.version)),
            voortgang=Voortgang(
                totaal=progress.total,
                beantwoord=progress.answered,
                open=progress.total - progress.answered,
                percentage=progress.percentage,
            ),
            antwoorden=[Antwoord.of(row) for row in item.answers],
        )


def _summary_fields(item: Assessment, version: VragenlijstVersie) -> dict[str, object]:
    return {
        "id": item.id,
        "gemeentecode": item.municipality_code,
        "jaar": item.year,
        "status": item.status,
        "deling": item.sharing,
        "vragenlijst": version,
        "versie": item.version,
        "synthetisch": item.synthetic,
        "aangemaakt_op": item.created_at,
        "gewijzigd_op": item.updated_at,
        "ingediend_op": item.submitted_at,
    }


class ZelfevaluatiesPagina(msgspec.Struct, rename="camel"):
    zelfevaluaties: list[ZelfevaluatieSamenvatting]
    totaal: int
    page: int
    page_size: int
    links: Links


class Aangemaakt(msgspec.Struct, rename="camel"):
    id: UUID
    gemeentecode: str
    jaar: int
    status: str
    versie: int


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


def analyse_of(
    item_id: UUID, q: Questionnaire, analysis: GapAnalysis, answers: dict[str, str]
) -> Analyse:
    titles = {d.code: d.titel for d in q.domeinen}
    scores = analysis.scores
    return Analyse(
        zelfevaluatie_id=item_id,
        totaal=group_score(scores.total, "Totaal"),
        domeinen=[group_score(d, titles[d.key]) for d in scores.domains],
        pijlers=[group_score(p, PILLAR_NAMES[p.key]) for p in scores.pillars],
        tekorten=[
            Tekort(
                vraag_id=gap.question_id,
                vraag=q.question(gap.question_id).vraag,  # type: ignore[union-attr]
                domein=gap.domain,
                antwoord=answers[gap.question_id],
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
    groep: str
    groepsnaam: str
    jaar: int
    n: int
    minimale_groepsgrootte: int
    onderdrukt: bool
    reden: str | None
    scores: list[Vergelijkingsscore]


def comparison_of(
    item_id: UUID, q: Questionnaire, peer: PeerComparison, min_group_size: int
) -> Vergelijking:
    names = {("totaal", "totaal"): "Totaal"}
    names |= {("domein", d.code): d.titel for d in q.domeinen}
    names |= {("pijler", k): v for k, v in PILLAR_NAMES.items()}
    stats = peer.comparison.statistics
    return Vergelijking(
        zelfevaluatie_id=item_id,
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


def _statistic(stat: Statistics | None) -> Statistiek | None:
    if stat is None:
        return None
    return Statistiek(stat.n, round(stat.median, 1), round(stat.q1, 1), round(stat.q3, 1))
