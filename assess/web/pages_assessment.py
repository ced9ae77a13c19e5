"""The officer's journey through one assessment: fill in per domain, review and submit, results."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess import report_data, services
from assess.access import Principal, Sharing, can_write
from assess.db.models import Assessment
from assess.errors import Conflict, InvalidInput, StaleVersion
from assess.framework.schema import Domain
from assess.i18n import _, current_language
from assess.web.api_assessments import pdf_download
from assess.web.deps import Db, client_source
from assess.web.forms import read_domain
from assess.web.pages import SIGNED_IN, Form, Viewer, page, text

AssessmentId = Annotated[UUID, PathParameter()]
DomainCode = Annotated[str, PathParameter(pattern=r"^[A-Z]$")]
QuestionId = Annotated[str, PathParameter(pattern=r"^[A-Z][0-9]{1,2}$")]


def domain_of(item: Assessment, code: str) -> Domain:
    domain = next((d for d in services.questionnaire_of(item).domeinen if d.code == code), None)
    if domain is None:
        raise services.NotFound(_("Dit domein bestaat niet in deze vragenlijst."))
    return domain


def expected_version(form: dict[str, Any]) -> int | None:
    raw = text(form, "versie")
    return int(raw) if raw.isdigit() else None


class AssessmentPages(Controller):
    path = "/zelfevaluaties/{zelfevaluatie_id:uuid}"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get(sync_to_thread=True)
    def overview(self, db: Db, viewer: Viewer, zelfevaluatie_id: AssessmentId) -> Redirect:
        item = services.readable_assessment(db, viewer, zelfevaluatie_id)
        target = "resultaten" if item.status == services.SUBMITTED else "domein/A"
        return Redirect(f"/zelfevaluaties/{item.id}/{target}", status_code=303)

    def _domain_page(
        self,
        db: Session,
        viewer: Principal,
        item: Assessment,
        domain: Domain,
        status: int = 200,
        **extra: Any,
    ) -> Template:
        questionnaire = services.questionnaire_of(item)
        rows = {row.question_id: row for row in item.answers}
        domains = [(d, services.progress(item, d.code)) for d in questionnaire.domeinen]
        codes = [d.code for d in questionnaire.domeinen]
        position = codes.index(domain.code)
        context = {
            "viewer": viewer,
            "item": item,
            "gemeente": services.municipality(db, item.municipality_code),
            "vragenlijst": questionnaire,
            "domein": domain,
            "domeinen": domains,
            "vorige": codes[position - 1] if position > 0 else None,
            "volgende": codes[position + 1] if position + 1 < len(codes) else None,
            "antwoorden": rows,
            "getypt": {},
            "fouten": {},
            "melding": None,
            "alleen_lezen": item.status == services.SUBMITTED
            or not can_write(viewer, item.municipality_code),
        }
        return page("domein.html", status, **{**context, **extra})

    @get("/domein/{code:str}", sync_to_thread=True)
    def domain(
        self, db: Db, viewer: Viewer, zelfevaluatie_id: AssessmentId, code: DomainCode
    ) -> Template:
        item = services.readable_assessment(db, viewer, zelfevaluatie_id)
        return self._domain_page(db, viewer, item, domain_of(item, code))

    @post("/domein/{code:str}", sync_to_thread=True, status_code=HTTP_200_OK)
    def save_domain(
        self,
        request: Request,
        db: Db,
        viewer: Viewer,
        zelfevaluatie_id: AssessmentId,
        code: DomainCode,
        data: Form,
    ) -> Template | Redirect:
        item = services.writable_assessment(db, viewer, zelfevaluatie_id)
        domain = domain_of(item, code)
        only = text(data, "alleen") or None
        form = read_domain(data, domain.vragen, _, only)
        if form.errors:
            message = _("Niet opgeslagen: verbeter de gemarkeerde antwoorden.")
            return self._domain_page(
                db,
                viewer,
                item,
                domain,
                400,
                getypt=form.typed,
                fouten=form.errors,
                melding=("fout", message),
            )
        version = expected_version(data)
        if version is not None and version != item.version:
            message = _(
                "Iemand anders heeft deze zelfevaluatie intussen gewijzigd. Uw invoer staat "
                "hieronder; controleer de antwoorden en sla opnieuw op."
            )
            return self._domain_page(
                db, viewer, item, domain, 409, getypt=form.typed, melding=("fout", message)
            )
        actor = services.Actor.of(viewer, client_source(request))
        try:
            for question_id, answer in form.answers.items():
                services.save_answer(db, item.id, question_id, answer, actor)
        except Conflict as exc:
            return self._domain_page(
                db, viewer, item, domain, 409, getypt=form.typed, melding=("fout", exc.detail)
            )
        target = text(data, "ga_naar")
        if target == "controle":
            return Redirect(f"/zelfevaluaties/{item.id}/indienen", status_code=303)
        if target.isalpha() and len(target) == 1:
            return Redirect(f"/zelfevaluaties/{item.id}/domein/{target}", status_code=303)
        return self._domain_page(
            db, viewer, item, domain, melding=("ok", _("Uw antwoorden zijn opgeslagen."))
        )

    @post("/vraag/{vraag_id:str}", sync_to_thread=True, status_code=HTTP_200_OK)
    def autosave(
        self,
        request: Request,
        db: Db,
        viewer: Viewer,
        zelfevaluatie_id: AssessmentId,
        vraag_id: QuestionId,
        data: Form,
    ) -> Response[dict[str, Any]]:
        """One answer, saved by the page's script; JSON back with the new version."""
        item = services.writable_assessment(db, viewer, zelfevaluatie_id)
        question = services.questionnaire_of(item).question(vraag_id)
        if question is None:
            raise services.NotFound(_("Deze vraag bestaat niet."))
        form = read_domain(data, [question], _)
        if vraag_id in form.errors:
            return Response({"fouten": form.errors[vraag_id]}, status_code=400)
        if vraag_id not in form.answers:
            return Response({"fouten": {"antwoord": _("Kies een antwoord.")}}, status_code=400)
        try:
            services.save_answer(
                db,
                item.id,
                vraag_id,
                form.answers[vraag_id],
                services.Actor.of(viewer, client_source(request)),
                expected_version(data),
            )
        except StaleVersion:
            message = _("Iemand anders heeft intussen opgeslagen. Laad de pagina opnieuw.")
            return Response({"melding": message}, status_code=412)
        except Conflict as exc:
            return Response({"melding": exc.detail}, status_code=409)
        done = services.progress(item, vraag_id[0])
        return Response({"versie": item.version, "beantwoord": done.answered, "totaal": done.total})

    @get("/indienen", sync_to_thread=True)
    def review(self, db: Db, viewer: Viewer, zelfevaluatie_id: AssessmentId) -> Template:
        item = services.readable_assessment(db, viewer, zelfevaluatie_id)
        return self._review_page(db, viewer, item)

    def _review_page(
        self, db: Session, viewer: Principal, item: Assessment, status: int = 200, **extra: Any
    ) -> Template:
        questionnaire = services.questionnaire_of(item)
        rows = {row.question_id: row for row in item.answers}
        open_questions = [q for q in questionnaire.questions() if q.id not in rows]
        unconfirmed = [
            q for q in questionnaire.questions() if q.id in rows and rows[q.id].prefilled
        ]
        submitter = services.submitter_of(db, item)
        context = {
            "viewer": viewer,
            "item": item,
            "gemeente": services.municipality(db, item.municipality_code),
            "vragenlijst": questionnaire,
            "open": open_questions,
            "te_bevestigen": unconfirmed,
            "ingediend_door": submitter,
            "delingen": list(Sharing),
            "fout": None,
        }
        return page("indienen.html", status, **{**context, **extra})

    @post("/indienen", sync_to_thread=True, status_code=HTTP_200_OK)
    def submit(
        self, request: Request, db: Db, viewer: Viewer, zelfevaluatie_id: AssessmentId, data: Form
    ) -> Template | Redirect:
        item = services.writable_assessment(db, viewer, zelfevaluatie_id)
        if item.status == services.SUBMITTED:  # a second click on the button is harmless
            return Redirect(f"/zelfevaluaties/{item.id}/resultaten", status_code=303)
        choice = text(data, "deling")
        if choice not in {s.value for s in Sharing}:
            return self._review_page(
                db, viewer, item, 400, fout=_("Kies wat VNG en andere gemeenten mogen zien.")
            )
        actor = services.Actor.of(viewer, client_source(request))
        try:
            services.set_sharing(db, viewer, item.id, Sharing(choice), client_source(request))
            services.submit(db, item.id, actor)
        except (Conflict, InvalidInput) as exc:
            return self._review_page(db, viewer, item, 409, fout=exc.detail)
        return Redirect(f"/zelfevaluaties/{item.id}/resultaten", status_code=303)

    @get("/resultaten", sync_to_thread=True)
    def results(
        self, request: Request, db: Db, viewer: Viewer, zelfevaluatie_id: AssessmentId
    ) -> Template:
        item = services.readable_assessment(db, viewer, zelfevaluatie_id)
        minimum = request.app.state.settings.min_group_size
        previous = services.previous_assessment(db, item)
        return page(
            "resultaten.html",
            viewer=viewer,
            item=item,
            gemeente=services.municipality(db, item.municipality_code),
            vragenlijst=services.questionnaire_of(item),
            domeintitels={d.code: d.titel for d in services.questionnaire_of(item).domeinen},
            analyse=services.analyse_assessment(item),
            vorige=previous,
            vorige_analyse=services.analyse_assessment(previous) if previous else None,
            antwoorden={row.question_id: row for row in item.answers},
            vergelijkingen=[
                services.peer_comparison(db, item, group, minimum)
                for group in services.PEER_GROUP_ORDER
            ],
        )

    @get("/rapport.pdf", sync_to_thread=True)
    def report_pdf(
        self, request: Request, db: Db, viewer: Viewer, zelfevaluatie_id: AssessmentId
    ) -> Response[bytes]:
        """The PDF report in the page's language (the API needs a token; pages a session)."""
        item = services.readable_assessment(db, viewer, zelfevaluatie_id)
        minimum = request.app.state.settings.min_group_size
        result = report_data.report_file(db, item, minimum, current_language(), reader=viewer)
        return pdf_download(result)
