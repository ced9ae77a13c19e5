"""Bodies of the zelfevaluaties part: start, read, answer, share, submit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec

from assess.access import Sharing
from assess.framework.answers import (
    MAX_DOCUMENT_TITLE,
    MAX_DOCUMENT_URL,
    MAX_DOCUMENTS,
    MAX_EVIDENCE,
    MAX_EXPLANATION,
    Answer,
)
from assess.framework.answers import Document as DocumentValue
from assess.framework.vocabulary import FIRST_YEAR, AnswerCode, Status
from assess.services.answering import MAX_REGION
from assess.services.assessments import AnswerView, AssessmentView
from assess.web.schemas.register import Links

# --- zelfevaluaties ---------------------------------------------------------------------


# A new assessment is for a year up to next year; the service checks it again at the time of
# the request, so a process running across New Year documents one year too few, never too many.
NEXT_YEAR = datetime.now(UTC).year + 1


class NieuweZelfevaluatie(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    jaar: Annotated[int, msgspec.Meta(ge=FIRST_YEAR, le=NEXT_YEAR, examples=[2026])]


class Document(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    """A document the answer rests on; `url` is null for a document without a web address."""

    titel: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=MAX_DOCUMENT_TITLE,
            examples=["Raadsbesluit APV-wijziging prostitutie 2024"],
        ),
    ]
    url: (
        Annotated[
            str,
            msgspec.Meta(
                max_length=MAX_DOCUMENT_URL,
                description="Een webadres dat begint met https:// of http://.",
                examples=["https://lokaleregelgeving.overheid.nl/CVDR123456"],
            ),
        ]
        | None
    ) = None

    @classmethod
    def of(cls, value: DocumentValue) -> Document:
        return cls(titel=value.title, url=value.url)


class AntwoordInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    antwoord: AnswerCode
    regionaal: bool = False
    toelichting: Annotated[str, msgspec.Meta(max_length=MAX_EXPLANATION)] = ""
    bewijs: Annotated[str, msgspec.Meta(max_length=MAX_EVIDENCE)] = ""
    # Left out: the answer keeps the documents it has (a client that predates them loses none).
    documenten: (
        Annotated[list[Document], msgspec.Meta(max_length=MAX_DOCUMENTS)] | msgspec.UnsetType
    ) = msgspec.UNSET

    @property
    def keeps_documents(self) -> bool:
        return isinstance(self.documenten, msgspec.UnsetType)

    def to_answer(self) -> Answer:
        """The answer as the form would give it: text trimmed, an empty address as none."""
        given = [] if isinstance(self.documenten, msgspec.UnsetType) else self.documenten
        documents = tuple(DocumentValue.as_typed(d.titel, d.url) for d in given)
        return Answer(
            self.antwoord.value,
            self.regionaal,
            self.toelichting.strip(),
            self.bewijs.strip(),
            documents,
        )


class DelingInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    deling: Sharing


class RegioInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    regio: Annotated[
        str,
        msgspec.Meta(
            max_length=MAX_REGION, examples=["centrumgemeente Zwolle en RIEC Oost-Nederland"]
        ),
    ]


class IndienInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    deling: Sharing | None = None


class Antwoord(msgspec.Struct, rename="camel"):
    vraag_id: str
    antwoord: str
    regionaal: bool
    toelichting: str
    bewijs: str
    documenten: list[Document]
    vooringevuld: bool
    gewijzigd_op: datetime
    versie: int  # of this answer alone; its ETag

    @classmethod
    def of(cls, row: AnswerView) -> Antwoord:
        return cls(
            vraag_id=row.question_id,
            antwoord=row.code,
            regionaal=row.regional,
            toelichting=row.explanation,
            bewijs=row.evidence,
            documenten=[Document.of(d) for d in row.documents],
            vooringevuld=row.prefilled,
            gewijzigd_op=row.updated_at,
            versie=row.version,
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
    status: Status
    deling: Sharing
    regio: str | None
    vragenlijst: VragenlijstVersie
    versie: int
    synthetisch: bool
    aangemaakt_op: datetime
    gewijzigd_op: datetime
    ingediend_op: datetime | None

    @classmethod
    def of(cls, item: AssessmentView) -> ZelfevaluatieSamenvatting:
        return cls(**_summary_fields(item))


class Zelfevaluatie(ZelfevaluatieSamenvatting, rename="camel"):
    voortgang: Voortgang
    antwoorden: list[Antwoord]

    @classmethod
    def of(cls, item: AssessmentView) -> Zelfevaluatie:
        """Prefilled answers that are not yet confirmed count as open."""
        progress = item.progress()
        return cls(
            **_summary_fields(item),
            voortgang=Voortgang(
                totaal=progress.total,
                beantwoord=progress.answered,
                open=progress.total - progress.answered,
                percentage=progress.percentage,
            ),
            antwoorden=[Antwoord.of(item.answers[qid]) for qid in sorted(item.answers)],
        )


def _summary_fields(item: AssessmentView) -> dict[str, Any]:
    return {
        "id": item.id,
        "gemeentecode": item.municipality_code,
        "jaar": item.year,
        "status": item.status,
        "deling": item.sharing,
        "regio": item.region,
        "vragenlijst": VragenlijstVersie(item.questionnaire.id, item.questionnaire.versie),
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
    status: Status
    versie: int
