"""The action plan part of the API: the plan of an assessment, adding and changing actions."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, get, post, put
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter, JSONBody, PathParameter
from litestar.status_codes import HTTP_201_CREATED

from assess.services import action_plan
from assess.services.action_plan import ActionView
from assess.web.api_assessments import (
    READ_ERRORS,
    WRITE_ERRORS,
    AnyRequest,
    AssessmentId,
    etag,
    expected_version,
)
from assess.web.deps import Db, viewer
from assess.web.errors import problems
from assess.web.schemas.actions import Actie, ActieInvoer, Actieplan

ActionId = Annotated[UUID, PathParameter(description="Id van de actie")]
ActionIfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='ETag van deze actie (zoals "2"); 412 als de actie intussen is gewijzigd.',
    ),
]
ACTION_ETAG = [
    ResponseHeader(
        name="ETag",
        description='Versie van deze actie, zoals "2"; stuur die mee als If-Match.',
        documentation_only=True,
    )
]


def one_action(action: ActionView, status_code: int = 200) -> Response[Actie]:
    return Response(
        Actie.of(action), status_code=status_code, headers={"ETag": etag(action.version)}
    )


class ActiesController(Controller):
    path = "/zelfevaluaties/{zelfevaluatie_id:uuid}/acties"
    tags = ["Actieplan"]

    @get(
        sync_to_thread=True,
        operation_id="getActieplan",
        summary="Het actieplan van een zelfevaluatie, met wat de analyse voorstelt",
        description=(
            "`items`: de acties van de gemeente, in volgorde, met trekker, datum en status; een "
            "actie die uit vorig jaar is overgenomen noemt `overgenomenVan`. `voorstellen`: de "
            "tekorten en 'weet ik niet'-antwoorden zonder actie, eerst het basisniveau; neem er "
            "een over met POST en het `vraagId`."
        ),
        responses=READ_ERRORS,
    )
    def get_actieplan(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Actieplan:
        return Actieplan.of(action_plan.plan(db, viewer(request), zelfevaluatie_id))

    @post(
        sync_to_thread=True,
        operation_id="postActie",
        status_code=HTTP_201_CREATED,
        response_headers=ACTION_ETAG,
        summary="Voeg een actie toe aan het actieplan",
        description=(
            "Met `vraagId` hoort de actie bij een vraag (zoals een voorstel), zonder is het een "
            "eigen actie. Ook na het indienen: het actieplan loopt het hele jaar door."
        ),
        responses=WRITE_ERRORS,
    )
    def post_actie(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        data: JSONBody[ActieInvoer],
    ) -> Response[Actie]:
        added = action_plan.add(db, viewer(request), zelfevaluatie_id, data.to_draft())
        return one_action(added, HTTP_201_CREATED)

    @put(
        "/{actie_id:uuid}",
        sync_to_thread=True,
        operation_id="putActie",
        response_headers=ACTION_ETAG,
        summary="Wijzig een actie",
        description=(
            "Vervangt de actie door wat u stuurt. Met If-Match (de ETag van deze actie) volgt "
            "412, met de huidige actie, als iemand anders haar intussen wijzigde."
        ),
        responses={**WRITE_ERRORS, **problems(412)},
    )
    def put_actie(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        actie_id: ActionId,
        data: JSONBody[ActieInvoer],
        if_match: ActionIfMatch = None,
    ) -> Response[Actie]:
        changed = action_plan.change(
            db,
            viewer(request),
            zelfevaluatie_id,
            actie_id,
            data.to_draft(),
            expected_version(if_match),
        )
        return one_action(changed)
