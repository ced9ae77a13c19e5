"""The officer's journey through one assessment: fill in per domain, review and submit, results."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post
from litestar.params import PathParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK
from sqlalchemy.orm import Session

from assess.access import Principal, Sharing
from assess.errors import Conflict, InvalidInput, NotFound, StaleVersion
from assess.framework.answers import MAX_DOCUMENTS, Answer
from assess.framework.schema import Domain
from assess.i18n import _, current_language
from assess.services import (
    action_plan,
    answering,
    answers,
    assessments,
    register,
    reports,
    results,
)
from assess.services.answering import AlreadySubmitted
from assess.services.assessments import AnswerView, AssessmentView
from assess.web.deps import Db, min_group_size, viewer
from assess.web.downloads import pdf_download
from assess.web.forms import error_links, read_domain
from assess.web.pages import AnyRequest, Form, page, text

AssessmentId = Annotated[UUID, PathParameter()]
DomainCode = Annotated[str, PathParameter(pattern=r"^[A-Z]$")]
QuestionId = Annotated[str, PathParameter(pattern=r"^[A-Z][0-9]{1,2}$")]


def domain_of(item: AssessmentView, code: str) -> Domain:
    domain = next((d for d in item.questionnaire.domeinen if d.code == code), None)
    if domain is None:
        raise NotFound(_("Dit domein bestaat niet in deze vragenlijst."))
    return domain


def domain_or_first(item: AssessmentView, code: str) -> Domain:
    domains = item.questionnaire.domeinen
    return next((d for d in domains if d.code == code), domains[0])


def seen_version(form: dict[str, Any], question_id: str) -> int | None:
    """The version of the answer the page was showing (0: not answered); None if not sent."""
    raw = text(form, f"versie-{question_id}")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def conflicts(
    item: AssessmentView, form_answers: dict[str, Answer], data: dict[str, Any]
) -> dict[str, AnswerView]:
    """The questions a colleague saved differently since the page was loaded."""
    found = {}
    for question_id, answer in form_answers.items():
        seen, now = seen_version(data, question_id), item.answers.get(question_id)
        if seen is not None and now is not None and seen != now.version and now.answer != answer:
            found[question_id] = now
    return found


class AssessmentPages(Controller):
    path = "/zelfevaluaties/{zelfevaluatie_id:uuid}"
    include_in_schema = False

    @get(sync_to_thread=True)
    def overview(self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId) -> Redirect:
        item = assessments.get(db, viewer(request), zelfevaluatie_id)
        target = "resultaten" if item.submitted else "domein/A"
        return Redirect(f"/zelfevaluaties/{item.id}/{target}", status_code=303)

    def _domain_page(
        self,
        db: Session,
        who: Principal,
        item: AssessmentView,
        domain: Domain,
        status: int = 200,
        **extra: Any,
    ) -> Template:
        codes = [d.code for d in item.questionnaire.domeinen]
        position = codes.index(domain.code)
        context: dict[str, Any] = {
            "viewer": who,
            "item": item,
            "gemeente": register.gemeente(db, item.municipality_code),
            "vragenlijst": item.questionnaire,
            "domein": domain,
            "domeinen": [(d, item.progress(d.code)) for d in item.questionnaire.domeinen],
            "vorige": codes[position - 1] if position > 0 else None,
            "volgende": codes[position + 1] if position + 1 < len(codes) else None,
            "antwoorden": item.answers,
            "getypt": {},
            "fouten": {},
            "melding": None,
            "alleen_lezen": not item.writable,
            "regio_getypt": None,
            "fout_regio": None,
            "botsingen": {},
            "max_documenten": MAX_DOCUMENTS,
        }
        context |= extra
        region = [("regio", context["fout_regio"])] if context["fout_regio"] else []
        context["fouten_overzicht"] = error_links(context["fouten"]) + region
        return page("domein.html", status, **context)

    @get("/domein/{code:str}", sync_to_thread=True)
    def domain(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, code: DomainCode
    ) -> Template:
        who = viewer(request)
        item = assessments.get(db, who, zelfevaluatie_id)
        return self._domain_page(db, who, item, domain_of(item, code))

    @post("/domein/{code:str}", sync_to_thread=True, status_code=HTTP_200_OK)
    def save_domain(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        code: DomainCode,
        data: Form,
    ) -> Template | Redirect:
        """All or nothing: any error renders the page with what was typed, and the
        request's transaction rolls back the answers saved before it."""
        who = viewer(request)
        item = assessments.get(db, who, zelfevaluatie_id)
        domain = domain_of(item, code)
        form = read_domain(data, domain.vragen, _, text(data, "alleen") or None)
        if form.errors:
            message = _("Niet opgeslagen: verbeter de gemarkeerde antwoorden.")
            return self._domain_page(
                db,
                who,
                item,
                domain,
                400,
                getypt=form.typed,
                fouten=form.errors,
                melding=("fout", message),
            )
        clashes = conflicts(item, form.answers, data)
        if clashes:
            return self._conflict_page(db, who, item, domain, form.typed, clashes)
        only, confirm_all = text(data, "alleen"), text(data, "bevestig_alle") == "ja"
        try:
            for question_id, answer in form.answers.items():
                now = item.answers.get(question_id)
                if now is not None and now.answer == answer:
                    confirmed = confirm_all or only == question_id
                    if not now.prefilled or not confirmed:
                        continue  # unchanged; last year's answer is confirmed only explicitly
                expected = now.version if now else answers.NOT_ANSWERED
                answers.save(db, who, item.id, question_id, answer, expected)
        except StaleVersion:  # a colleague saved while this request ran; nothing is kept
            fresh = assessments.get(db, who, item.id)
            clashes = conflicts(fresh, form.answers, data)
            return self._conflict_page(db, who, fresh, domain, form.typed, clashes)
        except Conflict as exc:
            return self._domain_page(
                db, who, item, domain, 409, getypt=form.typed, melding=("fout", exc.detail)
            )
        target = text(data, "ga_naar")
        if only in form.typed:  # one answer confirmed or saved: back at it, not at the top
            return Redirect(
                f"/zelfevaluaties/{item.id}/domein/{code}#vraag-{only}", status_code=303
            )
        if target == "controle":
            return Redirect(f"/zelfevaluaties/{item.id}/indienen", status_code=303)
        if target.isalpha() and len(target) == 1:
            return Redirect(f"/zelfevaluaties/{item.id}/domein/{target}", status_code=303)
        item = assessments.get(db, who, item.id)
        return self._domain_page(
            db, who, item, domain, melding=("ok", _("Uw antwoorden zijn opgeslagen."))
        )

    def _conflict_page(
        self,
        db: Session,
        who: Principal,
        item: AssessmentView,
        domain: Domain,
        typed: dict[str, Any],
        clashes: dict[str, AnswerView],
    ) -> Template:
        """What was typed stays; each clashing question shows the colleague's answer, and its
        version becomes the current one, so that saving again keeps what was typed."""
        message = _(
            "Niet opgeslagen: een collega heeft intussen {n} van deze vragen anders beantwoord. "
            "Bij die vragen staat het antwoord van uw collega; uw eigen invoer staat in het "
            "formulier. Kies per vraag en sla opnieuw op."
        ).format(n=len(clashes))
        if not clashes:
            message = _("Niet opgeslagen: een collega sloeg tegelijk op. Sla opnieuw op.")
        return self._domain_page(
            db, who, item, domain, 409, getypt=typed, botsingen=clashes, melding=("fout", message)
        )

    @post("/regio", sync_to_thread=True, status_code=HTTP_200_OK)
    def save_region(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, data: Form
    ) -> Template | Redirect:
        """Name the region the regional answers rely on; back to the domain page."""
        who, typed = viewer(request), text(data, "regio")
        try:
            item = answering.set_region(db, who, zelfevaluatie_id, typed)
        except InvalidInput as exc:
            item = assessments.get(db, who, zelfevaluatie_id)
            domain = domain_or_first(item, text(data, "terug"))
            problem = exc.invalid_params["regio"]
            return self._domain_page(
                db, who, item, domain, 400, regio_getypt=typed, fout_regio=problem
            )
        code = domain_or_first(item, text(data, "terug")).code
        return Redirect(f"/zelfevaluaties/{item.id}/domein/{code}#regio", status_code=303)

    @post("/vraag/{vraag_id:str}", sync_to_thread=True, status_code=HTTP_200_OK)
    def autosave(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        vraag_id: QuestionId,
        data: Form,
    ) -> Response[dict[str, Any]]:
        """One answer, saved by the page's script; JSON back with the new version."""
        who = viewer(request)
        item = assessments.get(db, who, zelfevaluatie_id)
        question = item.questionnaire.question(vraag_id)
        if question is None:
            raise NotFound(_("Deze vraag bestaat niet."))
        form = read_domain(data, [question], _)
        if vraag_id in form.errors:
            return Response({"fouten": form.errors[vraag_id]}, status_code=400)
        if vraag_id not in form.answers:
            return Response({"fouten": {"antwoord": _("Kies een antwoord.")}}, status_code=400)
        try:
            saved = answers.save(
                db, who, item.id, vraag_id, form.answers[vraag_id], seen_version(data, vraag_id)
            )
        except StaleVersion as exc:
            return Response(
                {
                    "melding": exc.detail,
                    "versie": exc.version,
                    "huidig": msgspec.to_builtins(exc.current) if exc.current else None,
                },
                status_code=412,
            )
        except Conflict as exc:
            return Response({"melding": exc.detail}, status_code=409)
        domain = domain_of(item, vraag_id[0])
        return Response(
            {
                "versie": saved.version,
                "beantwoord": answers.answered_in(db, item.id, domain.code),
                "totaal": len(domain.vragen),
            }
        )

    def _review_page(
        self, db: Session, who: Principal, item_id: UUID, status: int = 200, **extra: Any
    ) -> Template:
        found = assessments.review(db, who, item_id)
        context = {
            "viewer": who,
            "item": found.item,
            "gemeente": found.gemeente,
            "vragenlijst": found.item.questionnaire,
            "open": found.blockers.open,
            "te_bevestigen": found.blockers.unconfirmed,
            "ingediend_door": found.submitted_by,
            "delingen": list(Sharing),
            "gekozen": None,  # privacy by default: nothing is chosen until the officer chooses
            "fout": None,
        }
        return page("indienen.html", status, **{**context, **extra})

    @get("/indienen", sync_to_thread=True)
    def review(self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId) -> Template:
        return self._review_page(db, viewer(request), zelfevaluatie_id)

    @post("/indienen", sync_to_thread=True, status_code=HTTP_200_OK)
    def submit(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, data: Form
    ) -> Template | Redirect:
        """Two steps: the choice of sharing is checked and shown for confirmation; only a
        confirmed post ("bevestigd") submits."""
        who = viewer(request)
        choice = text(data, "deling")
        sharing = Sharing(choice) if choice in set(Sharing) else None
        done = Redirect(f"/zelfevaluaties/{zelfevaluatie_id}/ingediend", status_code=303)
        try:
            if text(data, "bevestigd") != "ja":
                item = answering.ready_to_submit(db, who, zelfevaluatie_id, sharing)
                gemeente = register.gemeente(db, item.municipality_code)
                return page(
                    "indienen_bevestigen.html",
                    viewer=who,
                    item=item,
                    gemeente=gemeente,
                    deling=sharing,
                )
            answering.submit(db, who, zelfevaluatie_id, sharing, sharing_required=True)
        except AlreadySubmitted:  # a second click on the button is harmless
            return done
        except (Conflict, InvalidInput) as exc:
            return self._review_page(
                db, who, zelfevaluatie_id, exc.status, fout=exc.detail, gekozen=sharing
            )
        return done

    @get("/ingediend", sync_to_thread=True)
    def submitted(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Template | Redirect:
        found = assessments.review(db, viewer(request), zelfevaluatie_id)
        if not found.item.submitted:
            return Redirect(f"/zelfevaluaties/{zelfevaluatie_id}/indienen", status_code=303)
        return page(
            "ingediend.html", viewer=viewer(request), item=found.item, gemeente=found.gemeente
        )

    @get("/resultaten", sync_to_thread=True)
    def results(self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId) -> Template:
        who = viewer(request)
        found = results.results(db, who, zelfevaluatie_id, min_group_size(request))
        return page(
            "resultaten.html",
            viewer=who,
            item=found.item,
            gemeente=found.gemeente,
            vragenlijst=found.item.questionnaire,
            domeintitels={d.code: d.titel for d in found.item.questionnaire.domeinen},
            analyse=found.analysis,
            vorige=found.previous,
            antwoorden=found.item.answers,
            vergelijkingen=found.comparisons,
            gesloten=found.since_previous,
            vorig_plan=action_plan.last_year(db, who, zelfevaluatie_id),
        )

    @get("/rapport.pdf", sync_to_thread=True)
    def report_pdf(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Response[bytes]:
        """The PDF report in the page's language (the API needs a token; pages a session)."""
        result = reports.report_file(
            db,
            viewer(request),
            zelfevaluatie_id,
            min_group_size(request),
            current_language(),
            memory=request.app.state.report_memory,
        )
        return pdf_download(result, request.headers.get("If-None-Match"))
