"""Joint disclosure control over every figure of a year's publications (pure).

Who attacks: an analyst or regional coordinator with every table of the year (each
publication, each breakdown, the regional views), the register (which gemeente lies in which
group), who knows which gemeenten took part and reads the assessments shared by name. What
is secret are the scores and answers of the anonymised contributors, so only they count.

A figure (one score of one group: the basis score of the province of Utrecht) rests on the set
of anonymised contributors that have that score. Subtracting published figures is how an
attacker isolates someone; figures of different scores cannot be subtracted from each other,
so each score is protected on its own. With k the minimum group size:

1. nested pairs: where one published set lies inside another, the difference is 0 or >= k;
2. nested families: where published sets of one breakdown of one publication lie inside a
   published set C, what C holds beyond them is 0 or >= k (for C the total: the total minus a
   breakdown's published groups);
3. at target: a remainder of rule 1 or 2 is never known to be at target as a whole, which
   would pin each of its members' score at 100.

Where a rule fails, the figure of the current publication that rests on the fewest
contributors is withdrawn (the least information lost; for rule 3 only its share at target)
and all rules are checked again. Earlier publications are out: they cannot change.
Sets are bit masks (one bit per contributor), so a subset test is one `&`.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

TOTAL = "/alle"  # the family of the total: "1/alle"


class Item(msgspec.Struct, frozen=True):
    """One published figure of one score, as the control sees it."""

    cell: str  # "provincie:Utrecht"; unique within a publication
    family: str  # "3/provincie": the breakdown of a publication whose groups are disjoint
    members: int  # bit mask of its anonymised contributors
    at_target: int | None  # how many of them are at target; None when the share is not shown
    current: bool  # in the publication being made (earlier ones are fixed)
    quantiles: bool = True  # shows median and quartiles (else only its share)

    @property
    def size(self) -> int:
        return self.members.bit_count()


class Protection(msgspec.Struct, frozen=True):
    """Cells of the current publication whose figure, or only whose share, is withdrawn."""

    withdrawn: frozenset[str]
    shares_withdrawn: frozenset[str]


class _Breach(msgspec.Struct, frozen=True):
    involved: list[Item]  # the figures whose sets give the remainder
    share_only: bool


def protect(items: Sequence[Item], k: int) -> Protection:
    """Withdraw current figures of one score until the three rules hold (see the module)."""
    withdrawn: set[str] = set()
    shares: set[str] = set()
    while True:
        published = [_shown(x, shares) for x in items if not (x.current and x.cell in withdrawn)]
        breaches = _breaches(published, k)
        if not breaches:
            return Protection(frozenset(withdrawn), frozenset(shares))
        victim, share_only = _victim(breaches)
        if share_only and victim.quantiles:
            shares.add(victim.cell)
        else:
            withdrawn.add(victim.cell)


def _shown(item: Item, shares_withdrawn: set[str]) -> Item:
    if item.current and item.cell in shares_withdrawn:
        return msgspec.structs.replace(item, at_target=None)
    return item


def _victim(breaches: list[_Breach]) -> tuple[Item, bool]:
    """The current figure that takes part in the most breaches; of those, the one resting on
    the fewest contributors. The total goes last: without it there is no publication. Set
    breaches go before share breaches."""
    set_breaches = [b for b in breaches if not b.share_only]
    chosen = set_breaches or breaches
    counts: dict[str, int] = {}
    items: dict[str, Item] = {}
    for breach in chosen:
        for x in breach.involved:
            if x.current and (x.at_target is not None or not breach.share_only):
                counts[x.cell] = counts.get(x.cell, 0) + 1
                items[x.cell] = x
    cell = min(
        counts, key=lambda c: (items[c].family.endswith(TOTAL), -counts[c], items[c].size, c)
    )
    return items[cell], not set_breaches


def _breaches(published: list[Item], k: int) -> list[_Breach]:
    ordered = sorted((x for x in published if x.members), key=lambda x: (x.family, x.cell))
    families: dict[str, list[Item]] = {}
    for item in ordered:
        families.setdefault(item.family, []).append(item)
    found = []
    for outer in ordered:
        for inner in ordered:
            if inner is not outer and _nested(inner, outer):
                found += _remainder_breach(outer, [inner], k)
        for members in families.values():
            inside = [x for x in members if x is not outer and _nested(x, outer, strict=False)]
            if len(inside) >= 2:  # none or one: the pair rule covers it
                found += _remainder_breach(outer, inside, k)
    return found


def _nested(inner: Item, outer: Item, *, strict: bool = True) -> bool:
    if inner.members & ~outer.members:
        return False
    return not strict or inner.members != outer.members


def _remainder_breach(outer: Item, inside: list[Item], k: int) -> list[_Breach]:
    involved = [outer, *inside]
    if not any(x.current for x in involved):
        return []
    covered = 0
    for x in inside:
        covered |= x.members
    remainder = (outer.members & ~covered).bit_count()
    if 0 < remainder < k:
        return [_Breach(involved, share_only=False)]
    if remainder and _all_at_target(outer, inside, remainder):
        return [_Breach(involved, share_only=True)]
    return []


def _all_at_target(outer: Item, inside: list[Item], remainder: int) -> bool:
    """Whether the shares give the remainder's at-target count, and it is all of them."""
    if outer.at_target is None or any(x.at_target is None for x in inside):
        return False
    if not any(x.current and x.at_target is not None for x in [outer, *inside]):
        return False
    union = 0
    for x in inside:
        union |= x.members
    if sum(x.size for x in inside) != union.bit_count():
        return False  # overlapping sets cannot be subtracted one by one
    return outer.at_target - sum(x.at_target or 0 for x in inside) == remainder
