"""The questionnaire file format: strict msgspec Structs (unknown keys are errors).

Field names are Dutch because questionnaire authors write them; see docs/vragenlijst-formaat.md.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import msgspec

LEVELS = (0, 1, 2, 3)
DEFAULT_TARGET = 2

NonEmpty = Annotated[str, msgspec.Meta(min_length=1)]
QuestionId = Annotated[str, msgspec.Meta(pattern=r"^[A-Z][0-9]{1,2}$")]
LevelTexts = dict[int, NonEmpty]


class Pillar(StrEnum):
    """Zorg, signalering and handhaving are the approach itself; regie (policy, money,
    ownership, evaluation, the council) is the foundation that carries all three."""

    REGIE = "regie"
    ZORG = "zorg"
    SIGNALERING = "signalering"
    HANDHAVING = "handhaving"


class Theme(StrEnum):
    """The five themes of the VNG Kader aanpak mensenhandel (2021)."""

    BELEID = "beleid"
    SIGNALERING = "signalering"
    BEWUSTWORDING = "bewustwording"
    SAMENWERKING = "samenwerking"
    OPVANG = "opvang"


class Plateau(StrEnum):
    BASIS = "basis"
    VERDIEPING = "verdieping"


class Exploitation(StrEnum):
    """Forms of exploitation, including those added by EU directive 2024/1712."""

    SEKSUEEL = "seksueel"
    ARBEID = "arbeid"
    CRIMINEEL = "crimineel"
    ORGAANVERWIJDERING = "orgaanverwijdering"
    GEDWONGEN_HUWELIJK = "gedwongen_huwelijk"
    ILLEGALE_ADOPTIE = "illegale_adoptie"
    DRAAGMOEDERSCHAP = "draagmoederschap"


class TargetGroup(StrEnum):
    MINDERJARIGEN = "minderjarigen"
    AMV = "amv"
    ARBEIDSMIGRANTEN = "arbeidsmigranten"
    ZONDER_VERBLIJFSSTATUS = "zonder_verblijfsstatus"
    SEKSWERKERS = "sekswerkers"
    JEUGDZORG = "jeugdzorg"  # young people in (residential) youth care
    ASIEL = "asiel"  # asylum seekers and displaced persons, such as those from Ukraine
    DADERS = "daders"  # (possible) perpetrators, including victims who also offend


class ActionLine(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """An action line of 'Samen tegen mensenhandel' (2018)."""

    code: Annotated[int, msgspec.Meta(ge=1)]
    titel: NonEmpty


class Source(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: NonEmpty
    titel: NonEmpty
    uitgever: NonEmpty
    jaar: Annotated[int, msgspec.Meta(ge=1990, le=2100)] | None = None  # None: living web source
    url: str | None = None
    # Elements of the source a questionnaire must cover, e.g. the parts of IBP goal 5.11.
    onderdelen: dict[str, NonEmpty] = {}


class Question(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: QuestionId
    vraag: NonEmpty
    uitleg: NonEmpty
    pijler: Pillar
    thema: Theme
    plateau: Plateau
    niveaus: LevelTexts
    aanbevelingen: LevelTexts
    bronnen: Annotated[list[NonEmpty], msgspec.Meta(min_length=1)]
    actielijnen: list[int] = []
    doel: int = DEFAULT_TARGET
    gewicht: Annotated[float, msgspec.Meta(gt=0, le=10)] = 1.0
    nvt_toegestaan: bool = False
    regionaal_toegestaan: bool = False
    uitbuitingsvormen: list[Exploitation] = []
    doelgroepen: list[TargetGroup] = []
    # Who can tell, when the municipality answers 'weet ik niet' (the action is to find out).
    uitzoeken: NonEmpty | None = None
    # The partners to work with to reach the target (what the target looks like in practice is
    # the target level's text).
    met_wie: NonEmpty | None = None

    def source_ids(self) -> list[str]:
        """Source ids without the '#onderdeel' suffix."""
        return [ref.partition("#")[0] for ref in self.bronnen]


class Domain(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    code: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]$")]
    titel: NonEmpty
    omschrijving: NonEmpty
    vragen: Annotated[list[Question], msgspec.Meta(min_length=1)]


class Successor(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """What became of a question of the earlier version."""

    naar: QuestionId | None = None  # the question of this version; None: dropped
    overnemen: bool = True  # the meaning is kept: the answer carries over (prefill, trends)
    reden: str | None = None  # why it was dropped, or why its answer does not carry over

    @property
    def carries_over(self) -> bool:
        return self.naar is not None and self.overnemen


class PreviousVersion(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """Every question of the earlier version, by its old id: the new id (`A1: A3`, the answer
    carries over) or a `Successor` that says it was dropped or changed, and why."""

    versie: NonEmpty
    vragen: dict[str, QuestionId | Successor]

    def successors(self) -> dict[str, Successor]:
        return {
            old: Successor(naar=new) if isinstance(new, str) else new
            for old, new in self.vragen.items()
        }


class Questionnaire(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    id: Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9-]+$")]
    versie: Annotated[str, msgspec.Meta(pattern=r"^[0-9]{4}\.[0-9]+$")]
    titel: NonEmpty
    inleiding: NonEmpty
    bronnen: Annotated[list[Source], msgspec.Meta(min_length=1)]
    actielijnen: list[ActionLine]
    domeinen: Annotated[list[Domain], msgspec.Meta(min_length=1)]
    vorige_versie: PreviousVersion | None = None
    # The source where a municipality reads more on how and with whom (the VNG Kompas).
    handboek: str | None = None

    def questions(self) -> list[Question]:
        return [q for d in self.domeinen for q in d.vragen]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)

    def sources_of(self, question: Question) -> list[Source]:
        """The sources a question cites, in its order (each once)."""
        by_id = {source.id: source for source in self.bronnen}
        return [by_id[i] for i in dict.fromkeys(question.source_ids()) if i in by_id]

    def handbook(self) -> Source | None:
        return next((s for s in self.bronnen if s.id == self.handboek), None)

    def domain_of(self, question_id: str) -> Domain | None:
        return next((d for d in self.domeinen if any(q.id == question_id for q in d.vragen)), None)
