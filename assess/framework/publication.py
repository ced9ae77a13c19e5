"""A benchmark publication: the frozen tables of one year, made safe to publish (pure).

From the contributors (submitted, shared assessments, scored on one questionnaire version) it
computes per group and score the figures, with the statistics rules:
- a figure needs at least k anonymised contributors (named ones are known to analysts);
- median and quartiles only from 2k, rounded to whole points;
- the share at target is rounded to 5 points and left out where the anonymised count at target
  is 1..k-1 or fewer than k are not at target (all at target would pin every score at 100);
- n is a band ("5–9"), never the exact count;
then the joint control of assess.framework.disclosure over this and every earlier publication
of the year. The answer distribution (per question the share per answer, for all gemeenten)
follows the same rules per answer code.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from statistics import quantiles

import msgspec

from assess.framework.answers import ANSWER_CODES
from assess.framework.disclosure import Item, Protection, protect
from assess.framework.vocabulary import DIMENSIONS, Grouping

SMALL, COMPLEMENTARY = "klein", "aanvullend"
TARGET_SCORE = 100.0
TOTAL_CELL = f"{Grouping.ALL}:{Grouping.ALL}"
_BAND_EDGES = (20, 30, 40, 50, 75, 100, 150, 200, 250, 300, 350, 400, 500)


class Contributor(msgspec.Struct, frozen=True):
    """One submitted, shared assessment as a publication counts it (kept with the publication,
    never published): its groups, scores ("scope/key") and answers on the publication's
    questionnaire version."""

    id: str
    code: str
    name: str
    named: bool
    groups: dict[str, str]
    scores: dict[str, float]
    answers: dict[str, str]


class Figure(msgspec.Struct, frozen=True):
    scope: str
    key: str
    n: str  # band
    median: int | None
    q1: int | None
    q3: int | None
    at_target: int | None  # percent, a multiple of 5

    @property
    def score_key(self) -> tuple[str, str]:
        return (self.scope, self.key)


class Cell(msgspec.Struct, frozen=True):
    group: str
    n: str  # band
    suppressed: str | None  # None, "klein" or "aanvullend"
    figures: list[Figure]

    def figure(self, score_key: tuple[str, str]) -> Figure | None:
        return next((f for f in self.figures if f.score_key == score_key), None)


class Breakdown(msgspec.Struct, frozen=True):
    dimension: Grouping
    cells: list[Cell]


class QuestionShares(msgspec.Struct, frozen=True):
    question: str
    shares: dict[str, int | None] | None  # code -> percent; None: the whole question withheld


class Named(msgspec.Struct, frozen=True):
    code: str
    name: str
    total: float | None
    assessment: str = ""  # its id, to open it (those who see the publication may); "" in old ones


class Publication(msgspec.Struct, frozen=True):
    """What is published about a year; stored as it was made, never recomputed."""

    year: int
    number: int
    published_at: datetime
    min_group_size: int
    questionnaire: str
    version: str
    municipalities: int  # gemeenten in the register
    total: Cell
    breakdowns: list[Breakdown]
    distribution: list[QuestionShares]
    named: list[Named]

    def cells(self) -> list[tuple[Grouping, Cell]]:
        return [(Grouping.ALL, self.total)] + [
            (b.dimension, c) for b in self.breakdowns for c in b.cells
        ]

    def cell(self, dimension: Grouping, group: str) -> Cell | None:
        return next((c for d, c in self.cells() if d == dimension and c.group == group), None)


class Snapshot(msgspec.Struct, frozen=True):
    """A publication with the contributors it was made from (for the next one's control)."""

    publication: Publication
    contributors: list[Contributor]


class Header(msgspec.Struct, frozen=True):
    year: int
    number: int
    published_at: datetime
    questionnaire: str
    version: str
    municipalities: int
    questions: list[str]  # the version's question ids, in order


def band(n: int, k: int) -> str:
    """The published size of a group: '0', 'minder dan k', 'k–(2k-1)', '10–19', ..."""
    if n == 0:
        return "0"
    if n < k:
        return f"minder dan {k}"
    edges = [k, 2 * k, *(e for e in _BAND_EDGES if e > 2 * k)]
    for low, high in pairwise(edges):
        if low <= n < high:
            return f"{low}–{high - 1}"
    return f"{edges[-1]} of meer"


def whole(value: float) -> int:
    return math.floor(value + 0.5)


def share(count: int, n: int) -> int:
    """A percentage rounded to 5 points."""
    return 5 * whole(20 * count / n)


def compile_publication(
    header: Header,
    contributors: Sequence[Contributor],
    groups: Mapping[Grouping, Sequence[str]],
    k: int,
    earlier: Sequence[Snapshot] = (),
) -> Publication:
    """The tables of a new publication, after every earlier one of the same year."""
    cells = _cells(contributors, groups)
    bits = _bit_index([contributors, *(s.contributors for s in earlier)])
    figures: dict[str, list[Figure]] = {cell_id: [] for cell_id in cells}
    for score_key in _score_keys(contributors):
        items = _current_items(header.number, cells, score_key, bits, k)
        items += _earlier_items(earlier, score_key, bits)
        protection = protect(items, k)
        for cell_id, members in cells.items():
            figure = _figure(members, score_key, k, protection, cell_id)
            if figure is not None:
                figures[cell_id].append(figure)
    published = {
        cell_id: _cell(cell_id, members, figures[cell_id], k) for cell_id, members in cells.items()
    }
    return Publication(
        year=header.year,
        number=header.number,
        published_at=header.published_at,
        min_group_size=k,
        questionnaire=header.questionnaire,
        version=header.version,
        municipalities=header.municipalities,
        total=published[TOTAL_CELL],
        breakdowns=[
            Breakdown(d, [published[_cell_id(d, g)] for g in groups.get(d, [])]) for d in DIMENSIONS
        ],
        distribution=distribution(header.questions, contributors, k, earlier),
        named=sorted(
            (
                Named(c.code, c.name, c.scores.get("totaal/totaal"), c.id)
                for c in contributors
                if c.named
            ),
            key=lambda n: n.name,
        ),
    )


def regional_view(
    publication: Publication,
    region: str,
    *,
    inside: set[tuple[Grouping, str]],
    codes: set[str],
    municipalities: int,
) -> Publication:
    """What a regional coordinator sees of a national publication: the region's own cell as
    the total, the groups wholly inside the region, the region's gemeenten shared by name. No
    figure of its own, so nothing the national control has not checked."""
    own = publication.cell(Grouping.RIEC, region) or Cell(region, "0", SMALL, [])
    return msgspec.structs.replace(
        publication,
        municipalities=municipalities,
        total=own,
        breakdowns=[
            Breakdown(b.dimension, [c for c in b.cells if (b.dimension, c.group) in inside])
            for b in publication.breakdowns
            if b.dimension is not Grouping.RIEC
        ],
        distribution=[],
        named=[n for n in publication.named if n.code in codes],
    )


def _cell_id(dimension: str, group: str) -> str:
    return f"{dimension}:{group}"


def _cells(
    contributors: Sequence[Contributor], groups: Mapping[Grouping, Sequence[str]]
) -> dict[str, list[Contributor]]:
    cells = {TOTAL_CELL: list(contributors)}
    for dimension in DIMENSIONS:
        for group in groups.get(dimension, []):
            members = [c for c in contributors if c.groups.get(dimension) == group]
            cells[_cell_id(dimension, group)] = members
    return cells


def _score_keys(contributors: Iterable[Contributor]) -> list[str]:
    order = {"totaal": 0, "domein": 1, "pijler": 2, "verdieping": 3}
    keys = {key for c in contributors for key in c.scores}
    return sorted(keys, key=lambda k: (order.get(k.split("/")[0], 4), k))


def _bit_index(groups: Iterable[Iterable[Contributor]]) -> dict[str, int]:
    index: dict[str, int] = {}
    for contributors in groups:
        for c in contributors:
            index.setdefault(c.id, 1 << len(index))
    return index


def _mask(contributors: Iterable[Contributor], bits: Mapping[str, int]) -> int:
    mask = 0
    for c in contributors:
        mask |= bits[c.id]
    return mask


def _scored(members: Iterable[Contributor], score_key: str) -> tuple[list[float], list[float]]:
    """The values of all members with the score, and of the anonymised ones."""
    everyone = [c for c in members if score_key in c.scores]
    return (
        [c.scores[score_key] for c in everyone],
        [c.scores[score_key] for c in everyone if not c.named],
    )


def _share_allowed(anonymous: list[float], k: int) -> bool:
    at_target = sum(v >= TARGET_SCORE for v in anonymous)
    return not 0 < at_target < k and len(anonymous) - at_target >= k


def _current_items(
    number: int,
    cells: Mapping[str, list[Contributor]],
    score_key: str,
    bits: Mapping[str, int],
    k: int,
) -> list[Item]:
    items = []
    for cell_id, members in cells.items():
        _, anonymous = _scored(members, score_key)
        quantiles_shown = len(anonymous) >= 2 * k
        share_shown = len(anonymous) >= k and _share_allowed(anonymous, k)
        if not (quantiles_shown or share_shown):
            continue
        items.append(
            Item(
                cell=cell_id,
                family=f"{number}/{cell_id.split(':')[0]}",
                members=_mask((c for c in members if score_key in c.scores and not c.named), bits),
                at_target=sum(v >= TARGET_SCORE for v in anonymous) if share_shown else None,
                current=True,
                quantiles=quantiles_shown,
            )
        )
    return items


def _earlier_items(
    earlier: Sequence[Snapshot], score_key: str, bits: Mapping[str, int]
) -> list[Item]:
    scope, key = score_key.split("/")
    items = []
    for snapshot in earlier:
        number = snapshot.publication.number
        cells = _cells(snapshot.contributors, _groups_of(snapshot.publication))
        for dimension, cell in snapshot.publication.cells():
            figure = cell.figure((scope, key))
            if figure is None:
                continue
            anonymous = [
                c
                for c in cells[_cell_id(dimension, cell.group)]
                if score_key in c.scores and not c.named
            ]
            items.append(
                Item(
                    cell=f"{number}/{_cell_id(dimension, cell.group)}",
                    family=f"{number}/{dimension}",
                    members=_mask(anonymous, bits),
                    at_target=(
                        sum(c.scores[score_key] >= TARGET_SCORE for c in anonymous)
                        if figure.at_target is not None
                        else None
                    ),
                    current=False,
                    quantiles=figure.median is not None,
                )
            )
    return items


def _groups_of(publication: Publication) -> dict[Grouping, list[str]]:
    return {b.dimension: [c.group for c in b.cells] for b in publication.breakdowns}


def _figure(
    members: list[Contributor], score_key: str, k: int, protection: Protection, cell_id: str
) -> Figure | None:
    if cell_id in protection.withdrawn:
        return None
    values, anonymous = _scored(members, score_key)
    return figure_of(
        score_key,
        values,
        anonymous,
        k,
        share_shown=cell_id not in protection.shares_withdrawn,
    )


def figure_of(
    score_key: str,
    values: list[float],
    anonymous: list[float],
    k: int,
    *,
    share_shown: bool = True,
    quantiles_shown: bool = True,
) -> Figure | None:
    """The figure of one score over a group, with the statistics rules; None when it shows
    nothing. The caller may withhold the quantiles or the share for reasons of its own."""
    if len(anonymous) < k:
        return None
    with_quantiles = quantiles_shown and len(anonymous) >= 2 * k
    with_share = share_shown and _share_allowed(anonymous, k)
    if not (with_quantiles or with_share):
        return None
    scope, key = score_key.split("/")
    q1 = middle = q3 = None
    if (
        with_quantiles
    ):  # inclusive method, as spreadsheets compute them; the middle one is the median
        q1, middle, q3 = (whole(q) for q in quantiles(values, n=4, method="inclusive"))
    at_target = share(sum(v >= TARGET_SCORE for v in values), len(values)) if with_share else None
    return Figure(scope, key, band(len(values), k), middle, q1, q3, at_target)


def _cell(cell_id: str, members: list[Contributor], figures: list[Figure], k: int) -> Cell:
    group = cell_id.split(":", 1)[1]
    anonymous = sum(not c.named for c in members)
    if anonymous < k:
        return Cell(group, band(len(members), k), SMALL, [])
    return Cell(group, band(len(members), k), None if figures else COMPLEMENTARY, figures)


def distribution(
    questions: Sequence[str],
    contributors: Sequence[Contributor],
    k: int,
    earlier: Sequence[Snapshot] = (),
) -> list[QuestionShares]:
    """Per question the share of each answer code over all contributors."""
    return [_question_shares(q, contributors, k, earlier) for q in questions]


def _question_shares(
    question: str, contributors: Sequence[Contributor], k: int, earlier: Sequence[Snapshot]
) -> QuestionShares:
    answered = [c for c in contributors if question in c.answers]
    anonymous = [c for c in answered if not c.named]
    counts = _code_counts(anonymous, question)
    if len(anonymous) < k or len(anonymous) in counts.values():
        return QuestionShares(question, None)  # too few, or all gave the same answer
    if any(_differs_too_little(question, anonymous, counts, s, k) for s in earlier):
        return QuestionShares(question, None)
    hidden = {code for code, n in counts.items() if 0 < n < k}
    while 0 < sum(counts[c] for c in hidden) < k:  # the hidden ones follow from 100% - shown
        shown = [c for c in counts if c not in hidden and counts[c]]
        hidden.add(min(shown, key=lambda c: (counts[c], c)))
    everyone = _code_counts(answered, question)
    return QuestionShares(
        question,
        {code: None if code in hidden else share(n, len(answered)) for code, n in everyone.items()},
    )


def _code_counts(contributors: Iterable[Contributor], question: str) -> dict[str, int]:
    counts = dict.fromkeys(ANSWER_CODES, 0)
    for c in contributors:
        counts[c.answers[question]] += 1
    return counts


def _differs_too_little(
    question: str,
    anonymous: list[Contributor],
    counts: Mapping[str, int],
    snapshot: Snapshot,
    k: int,
) -> bool:
    """Against an earlier publication whose shares of this question were shown: a nested
    difference of 1..k-1, or one in which everyone gave the same answer, is withheld."""
    shown = next((q for q in snapshot.publication.distribution if q.question == question), None)
    if shown is None or shown.shares is None:
        return False
    before = [c for c in snapshot.contributors if question in c.answers and not c.named]
    now_ids, before_ids = {c.id for c in anonymous}, {c.id for c in before}
    if not (now_ids <= before_ids or before_ids <= now_ids) or now_ids == before_ids:
        return False
    difference = len(now_ids ^ before_ids)
    if difference < k:
        return True
    earlier_counts = _code_counts(before, question)
    return any(abs(counts[code] - earlier_counts[code]) == difference for code in counts)
