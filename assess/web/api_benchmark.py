"""The benchmark API for VNG (analist, beheerder) and regions (regio): publications only."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.params import PathParameter, QueryParameter

from assess.exports import ExportFormat
from assess.framework.vocabulary import FIRST_YEAR, LAST_YEAR, Grouping
from assess.services import benchmark, publications
from assess.web.auth import BENCHMARK_GUARD
from assess.web.deps import Db, min_group_size, viewer
from assess.web.downloads import file_download
from assess.web.errors import problems
from assess.web.schemas.benchmark import Benchmark, Publicatie

Year = Annotated[int, PathParameter(ge=FIRST_YEAR, le=LAST_YEAR, description="Peiljaar")]
Number = Annotated[
    int | None,
    QueryParameter(
        name="publicatie",
        ge=1,
        description="Nummer van een eerdere publicatie (standaard de nieuwste)",
    ),
]
AnyRequest = Request[Any, Any, Any]


class BenchmarkController(Controller):
    path = "/benchmarks/{jaar:int}"
    tags = ["Benchmark"]
    guards = [BENCHMARK_GUARD]

    @get(
        sync_to_thread=True,
        operation_id="getBenchmark",
        summary="De gepubliceerde cijfers van een peiljaar",
        description=(
            "De nieuwste publicatie van het jaar (of `?publicatie=N`): mediaan, kwartielen en "
            "aandeel op doel per indeling, uit ingediende, gedeelde zelfevaluaties, met de "
            "datum van publicatie. Aantallen zijn banden. Onderdrukte groepen geven alleen hun "
            "band en de reden (`klein` of `aanvullend`). Een regiocoördinator (rol `regio`) "
            "krijgt alleen zijn RIEC-regio en de groepen die daar helemaal binnen liggen. "
            "404 zolang er over het jaar niets gepubliceerd is."
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
        publicatie: Number = None,
    ) -> Benchmark:
        data = benchmark.year_benchmark(db, viewer(request), jaar, publicatie)
        return Benchmark.of(data, groep_)

    @get(
        "/export",
        sync_to_thread=True,
        operation_id="exportBenchmark",
        summary="De gepubliceerde cijfers als bestand",
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
        publicatie: Number = None,
    ) -> Response[bytes]:
        download = benchmark.export(db, viewer(request), jaar, format_, publicatie)
        return file_download(download)

    @get(
        "/publicaties",
        sync_to_thread=True,
        operation_id="listPublications",
        summary="De publicaties van een peiljaar",
        responses=problems(400, 401, 403, 404),
    )
    def list_publications(self, request: AnyRequest, db: Db, jaar: Year) -> list[Publicatie]:
        dates = benchmark.publication_dates(db, viewer(request), jaar)
        return [Publicatie(jaar, number, at) for number, at in dates]

    @post(
        "/publicaties",
        sync_to_thread=True,
        operation_id="publishBenchmark",
        summary="Publiceer de cijfers van een peiljaar (beheerder)",
        description=(
            "Legt de cijfers van dit moment vast als nieuwe publicatie, gecontroleerd tegen "
            "alle eerdere publicaties van het jaar. 409 als er te weinig is om te publiceren, "
            "of als er sinds de vorige publicatie te weinig zelfevaluaties bij zijn gekomen."
        ),
        responses=problems(400, 401, 403, 404, 409),
    )
    def publish(self, request: AnyRequest, db: Db, jaar: Year) -> Publicatie:
        done = publications.publish(db, viewer(request), jaar, min_group_size(request))
        return Publicatie(done.year, done.number, done.published_at, done.total)
