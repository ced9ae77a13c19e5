"""The zelfevaluaties part of the API: create, read, answer, submit, analyse, compare."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, Response, get, post, put
from litestar.datastructures import ResponseHeader
from litestar.params import HeaderParameter, JSONBody, PathParameter, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from assess.framework.vocabulary import PeerGroup
from assess.services import accounts, answering, answers, assessments, comparison, reports
from assess.services.assessments import AnswerView, AssessmentView
from assess.web.deps import Db, min_group_size, viewer
from assess.web.downloads import pdf_download
from assess.web.errors import problems
from assess.web.inline import committed
from assess.web.params import GemeenteCode, Page, PageSize, page_links
from assess.web.schemas.assessments import (
    Aangemaakt,
    Antwoord,
    AntwoordInvoer,
    DelingInvoer,
    IndienInvoer,
    NieuweZelfevaluatie,
    RegioInvoer,
    Zelfevaluatie,
    ZelfevaluatieSamenvatting,
    ZelfevaluatiesPagina,
)
from assess.web.schemas.results import Analyse, Vergelijking, analyse_of, comparison_of

AnyRequest = Request[Any, Any, Any]
AssessmentId = Annotated[UUID, PathParameter(description="Id van de zelfevaluatie")]
QuestionId = Annotated[
    str, PathParameter(pattern=r"^[A-Z][0-9]{1,2}$", description="Vraag-id, zoals B2")
]
IfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description='ETag van de zelfevaluatie (zoals "3"); bij een andere versie volgt 412.',
    ),
]
AnswerIfMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-Match",
        required=False,
        description=(
            'ETag van dit antwoord (zoals "2"); 412 als het antwoord intussen is gewijzigd. '
            "Alleen dit antwoord telt: collega's op andere vragen geven nooit 412."
        ),
    ),
]
IfNoneMatch = Annotated[
    str | None,
    HeaderParameter(
        name="If-None-Match",
        required=False,
        description="`*`: alleen opslaan als de vraag nog niet beantwoord is (anders 412).",
    ),
]


READ_ERRORS = problems(400, 401, 404)
ETAG = [
    ResponseHeader(
        name="ETag",
        description='Versie van de zelfevaluatie, zoals "3"; stuur die mee als If-Match.',
        documentation_only=True,
    )
]
ANSWER_ETAG = [
    ResponseHeader(
        name="ETag",
        description='Versie van dit antwoord, zoals "2"; stuur die mee als If-Match.',
        documentation_only=True,
    )
]
LOCATION = [
    ResponseHeader(
        name="Location", description="Adres van de nieuwe zelfevaluatie.", documentation_only=True
    ),
    *ETAG,
]
WRITE_ERRORS = problems(400, 401, 403, 404, 409, 413)


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(if_match: str | None, if_none_match: str | None = None) -> int | None:
    """The version an If-Match header names (-1, never current, when it is malformed);
    `If-None-Match: *` names 'not answered yet'."""
    if if_none_match is not None and if_none_match.strip() == "*":
        return answers.NOT_ANSWERED
    if if_match is None or if_match.strip() == "*":
        return None
    value = if_match.strip().removeprefix("W/").strip('"')
    return int(value) if value.isdigit() and len(value) < 10 else -1


def one_answer(found: AnswerView) -> Response[Antwoord]:
    return Response(Antwoord.of(found), headers={"ETag": etag(found.version)})


def full(item: AssessmentView) -> Response[Zelfevaluatie]:
    return Response(Zelfevaluatie.of(item), headers={"ETag": etag(item.version)})


class GemeenteZelfevaluatiesController(Controller):
    path = "/gemeenten/{gemeentecode:str}/zelfevaluaties"
    tags = ["Zelfevaluaties"]

    @get(
        sync_to_thread=True,
        operation_id="listZelfevaluaties",
        summary="Zelfevaluaties van een gemeente",
        description=(
            "Een medewerker ziet alle zelfevaluaties van de eigen gemeente; een analist alleen de "
            "ingediende zelfevaluaties die de gemeente met naam deelt (`benoemd`)."
        ),
        responses=READ_ERRORS,
    )
    def list_zelfevaluaties(
        self,
        request: AnyRequest,
        db: Db,
        gemeentecode: GemeenteCode,
        page: Page = 1,
        page_size: PageSize = 100,
    ) -> ZelfevaluatiesPagina:
        items, total = assessments.of_gemeente(db, viewer(request), gemeentecode, page, page_size)
        return ZelfevaluatiesPagina(
            zelfevaluaties=[ZelfevaluatieSamenvatting.of(item) for item in items],
            totaal=total,
            page=page,
            page_size=page_size,
            links=page_links(request, page, page_size, total),
        )

    @post(
        sync_to_thread=True,
        operation_id="createZelfevaluatie",
        response_headers=LOCATION,
        summary="Start een zelfevaluatie",
        description="Start de zelfevaluatie van een peiljaar op de nieuwste vragenlijst. "
        "409 als dat jaar al een zelfevaluatie heeft.",
        status_code=HTTP_201_CREATED,
        responses=WRITE_ERRORS,
    )
    def create_zelfevaluatie(
        self,
        request: AnyRequest,
        db: Db,
        gemeentecode: GemeenteCode,
        data: JSONBody[NieuweZelfevaluatie],
    ) -> Response[Aangemaakt]:
        item = answering.start(db, viewer(request), gemeentecode, data.jaar)
        body = Aangemaakt(item.id, item.municipality_code, item.year, item.status, item.version)
        return Response(
            body,
            status_code=HTTP_201_CREATED,
            headers={"Location": f"/api/v1/zelfevaluaties/{item.id}", "ETag": etag(item.version)},
        )


class ZelfevaluatieController(Controller):
    path = "/zelfevaluaties/{zelfevaluatie_id:uuid}"
    tags = ["Zelfevaluaties"]

    @get(
        sync_to_thread=True,
        operation_id="getZelfevaluatie",
        response_headers=ETAG,
        summary="Eén zelfevaluatie met antwoorden en voortgang",
        description="De ETag-header bevat de versie; gebruik die als If-Match bij het opslaan.",
        responses=READ_ERRORS,
    )
    def get_zelfevaluatie(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Response[Zelfevaluatie]:
        return full(assessments.get(db, viewer(request), zelfevaluatie_id))

    @get(
        "/antwoorden/{vraag_id:str}",
        sync_to_thread=True,
        operation_id="getAntwoord",
        response_headers=ANSWER_ETAG,
        summary="Het antwoord op één vraag, met zijn eigen versie",
        description="404 als de vraag nog niet beantwoord is.",
        responses=READ_ERRORS,
    )
    def get_antwoord(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId, vraag_id: QuestionId
    ) -> Response[Antwoord]:
        return one_answer(answers.get(db, viewer(request), zelfevaluatie_id, vraag_id))

    @put(
        "/antwoorden/{vraag_id:str}",
        operation_id="putAntwoord",
        response_headers=ANSWER_ETAG,
        summary="Sla het antwoord op één vraag op",
        description=(
            "'nvt' vraagt een toelichting en mag alleen waar de vraag dat toestaat; 'regionaal' "
            "alleen waar de vraag dat toestaat. Geeft het opgeslagen antwoord met zijn nieuwe "
            "ETag. Met If-Match (de ETag van dit antwoord) volgt 412, met het huidige antwoord, "
            "als iemand anders dit antwoord intussen wijzigde; zonder If-Match wint de laatste "
            "en volgt nooit 412. Een ingediende zelfevaluatie geeft 409."
        ),
        responses={**WRITE_ERRORS, **problems(412)},
    )
    async def put_antwoord(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        vraag_id: QuestionId,
        data: JSONBody[AntwoordInvoer],
        if_match: AnswerIfMatch = None,
        if_none_match: IfNoneMatch = None,
    ) -> Response[Antwoord]:
        def save() -> Response[Antwoord]:
            saved = answers.save(
                db,
                viewer(request),
                zelfevaluatie_id,
                vraag_id,
                data.to_answer(),
                expected_version(if_match, if_none_match),
                keep_documents=data.keeps_documents,
            )
            return one_answer(saved)

        return await committed(request, db, save)

    @put(
        "/deling",
        sync_to_thread=True,
        operation_id="putDeling",
        response_headers=ETAG,
        summary="Kies wat VNG en andere gemeenten zien",
        description=(
            "`prive`: alleen voor de eigen gemeente; `geanonimiseerd`: telt anoniem mee in "
            "vergelijkingen en de benchmark (standaard); `benoemd`: VNG mag de zelfevaluatie met "
            "naam inzien."
        ),
        responses={**WRITE_ERRORS, **problems(412)},
    )
    def put_deling(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        data: JSONBody[DelingInvoer],
        if_match: IfMatch = None,
    ) -> Response[Zelfevaluatie]:
        who, version = viewer(request), expected_version(if_match)
        return full(answering.set_sharing(db, who, zelfevaluatie_id, data.deling, version))

    @put(
        "/regio",
        sync_to_thread=True,
        operation_id="putRegio",
        response_headers=ETAG,
        summary="Noem de regio van de regionaal geregelde antwoorden",
        description=(
            "De regio, zoals het RIEC of de centrumgemeente, waarop antwoorden met "
            "`regionaal: true` steunen. Een nieuwe zelfevaluatie noemt de RIEC-regio van de "
            "gemeente. Een tekort op een regionaal geregelde vraag wordt een actie om met deze "
            "regio te bespreken. Na indienen ligt de regio vast (409)."
        ),
        responses={**WRITE_ERRORS, **problems(412)},
    )
    def put_regio(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        data: JSONBody[RegioInvoer],
        if_match: IfMatch = None,
    ) -> Response[Zelfevaluatie]:
        who, version = viewer(request), expected_version(if_match)
        return full(answering.set_region(db, who, zelfevaluatie_id, data.regio, version))

    @post(
        "/indienen",
        sync_to_thread=True,
        operation_id="indienenZelfevaluatie",
        response_headers=ETAG,
        summary="Dien de zelfevaluatie in",
        description=(
            "Kan alleen als elke vraag is beantwoord. Daarna zijn de antwoorden alleen-lezen "
            "(409). Geef optioneel meteen het deelniveau mee."
        ),
        status_code=HTTP_200_OK,
        responses={**WRITE_ERRORS, **problems(412)},
    )
    def indienen(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        data: JSONBody[IndienInvoer | None] = None,
        if_match: IfMatch = None,
    ) -> Response[Zelfevaluatie]:
        sharing = data.deling if data is not None else None
        version = expected_version(if_match)
        return full(
            answering.submit(db, viewer(request), zelfevaluatie_id, sharing, expected=version)
        )

    @get(
        "/analyse",
        operation_id="getAnalyse",
        summary="Scores en tekorten met aanbevelingen",
        description=(
            "Scores per domein en pijler (0-100 tegen het doel) en `tekorten`: elke vraag onder "
            "het doel, met de aanbeveling, op prioriteit (gewicht x afstand tot het doel). 'nvt' "
            "en gehaalde doelen zijn geen tekort; 'onbekend' wel (inzichttekort)."
        ),
        responses=READ_ERRORS,
    )
    async def get_analyse(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Analyse:
        def read() -> Analyse:
            return analyse_of(assessments.get(db, viewer(request), zelfevaluatie_id))

        return await committed(request, db, read)

    @get(
        "/vergelijking",
        operation_id="getVergelijking",
        summary="Vergelijking met een groep gemeenten",
        description=(
            "Eigen scores naast mediaan en kwartielen van de ingediende, gedeelde "
            "zelfevaluaties van hetzelfde jaar en dezelfde vragenlijstversie in de groep. Een "
            "groep kleiner dan ASSESS_MIN_GROUP_SIZE geeft alleen n en de reden."
        ),
        responses={**READ_ERRORS, **problems(400)},
    )
    async def get_vergelijking(
        self,
        request: AnyRequest,
        db: Db,
        zelfevaluatie_id: AssessmentId,
        groep: Annotated[
            PeerGroup, QueryParameter(description="Vergelijkingsgroep")
        ] = PeerGroup.ALL,
    ) -> Vergelijking:
        def read() -> Vergelijking:
            minimum = min_group_size(request)
            peer = comparison.peer_comparison(db, viewer(request), zelfevaluatie_id, groep, minimum)
            return comparison_of(peer, minimum)

        return await committed(request, db, read)

    @get(
        "/rapport",
        sync_to_thread=True,
        operation_id="getRapport",
        summary="Rapport voor college en raad (PDF)",
        description=(
            "Het rapport als toegankelijke PDF (PDF/UA-1): samenvatting, scores per domein en "
            "pijler, vergelijking met andere gemeenten, ontwikkeling door de jaren, tekorten als "
            "actieplan en alle antwoorden. In de taal van de gebruiker (Nederlands of Engels). "
            "Een concept heeft een CONCEPT-markering. Een ongewijzigd rapport komt uit de cache. "
            "Met If-None-Match (de ETag van een eerdere download) volgt 304 zolang de inhoud "
            "niet is veranderd."
        ),
        media_type="application/pdf",
        response_headers=[
            ResponseHeader(
                name="ETag",
                description='Zwakke ETag van de inhoud, zoals W/"3f2a…", voor If-None-Match.',
                documentation_only=True,
            ),
            ResponseHeader(
                name="Content-Disposition",
                description=(
                    'Download met bestandsnaam, zoals attachment; filename="zelfscan-'
                    'mensenhandel-zwolle-2026.pdf".'
                ),
                documentation_only=True,
            ),
        ],
        responses=READ_ERRORS,
    )
    def get_rapport(
        self, request: AnyRequest, db: Db, zelfevaluatie_id: AssessmentId
    ) -> Response[bytes]:
        who = viewer(request)
        result = reports.report_file(
            db,
            who,
            zelfevaluatie_id,
            min_group_size(request),
            accounts.account(db, who).language,
            memory=request.app.state.report_memory,
        )
        return pdf_download(result, request.headers.get("If-None-Match"))
