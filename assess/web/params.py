"""Parameters the API operations share: path and paging, and the paging links."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.datastructures import URL
from litestar.params import PathParameter, QueryParameter

from assess.municipalities import CODE
from assess.web.schemas.register import Links

GemeenteCode = Annotated[
    str, PathParameter(pattern=CODE, description="CBS-gemeentecode, zoals GM0193")
]
Page = Annotated[int, QueryParameter(ge=1, le=1_000_000, description="Paginanummer (vanaf 1)")]
PageSize = Annotated[
    int, QueryParameter(name="pageSize", ge=1, le=500, description="Aantal per pagina")
]


def page_links(request: Request[Any, Any, Any], page: int, size: int, total: int) -> Links:
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
