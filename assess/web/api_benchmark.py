"""The benchmark API for VNG (analist, beheerder) and regions (regio): aggregates only."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.params import PathParameter, QueryParameter

from assess.exports import ExportFormat
from assess.framework.vocabulary import FIRST_YEAR, LAST_YEAR, Grouping
from assess.services import benchmark
from assess.web.auth import BENCHMARK_GUARD
from assess.web.deps import Db, min_group_size, viewer
from assess.web.downloads import file_download
from assess.web.errors import problems
from assess.web.schemas.benchmark import Benchmark

Year = Annotated[int, PathParameter(ge=FIRST_YEAR, le=LAST_YEAR, description="Peiljaar")]
AnyRequest = Request[Any, Any, Any]


class BenchmarkController(Controller):
    path = "/benchmarks/{jaar:int}"
    tags = ["Benchmark"]
    guards = [BENCHMARK_GUARD]

    @get(
        sync_to_thread=True,
        operation_id="getBenchmark",
        summary="Landelijke (of regionale) cijfers van een peiljaar",
        description=(
            "Mediaan, kwartielen en aandeel op doel per indeling, uit ingediende, gedeelde "
            "zelfevaluaties. Groepen onder de minimale groepsgrootte, en groepen waaruit die terug "
            "te rekenen zouden zijn, geven alleen n en de reden (`klein` of `aanvullend`). Een "
            "regiocoördinator (rol `regio`) krijgt alleen de gemeenten van zijn RIEC-regio."
        ),
        responses=problems(400, 401, 403, 404),
    )
    def get_benchmark(
        self,
        request: AnyRequest,
        db: Db,
        jaar: Year,
        groep_: Annotated[
            Grouping | None, QueryParameter(name="groep", description="Alleen deze indeling")
        ] = None,
    ) -> Benchmark:
        data = benchmark.year_benchmark(db, viewer(request), jaar, min_group_size(request))
        return Benchmark.of(data, groep_)

    @get(
        "/export",
        sync_to_thread=True,
        operation_id="exportBenchmark",
        summary="De landelijke cijfers als bestand",
        description="CSV, XLSX (een blad per indeling en een Leesmij-blad) of JSON.",
        responses=problems(400, 401, 403, 404),
    )
    def export(
        self,
        request: AnyRequest,
        db: Db,
        jaar: Year,
        format_: Annotated[
            ExportFormat, QueryParameter(name="format", description="Bestandsformaat")
        ] = ExportFormat.CSV,
    ) -> Response[bytes]:
        download = benchmark.export(db, viewer(request), jaar, min_group_size(request), format_)
        return file_download(download)
