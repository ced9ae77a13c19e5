"""Bodies of the public part: gemeenten and vragenlijsten."""

from __future__ import annotations

from datetime import date

import msgspec

from assess.framework.schema import Pillar, Plateau, Question, Questionnaire, Theme
from assess.services.register import Gemeente as GemeenteView


class Links(msgspec.Struct, rename="camel", omit_defaults=True):
    self: str
    first: str | None = None
    prev: str | None = None
    next: str | None = None
    last: str | None = None


class Gemeente(msgspec.Struct, rename="camel"):
    gemeentecode: str
    naam: str
    provincie: str
    inwoners: int | None
    inwonersjaar: int | None
    grootteklasse: str | None
    veiligheidsregio: str | None
    riec: str | None
    geldig_vanaf: date
    geldig_tot: date | None
    opvolger: str | None

    @classmethod
    def of(cls, m: GemeenteView) -> Gemeente:
        return cls(
            gemeentecode=m.code,
            naam=m.name,
            provincie=m.province,
            inwoners=m.population,
            inwonersjaar=m.population_year,
            grootteklasse=m.size_class,
            veiligheidsregio=m.safety_region,
            riec=m.riec,
            geldig_vanaf=m.valid_from,
            geldig_tot=m.valid_to,
            opvolger=m.successor_code,
        )


class GemeentenPagina(msgspec.Struct, rename="camel"):
    gemeenten: list[Gemeente]
    totaal: int
    page: int
    page_size: int
    links: Links


class VragenlijstSamenvatting(msgspec.Struct, rename="camel"):
    id: str
    versie: str
    titel: str
    aantal_vragen: int

    @classmethod
    def of(cls, q: Questionnaire) -> VragenlijstSamenvatting:
        return cls(id=q.id, versie=q.versie, titel=q.titel, aantal_vragen=len(q.questions()))


class Niveau(msgspec.Struct, rename="camel"):
    niveau: int
    omschrijving: str
    aanbeveling: str | None


class Vraag(msgspec.Struct, rename="camel"):
    id: str
    vraag: str
    uitleg: str
    pijler: Pillar
    thema: Theme
    plateau: Plateau
    actielijnen: list[int]
    bronnen: list[str]
    niveaus: list[Niveau]
    doel: int
    gewicht: float
    nvt_toegestaan: bool
    regionaal_toegestaan: bool
    uitbuitingsvormen: list[str]
    doelgroepen: list[str]
    met_wie: str | None  # the partners to take the question up with

    @classmethod
    def of(cls, v: Question) -> Vraag:
        return cls(
            id=v.id,
            vraag=v.vraag,
            uitleg=v.uitleg,
            pijler=v.pijler,
            thema=v.thema,
            plateau=v.plateau,
            actielijnen=v.actielijnen,
            bronnen=v.bronnen,
            niveaus=[
                Niveau(level, v.niveaus[level], v.aanbevelingen.get(level))
                for level in sorted(v.niveaus)
            ],
            doel=v.doel,
            gewicht=v.gewicht,
            nvt_toegestaan=v.nvt_toegestaan,
            regionaal_toegestaan=v.regionaal_toegestaan,
            uitbuitingsvormen=list(v.uitbuitingsvormen),
            doelgroepen=list(v.doelgroepen),
            met_wie=v.met_wie,
        )


class Domein(msgspec.Struct, rename="camel"):
    code: str
    titel: str
    omschrijving: str
    vragen: list[Vraag]


class Bron(msgspec.Struct, rename="camel"):
    id: str
    titel: str
    uitgever: str
    jaar: int | None
    url: str | None


class Vragenlijst(msgspec.Struct, rename="camel"):
    id: str
    versie: str
    titel: str
    inleiding: str
    bronnen: list[Bron]
    domeinen: list[Domein]
    handboek: str | None  # the id of the source on how and with whom (the VNG Kompas)

    @classmethod
    def of(cls, q: Questionnaire) -> Vragenlijst:
        return cls(
            id=q.id,
            versie=q.versie,
            titel=q.titel,
            inleiding=q.inleiding,
            bronnen=[Bron(s.id, s.titel, s.uitgever, s.jaar, s.url) for s in q.bronnen],
            domeinen=[
                Domein(d.code, d.titel, d.omschrijving, [Vraag.of(v) for v in d.vragen])
                for d in q.domeinen
            ],
            handboek=q.handboek,
        )
