"""Bodies of the benchmark part: aggregates only, with their suppression."""

from __future__ import annotations

import msgspec

from assess.framework.national import Cell, YearBenchmark
from assess.framework.vocabulary import Grouping


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

    @classmethod
    def of(cls, cell: Cell) -> Groep:
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
        return cls(cell.group, cell.n, cell.suppressed, figures)


class Indeling(msgspec.Struct, rename="camel"):
    indeling: Grouping
    groepen: list[Groep]


class Benchmark(msgspec.Struct, rename="camel"):
    jaar: int
    minimale_groepsgrootte: int
    gemeenten_in_register: int
    totaal: Groep
    indelingen: list[Indeling]

    @classmethod
    def of(cls, data: YearBenchmark, only: Grouping | None = None) -> Benchmark:
        picture = data.picture
        return cls(
            jaar=data.year,
            minimale_groepsgrootte=picture.min_group_size,
            gemeenten_in_register=data.municipalities,
            totaal=Groep.of(picture.total),
            indelingen=[
                Indeling(b.dimension, [Groep.of(c) for c in b.cells])
                for b in picture.breakdowns
                if only in (None, Grouping.ALL, b.dimension)
            ],
        )
