"""The words the product is built from, each defined once and used as the type wherever it
appears: answer codes, assessment statuses, peer groups and breakdowns, the assessment years.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Final

import msgspec

# The national programme 'Samen tegen mensenhandel' started in 2018: no assessment is older.
FIRST_YEAR: Final = 2018
LAST_YEAR: Final = 2100
Year = Annotated[int, msgspec.Meta(ge=FIRST_YEAR, le=LAST_YEAR)]


class AnswerCode(StrEnum):
    """What an officer answers: a level 0-3, not applicable, or unknown."""

    ABSENT = "0"
    DEVELOPING = "1"
    BASIS = "2"
    DEEPENING = "3"
    NOT_APPLICABLE = "nvt"
    UNKNOWN = "onbekend"


class Status(StrEnum):
    CONCEPT = "concept"
    SUBMITTED = "ingediend"


class ActionStatus(StrEnum):
    """How far an action of the plan is; `gereed` and `vervallen` end it (no carry-over)."""

    PLANNED = "gepland"
    STARTED = "bezig"
    DONE = "gereed"
    DROPPED = "vervallen"


class Grouping(StrEnum):
    """How gemeenten are grouped for comparisons and the benchmark."""

    ALL = "alle"
    SIZE_CLASS = "grootteklasse"
    PROVINCE = "provincie"
    RIEC = "riec"
    SAFETY_REGION = "veiligheidsregio"


class PeerGroup(StrEnum):
    """The groups an officer compares the own gemeente with: a subset of Grouping."""

    SIZE_CLASS = Grouping.SIZE_CLASS.value
    PROVINCE = Grouping.PROVINCE.value
    RIEC = Grouping.RIEC.value
    ALL = Grouping.ALL.value


# The breakdowns of the national benchmark: every grouping but 'alle' (the total itself).
DIMENSIONS: Final = tuple(g for g in Grouping if g is not Grouping.ALL)
