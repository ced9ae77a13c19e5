"""The national benchmark API for VNG (analist and beheerder): aggregates and exports only."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import PathParameter, QueryParameter
from sqlalchemy.orm import Session

from assess import benchmarking, exports
from assess.access import Role
from assess.framework.national import Cell
from assess.web.auth import roles
from assess.web.deps import Db
from assess.web.errors import problems

Year = Annotated[int, PathParameter(ge=2018, le=2100, description="Peiljaar")]
Dimension = Literal["alle", "grootteklasse", "provincie", "riec", "veiligheidsregio"]


class Cijfer(msgspec.Struct, rename="camel"):
    onderdeel: str
    sleutel: str
    n: int
    mediaan: float
    kwartiel1: float
    kwartiel3: float
    aandeel_op_doel: float


class Groep(msgspec.Struct, rename="camel"):
    groep: str
    n: int
    onderdrukt: str | None
    cijfers: list[Cijfer]


class Indeling(msgspec.Struct, rename="camel"):
    indeling: str
    groepen: list[Groep]


class Benchmark(msgspec.Struct, rename="camel"):
    jaar: int
    minimale_groepsgrootte: int
    gemeenten_in_register: int
    totaal: Groep
    indelingen: list[Indeling]


def groep(cell: Cell) -> Groep:
    figures = [
        Cijfer(
            scope,
            key,
            f.n,
            round(f.median, 1),
            round(f.q1, 1),
            round(f.q3, 1),
            round(f.at_target, 3),
        )
        for (scope, key), f in sorted(cell.figures.items())
    ]
    return Groep(cell.group, cell.n, cell.suppressed, figures)


class BenchmarkController(Controller):
    path = "/benchmarks/{jaar:int}"
    tags = ["Benchmark"]
    guards = [roles(Role.ANALIST, Role.BEHEERDER, Role.REGIO)]

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
        request: Request,
        db: Db,
        jaar: Year,
        groep_: Annotated[
            Dimension | None, QueryParameter(name="groep", description="Alleen deze indeling")
        ] = None,
    ) -> Benchmark:
        data = year_for(request, db, jaar)
        picture = data.picture
        return Benchmark(
            jaar=jaar,
            minimale_groepsgrootte=picture.min_group_size,
            gemeenten_in_register=data.municipalities,
            totaal=groep(picture.total),
            indelingen=[
                Indeling(b.dimension, [groep(c) for c in b.cells])
                for b in picture.breakdowns
                if groep_ in (None, "alle", b.dimension)
            ],
        )

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
        request: Request,
        db: Db,
        jaar: Year,
        format_: Annotated[
            Literal["csv", "xlsx", "json"],
            QueryParameter(name="format", description="Bestandsformaat"),
        ] = "csv",
    ) -> Response[bytes]:
        return download(year_for(request, db, jaar), format_)


def year_for(request: Request, db: Session, year: int) -> benchmarking.YearBenchmark:
    """The whole country, or for a regional coordinator only their region."""
    region = request.user.region if request.user.role == Role.REGIO else None
    return benchmarking.year_benchmark(db, year, request.app.state.settings.min_group_size, region)


def download(data: benchmarking.YearBenchmark, fmt: str) -> Response[bytes]:
    filename = f"benchmark-mensenhandel-{data.year}.{fmt}"
    return Response(
        exports.WRITERS[fmt](data),
        media_type=exports.FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
