"""The JSON API under /api/v1. Handlers parse, call a service and return a schema."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Request, get
from litestar.datastructures import URL
from litestar.params import FromPath, PathParameter, QueryParameter

from assess import services
from assess.web.deps import Db
from assess.web.errors import problems
from assess.web.schemas import (
    Gemeente,
    GemeentenPagina,
    Links,
    Vragenlijst,
    VragenlijstSamenvatting,
)

GemeenteCode = Annotated[
    str, PathParameter(pattern=r"^GM[0-9]{4}$", description="CBS-gemeentecode, zoals GM0193")
]
Page = Annotated[int, QueryParameter(ge=1, description="Paginanummer (vanaf 1)")]
PageSize = Annotated[
    int, QueryParameter(name="pageSize", ge=1, le=500, description="Aantal per pagina")
]


def page_links(request: Request, page: int, size: int, total: int) -> Links:
    last = max((total + size - 1) // size, 1)

    def link(n: int) -> str:
        query = {**request.query_params.dict(), "page": [str(n)], "pageSize": [str(size)]}
        params = "&".join(f"{k}={v}" for k, values in query.items() for v in values)
        return str(URL.from_components(path=request.url.path, query=params))

    return Links(
        self=link(page),
        first=link(1),
        prev=link(page - 1) if page > 1 else None,
        next=link(page + 1) if page < last else None,
        last=link(last),
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
        request: Request,
        db: Db,
        page: Page = 1,
        page_size: PageSize = 100,
        opgeheven: Annotated[bool, QueryParameter(description="Ook opgeheven gemeenten")] = False,
    ) -> GemeentenPagina:
        found = services.municipalities(db, include_ended=opgeheven)
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
        return Gemeente.of(services.municipality(db, gemeentecode))


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
        return [
            VragenlijstSamenvatting.of(services.definition_of(v))
            for v in services.questionnaire_versions(db)
        ]

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
        version = services.questionnaire_version(db, vragenlijst_id, versie)
        return Vragenlijst.of(services.definition_of(version))
