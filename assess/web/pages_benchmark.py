"""The analyst's dashboard: the national (or regional) picture per year, trends, downloads."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template

from assess.exports import ExportFormat
from assess.framework.vocabulary import FIRST_YEAR, LAST_YEAR
from assess.services import benchmark
from assess.web.auth import BENCHMARK_GUARD
from assess.web.deps import Db, min_group_size, viewer
from assess.web.downloads import file_download
from assess.web.pages import AnyRequest, page


class BenchmarkPages(Controller):
    path = "/benchmark"
    include_in_schema = False

    @get(sync_to_thread=True, guards=[BENCHMARK_GUARD])
    def dashboard(
        self,
        request: AnyRequest,
        db: Db,
        jaar: Annotated[int | None, QueryParameter(ge=FIRST_YEAR, le=LAST_YEAR)] = None,
    ) -> Template:
        who = viewer(request)
        found = benchmark.dashboard(db, who, jaar, min_group_size(request))
        if found.data is None:
            status = 404 if found.years else 200
            return page(
                "benchmark_leeg.html", status, viewer=who, jaren=found.years, jaar=found.year
            )
        return page(
            "benchmark.html",
            viewer=who,
            jaren=found.years,
            jaar=found.year,
            data=found.data,
            trend=found.trend,
            groepsgrootte=found.group_sizes,
            regio=found.region,
            domeintitels=found.domain_titles,
        )

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
    ) -> Response[bytes]:
        download = benchmark.export(db, viewer(request), jaar, min_group_size(request), formaat)
        return file_download(download)
