"""Bodies of the benchmark part: a publication's aggregates, with their suppression."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from assess.framework.publication import Cell, Figure, Publication
from assess.framework.vocabulary import Grouping

Band = Annotated[str, msgspec.Meta(description="Aantal als band, zoals '10–19' of 'minder dan 5'")]
Percent = Annotated[int, msgspec.Meta(ge=0, le=100, description="Percentage, afgerond op 5")]


class Cijfer(msgspec.Struct, rename="camel"):
    onderdeel: str
    sleutel: str
    n: Band
    mediaan: int | None
    kwartiel1: int | None
    kwartiel3: int | None
    aandeel_op_doel: Percent | None

    @classmethod
    def of(cls, f: Figure) -> Cijfer:
        return cls(f.scope, f.key, f.n, f.median, f.q1, f.q3, f.at_target)


class Groep(msgspec.Struct, rename="camel"):
    groep: str
    n: Band
    onderdrukt: str | None
    cijfers: list[Cijfer]

    @classmethod
    def of(cls, cell: Cell) -> Groep:
        return cls(cell.group, cell.n, cell.suppressed, [Cijfer.of(f) for f in cell.figures])


class Indeling(msgspec.Struct, rename="camel"):
    indeling: Grouping
    groepen: list[Groep]


class Vraagverdeling(msgspec.Struct, rename="camel"):
    vraag_id: str
    aandelen: dict[str, Percent | None] | None


class Benoemd(msgspec.Struct, rename="camel"):
    gemeentecode: str
    naam: str
    totaalscore: float | None


class Benchmark(msgspec.Struct, rename="camel"):
    jaar: int
    publicatie: int
    gepubliceerd_op: datetime
    minimale_groepsgrootte: int
    vragenlijstversie: str
    gemeenten_in_register: int
    totaal: Groep
    indelingen: list[Indeling]
    antwoordverdeling: list[Vraagverdeling]
    benoemd: list[Benoemd]

    @classmethod
    def of(cls, data: Publication, only: Grouping | None = None) -> Benchmark:
        return cls(
            jaar=data.year,
            publicatie=data.number,
            gepubliceerd_op=data.published_at,
            minimale_groepsgrootte=data.min_group_size,
            vragenlijstversie=data.version,
            gemeenten_in_register=data.municipalities,
            totaal=Groep.of(data.total),
            indelingen=[
                Indeling(b.dimension, [Groep.of(c) for c in b.cells])
                for b in data.breakdowns
                if only in (None, Grouping.ALL, b.dimension)
            ],
            antwoordverdeling=[Vraagverdeling(q.question, q.shares) for q in data.distribution],
            benoemd=[
                Benoemd(n.code, n.name, None if n.total is None else round(n.total, 1))
                for n in data.named
            ],
        )


class Publicatie(msgspec.Struct, rename="camel"):
    jaar: int
    nummer: int
    gepubliceerd_op: datetime
    deelnemers: Band | None = None
