"""The JSON API under /api/v1. Handlers parse, call a service and return a schema."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get
from litestar.params import FromPath, QueryParameter

from assess.services import questionnaires, register
from assess.web.deps import Db
from assess.web.errors import problems
from assess.web.params import GemeenteCode, Page, PageSize, page_links
from assess.web.schemas.register import (
    Gemeente,
    GemeentenPagina,
    Vragenlijst,
    VragenlijstSamenvatting,
)


class GemeentenController(Controller):
    path = "/gemeenten"
    tags = ["Gemeenten"]

    @get(
        sync_to_thread=True,
        operation_id="listGemeenten",
        summary="Gemeenten in het register",
        responses=problems(400),
        description="De gemeenten die nu bestaan; met `opgeheven=true` ook opgeheven gemeenten.",
    )
    def list_gemeenten(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        page: Page = 1,
        page_size: PageSize = 100,
        opgeheven: Annotated[bool, QueryParameter(description="Ook opgeheven gemeenten")] = False,
    ) -> GemeentenPagina:
        found = register.gemeenten(db, include_ended=opgeheven)
        start = (page - 1) * page_size
        return GemeentenPagina(
            gemeenten=[Gemeente.of(m) for m in found[start : start + page_size]],
            totaal=len(found),
            page=page,
            page_size=page_size,
            links=page_links(request, page, page_size, len(found)),
        )

    @get(
        "/{gemeentecode:str}",
        sync_to_thread=True,
        operation_id="getGemeente",
        summary="Eén gemeente",
        responses=problems(400, 404),
        description="Een gemeente met haar kenmerken; een opgeheven gemeente noemt haar opvolger.",
    )
    def get_gemeente(self, db: Db, gemeentecode: GemeenteCode) -> Gemeente:
        return Gemeente.of(register.gemeente(db, gemeentecode))


class VragenlijstenController(Controller):
    path = "/vragenlijsten"
    tags = ["Vragenlijsten"]

    @get(
        sync_to_thread=True,
        operation_id="listVragenlijsten",
        summary="Geladen vragenlijsten",
        responses=problems(400),
        description="Elke geladen versie van elke vragenlijst.",
    )
    def list_vragenlijsten(self, db: Db) -> list[VragenlijstSamenvatting]:
        return [VragenlijstSamenvatting.of(q) for q in questionnaires.stored(db)]

    @get(
        "/{vragenlijst_id:str}",
        sync_to_thread=True,
        operation_id="getVragenlijst",
        summary="Eén vragenlijst",
        responses=problems(400, 404),
        description="De nieuwste versie, of een eerdere met `?versie=`.",
    )
    def get_vragenlijst(
        self,
        db: Db,
        vragenlijst_id: FromPath[str],
        versie: Annotated[str | None, QueryParameter(description="Versie, zoals 2026.1")] = None,
    ) -> Vragenlijst:
        return Vragenlijst.of(questionnaires.get(db, vragenlijst_id, versie))
