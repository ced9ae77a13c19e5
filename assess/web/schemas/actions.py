"""Bodies of the action plan: an action as it is written, read and proposed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

import msgspec

from assess.framework.action_plan import MAX_NOTE, MAX_OWNER, MAX_TITLE, Draft, Proposal
from assess.framework.schema import Plateau
from assess.framework.vocabulary import ActionStatus
from assess.services.action_plan import ActionView, Plan

QuestionRef = Annotated[str, msgspec.Meta(pattern=r"^[A-Z][0-9]{1,2}$", examples=["B2"])]


class ActieInvoer(msgspec.Struct, rename="camel", forbid_unknown_fields=True):
    titel: Annotated[
        str,
        msgspec.Meta(
            min_length=1,
            max_length=MAX_TITLE,
            pattern=r"\S",  # more than spaces
            examples=["Stel een aandachtsfunctionaris mensenhandel aan"],
        ),
    ]
    trekker: Annotated[
        str,
        msgspec.Meta(
            max_length=MAX_OWNER,
            description="Een rol of afdeling, geen naam van een persoon nodig.",
            examples=["team Veiligheid"],
        ),
    ] = ""
    gereed_op: date | None = None
    status: ActionStatus = ActionStatus.PLANNED
    toelichting: Annotated[str, msgspec.Meta(max_length=MAX_NOTE)] = ""
    vraag_id: QuestionRef | None = None  # null: een eigen actie van de gemeente

    def to_draft(self) -> Draft:
        return Draft(
            self.titel,
            self.trekker,
            self.gereed_op,
            self.status,
            self.toelichting,
            self.vraag_id,
        )


class Overgenomen(msgspec.Struct, rename="camel"):
    actie_id: UUID
    jaar: int


class Actie(msgspec.Struct, rename="camel"):
    id: UUID
    vraag_id: str | None
    titel: str
    trekker: str
    gereed_op: date | None
    status: ActionStatus
    toelichting: str
    overgenomen_van: Overgenomen | None  # de actie van een eerder jaar waar deze uit voortkomt
    versie: int  # of this action alone; its ETag
    gewijzigd_op: datetime

    @classmethod
    def of(cls, action: ActionView) -> Actie:
        origin = action.carried_from
        return cls(
            id=action.id,
            vraag_id=action.question_id,
            titel=action.title,
            trekker=action.owner,
            gereed_op=action.due,
            status=action.status,
            toelichting=action.note,
            overgenomen_van=Overgenomen(origin.action_id, origin.year) if origin else None,
            versie=action.version,
            gewijzigd_op=action.updated_at,
        )


class Voorstel(msgspec.Struct, rename="camel"):
    vraag_id: str
    titel: str
    niveau: Plateau
    uitzoeken: bool  # een 'weet ik niet': de actie is uitzoeken hoe het staat

    @classmethod
    def of(cls, proposal: Proposal) -> Voorstel:
        return cls(proposal.question_id, proposal.title, proposal.plateau, proposal.find_out)


class Actieplan(msgspec.Struct, rename="camel"):
    items: list[Actie]
    voorstellen: list[Voorstel]  # tekorten en 'weet ik niet' zonder actie in het plan

    @classmethod
    def of(cls, plan: Plan) -> Actieplan:
        return cls([Actie.of(a) for a in plan.actions], [Voorstel.of(p) for p in plan.proposals])


class Ingelezen(msgspec.Struct, rename="camel"):
    antwoorden_gewijzigd: int
    acties_gewijzigd: int
    acties_toegevoegd: int
