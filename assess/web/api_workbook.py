"""The workbook part of the API: an assessment as an Excel workbook, and reading one back."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.params import RawBody
from litestar.status_codes import HTTP_200_OK, HTTP_415_UNSUPPORTED_MEDIA_TYPE

from assess.i18n import _
from assess.services import workbook
from assess.web.api_assessments import READ_ERRORS, WRITE_ERRORS, AnyRequest, AssessmentId
from assess.web.deps import Db, viewer
from assess.web.downloads import MAX_WORKBOOK, XLSX, workbook_download
from assess.web.errors import problems
from assess.web.schemas.actions import Ingelezen


def require_xlsx(request: Request) -> None:  # type: ignore[type-arg]
    if request.headers.get("Content-Type", "").split(";")[0].strip() != XLSX:
        raise HTTPException(
            _("Stuur het werkboek als XLSX (Content-Type: {type}).").format(type=XLSX),
            status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        )


class WerkboekController(Controller):
    path = "/zelfevaluaties/{zelfevaluatie_id:uuid}/werkboek"
    tags = ["Actieplan"]

    @get(
        sync_to_thread=True,
        operation_id="getWerkboek",
        summary="De zelfevaluatie als Excel-werkboek, om samen in te vullen",
        description=(
            "Bladen: Leesmij (welke zelfevaluatie, hoe in te vullen), Antwoorden (per vraag de "
            "vier niveaus en een keuzelijst voor het antwoord) en Actieplan."
        ),
        responses=READ_ERRORS,
        media_type=XLSX,
    )
    def get_werkboek(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Response[bytes]:
        return workbook_download(*workbook.export(db, viewer(request), zelfevaluatie_id))

    @post(
        sync_to_thread=True,
        operation_id="postWerkboek",
        status_code=HTTP_200_OK,
        summary="Lees een ingevuld werkboek in",
        description=(
            "Alles of niets: klopt één cel niet, dan verandert er niets en noemt `invalidParams` "
            "elke cel (zoals `Antwoorden!G7`) met de reden. Een werkboek van een andere gemeente, "
            "een ander jaar of een andere zelfevaluatie wordt geweigerd (400). Een ingediende "
            "zelfevaluatie geeft 409. Stuur het bestand zelf als body, met Content-Type "
            f"`{XLSX}`. Geeft terug hoeveel antwoorden en acties er veranderden."
        ),
        responses={**WRITE_ERRORS, **problems(415)},
        request_max_body_size=MAX_WORKBOOK,
    )
    def post_werkboek(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, body: RawBody
    ) -> Ingelezen:
        require_xlsx(request)
        done = workbook.import_(db, viewer(request), zelfevaluatie_id, body)
        return Ingelezen(done.answers_changed, done.actions_changed, done.actions_added)
