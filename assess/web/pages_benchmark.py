"""The analyst's dashboard: a year's publication, trends, downloads; publishing (beheerder)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get, post
from litestar.params import PathParameter, QueryParameter
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK

from assess.errors import Conflict
from assess.exports import ExportFormat
from assess.framework.vocabulary import FIRST_YEAR, LAST_YEAR
from assess.services import benchmark, publications
from assess.web.auth import BENCHMARK_GUARD
from assess.web.deps import Db, min_group_size, viewer
from assess.web.downloads import file_download
from assess.web.pages import AnyRequest, page

Year = Annotated[int | None, QueryParameter(ge=FIRST_YEAR, le=LAST_YEAR)]
Number = Annotated[int | None, QueryParameter(ge=1)]


class BenchmarkPages(Controller):
    path = "/benchmark"
    include_in_schema = False

    @get(sync_to_thread=True, guards=[BENCHMARK_GUARD])
    def dashboard(
        self, request: AnyRequest, db: Db, jaar: Year = None, publicatie: Number = None
    ) -> Template:
        return self._dashboard(request, db, jaar, publicatie)

    def _dashboard(
        self,
        request: AnyRequest,
        db: Db,
        year: int | None,
        number: int | None,
        status: int = 200,
        fout: str | None = None,
    ) -> Template:
        who = viewer(request)
        found = benchmark.dashboard(db, who, year, number)
        shared = {
            "viewer": who,
            "jaren": found.years,
            "jaar": found.year,
            "publiceerbaar": found.publishable,
            "fout": fout,
        }
        if found.data is None:
            status = 404 if found.years and status == 200 else status
            return page("benchmark_leeg.html", status, **shared)
        return page(
            "benchmark.html",
            status,
            **shared,
            data=found.data,
            publicaties=found.publications,
            trend=found.trend,
            groepsgrootte=found.group_sizes,
            regio=found.region,
            domeintitels=found.domain_titles,
            vraagteksten=found.question_texts,
        )

    @post(
        "/{jaar:int}/publiceren",
        sync_to_thread=True,
        guards=[BENCHMARK_GUARD],
        status_code=HTTP_200_OK,
    )
    def publish(
        self, request: AnyRequest, db: Db, jaar: Annotated[int, PathParameter()]
    ) -> Template | Redirect:
        try:
            publications.publish(db, viewer(request), jaar, min_group_size(request))
        except Conflict as exc:
            return self._dashboard(request, db, jaar, None, exc.status, fout=exc.detail)
        return Redirect(f"/benchmark?jaar={jaar}", status_code=303)

    @get("/methode", sync_to_thread=False)  # the method is for every signed-in user
    def method(self, request: AnyRequest) -> Template:
        return page(
            "benchmark_methode.html", viewer=viewer(request), minimum=min_group_size(request)
        )

    @get("/{jaar:int}/export/{formaat:str}", sync_to_thread=True, guards=[BENCHMARK_GUARD])
    def export(
        self,
        request: AnyRequest,
        db: Db,
        jaar: Annotated[int, PathParameter()],
        formaat: Annotated[ExportFormat, PathParameter()],
        publicatie: Number = None,
    ) -> Response[bytes]:
        download = benchmark.export(db, viewer(request), jaar, formaat, publicatie)
        return file_download(download)
