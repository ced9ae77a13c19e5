"""The analyst's dashboard: the national picture per year, trends, and downloads."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Request, Response, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import PathParameter, QueryParameter
from litestar.response import Template
from sqlalchemy import func, select

from assess import benchmarking
from assess.access import Principal, Role
from assess.db.models import Municipality
from assess.i18n import _
from assess.web.api_benchmark import download
from assess.web.deps import Db
from assess.web.pages import SIGNED_IN, Viewer, page

ANALYSTS = (Role.ANALIST, Role.BEHEERDER, Role.REGIO)


def require_analyst(viewer: Principal) -> None:
    if viewer.role not in ANALYSTS:
        raise PermissionDeniedException(
            _("Alleen VNG-analisten, beheerders en regiocoördinatoren zien de benchmark.")
        )


def region_of(viewer: Principal) -> str | None:
    return viewer.region if viewer.role == Role.REGIO else None


class BenchmarkPages(Controller):
    path = "/benchmark"
    include_in_schema = False
    dependencies = SIGNED_IN

    @get(sync_to_thread=True)
    def dashboard(
        self,
        request: Request,
        db: Db,
        viewer: Viewer,
        jaar: Annotated[int | None, QueryParameter(ge=2018, le=2100)] = None,
    ) -> Template:
        require_analyst(viewer)
        region = region_of(viewer)
        years = benchmarking.benchmark_years(db, region)
        if not years:
            return page("benchmark_leeg.html", viewer=viewer, jaren=years, jaar=jaar)
        year = jaar if jaar is not None else years[-1]
        if year not in years:
            return page("benchmark_leeg.html", 404, viewer=viewer, jaren=years, jaar=year)
        minimum = request.app.state.settings.min_group_size
        current = benchmarking.year_benchmark(db, year, minimum, region)
        trend = benchmarking.trend(db, years, minimum, region)
        return page(
            "benchmark.html",
            viewer=viewer,
            jaren=years,
            jaar=year,
            data=current,
            trend=trend,
            groepsgrootte=self._group_sizes(db),
            regio=region,
            domeintitels=benchmarking.domain_titles(db),
        )

    @staticmethod
    def _group_sizes(db: Db) -> dict[tuple[str, str], int]:
        sizes: dict[tuple[str, str], int] = {}
        for dimension, column in benchmarking.GROUP_COLUMNS.items():
            query = (
                select(column, func.count()).where(Municipality.valid_to.is_(None)).group_by(column)
            )
            sizes |= {(dimension, value): n for value, n in db.execute(query) if value}
        return sizes

    @get("/methode", sync_to_thread=False)
    def method(self, request: Request, viewer: Viewer) -> Template:
        minimum = request.app.state.settings.min_group_size
        return page("benchmark_methode.html", viewer=viewer, minimum=minimum)

    @get("/{jaar:int}/export/{formaat:str}", sync_to_thread=True)
    def export(
        self,
        request: Request,
        db: Db,
        viewer: Viewer,
        jaar: Annotated[int, PathParameter()],
        formaat: Annotated[Literal["csv", "xlsx", "json"], PathParameter()],
    ) -> Response[bytes]:
        require_analyst(viewer)
        minimum = request.app.state.settings.min_group_size
        return download(benchmarking.year_benchmark(db, jaar, minimum, region_of(viewer)), formaat)
