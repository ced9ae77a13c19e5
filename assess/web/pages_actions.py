"""The action plan page: the gemeente's actions, each its own small form, what the gap
analysis proposes, and adding an own action. Works without JavaScript."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, PathParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess.access import Principal
from assess.errors import Conflict, InvalidInput, StaleVersion
from assess.framework.action_plan import Draft
from assess.framework.vocabulary import ActionStatus
from assess.i18n import _
from assess.services import action_plan, workbook
from assess.web.deps import Db, viewer
from assess.web.downloads import MAX_WORKBOOK, workbook_download
from assess.web.pages import AnyRequest, Form, page, text

AssessmentId = Annotated[UUID, PathParameter()]
ActionId = Annotated[UUID, PathParameter()]
NEW = "nieuw"  # the form of an own action to add
FIELDS = ("titel", "trekker", "gereedOp", "status", "toelichting")
Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def draft_of(form: dict[str, Any]) -> tuple[Draft | None, dict[str, str]]:
    """The action a form describes, or the problems of its date and status fields."""
    problems: dict[str, str] = {}
    due = None
    if typed := text(form, "gereedOp"):
        try:
            due = date.fromisoformat(typed)
        except ValueError:
            problems["gereedOp"] = _("Geef een datum als 2026-07-01.")
    status = text(form, "status") or ActionStatus.PLANNED.value
    if status not in ActionStatus.__members__.values():
        problems["status"] = _("Kies een status.")
    if problems:
        return None, problems
    question = text(form, "vraagId") or None
    return Draft(
        text(form, "titel"),
        text(form, "trekker"),
        due,
        ActionStatus(status),
        text(form, "toelichting"),
        question,
    ), {}


class ActionPlanPages(Controller):
    path = "/zelfevaluaties/{zelfevaluatie_id:uuid}/actieplan"
    include_in_schema = False

    def _render(
        self,
        db: Session,
        who: Principal,
        assessment_id: UUID,
        status: int = 200,
        form: str | None = None,
        typed: dict[str, str] | None = None,
        problems: dict[str, str] | None = None,
        message: str | None = None,
        summary: list[tuple[str, str]] | None = None,
        done: str | None = None,
    ) -> Template:
        return page(
            "actieplan.html",
            status,
            viewer=who,
            plan=action_plan.plan(db, who, assessment_id),
            statussen=list(ActionStatus),
            formulier=form,  # the form the typed values and problems belong to
            getypt=typed or {},
            fouten=problems or {},
            fouten_overzicht=summary or [(f"{form}-{k}", v) for k, v in (problems or {}).items()],
            melding=message,
            gelukt=done,
            werkboek_fout=bool(summary),
        )

    @get(sync_to_thread=True)
    def show(self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId) -> Template:
        return self._render(db, viewer(request), zelfevaluatie_id)

    @post(sync_to_thread=True, status_code=HTTP_200_OK)
    def add(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, data: Form
    ) -> Template | Redirect:
        who = viewer(request)
        form = text(data, "vraagId") or NEW
        draft, problems = draft_of(data)
        try:
            if draft is None:
                raise InvalidInput(_("De actie kan zo niet worden opgeslagen."), problems)
            added = action_plan.add(db, who, zelfevaluatie_id, draft)
        except InvalidInput as exc:
            typed = {name: text(data, name) for name in FIELDS}
            return self._render(
                db, who, zelfevaluatie_id, 400, form, typed, exc.invalid_params or {}
            )
        return Redirect(
            f"/zelfevaluaties/{zelfevaluatie_id}/actieplan#actie-{added.id}", status_code=303
        )

    @post("/{actie_id:uuid}", sync_to_thread=True, status_code=HTTP_200_OK)
    def change(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        actie_id: ActionId,
        data: Form,
    ) -> Template | Redirect:
        who = viewer(request)
        typed = {name: text(data, name) for name in FIELDS}
        seen = text(data, "versie")
        draft, problems = draft_of(data)
        try:
            if draft is None:
                raise InvalidInput(_("De actie kan zo niet worden opgeslagen."), problems)
            expected = int(seen) if seen.isdigit() else None
            action_plan.change(db, who, zelfevaluatie_id, actie_id, draft, expected)
        except InvalidInput as exc:
            problems = exc.invalid_params or {}
            return self._render(db, who, zelfevaluatie_id, 400, f"a-{actie_id}", typed, problems)
        except StaleVersion as exc:
            message = (
                exc.detail
                + " "
                + _("Hieronder staat de actie zoals die nu is; uw invoer staat in het formulier.")
            )
            return self._render(db, who, zelfevaluatie_id, 409, f"a-{actie_id}", typed, {}, message)
        return Redirect(
            f"/zelfevaluaties/{zelfevaluatie_id}/actieplan#actie-{actie_id}", status_code=303
        )

    @get("/werkboek.xlsx", sync_to_thread=True)
    def download_workbook(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Response[bytes]:
        return workbook_download(*workbook.export(db, viewer(request), zelfevaluatie_id))

    @post(
        "/werkboek",
        sync_to_thread=True,
        status_code=HTTP_200_OK,
        request_max_body_size=MAX_WORKBOOK,
    )
    def upload_workbook(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, data: Upload
    ) -> Template:
        who = viewer(request)
        upload = data.get("werkboek")
        content = upload.file.read() if isinstance(upload, UploadFile) else b""
        try:
            if not content:
                raise InvalidInput(_("Kies het ingevulde werkboek (.xlsx)."), {})
            done = workbook.import_(db, who, zelfevaluatie_id, content)
        except (InvalidInput, Conflict) as exc:
            cells = getattr(exc, "invalid_params", None) or {}
            summary = [("werkboek", f"{cell}: {reason}") for cell, reason in cells.items()]
            summary = summary or [("werkboek", exc.detail)]
            return self._render(db, who, zelfevaluatie_id, exc.status, summary=summary)
        message = _(
            "Werkboek ingelezen. Antwoorden gewijzigd: {a}; acties gewijzigd: {g}; "
            "acties toegevoegd: {t}."
        ).format(a=done.answers_changed, g=done.actions_changed, t=done.actions_added)
        return self._render(db, who, zelfevaluatie_id, done=message)
