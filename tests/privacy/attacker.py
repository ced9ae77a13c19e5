"""An attacker on the published benchmark: reads only what is published, and tries to single out
a gemeente.

What the attacker knows (the worst case of docs/benchmark.md): every published output of the
year (API JSON, the CSV, XLSX and JSON exports, the dashboard, the PDF, the regional views, the
comparisons officers see), the register (which gemeente lies in which group), which gemeenten
took part in each publication, and the scores of those that share by name (analysts read them).

The attacks are generic over observations (one published figure: a group, a score, its
median, quartiles and share at target), so a new figure in any output is attacked as soon as
its parser yields it:
- a figure resting on fewer than k anonymised gemeenten, or quartiles on fewer than 2k;
- subtracting nested figures (pairs, and a group minus the published groups of one breakdown
  inside it): a remainder of 1..k-1 gemeenten is singled out;
- shares turned into counts (n is exact for this attacker): a remainder, or a group, whose
  members must all be at target has every score pinned at 100;
- the answer distribution: a question on which every member must have given the same answer,
  in one table or in the difference of two.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

K = 5
TOTAL = "totaal/totaal"


@dataclass(frozen=True)
class Figure:
    source: str  # where it was read: "api", "csv", "dashboard", "vergelijking:GM0193", ...
    publication: int
    dimension: str  # "alle", "provincie", ...
    group: str
    key: str  # "totaal/totaal", "domein/A", ...
    median: int | None
    q1: int | None
    q3: int | None
    at_target: int | None  # percent
    left_out: str | None = None  # the asker a comparison leaves out


@dataclass(frozen=True, eq=False)
class Shares:
    source: str
    publication: int
    question: str
    shares: Mapping[str, int | None]  # code -> percent, None: withheld


@dataclass
class Knowledge:
    groups: Mapping[str, Mapping[str, str]]  # gemeentecode -> dimension -> group
    participants: Mapping[int, Mapping[str, bool]]  # publication -> gemeentecode -> named
    named_scores: Mapping[int, Mapping[str, Mapping[str, float]]] = field(default_factory=dict)
    named_answers: Mapping[int, Mapping[str, Mapping[str, str]]] = field(default_factory=dict)

    def members(self, figure: Figure) -> tuple[frozenset[str], frozenset[str]]:
        """(anonymised, named) gemeenten behind a figure."""
        taking_part = self.participants[figure.publication]
        inside = {
            code
            for code in taking_part
            if code != figure.left_out
            and (
                figure.dimension == "alle"
                or self.groups[code].get(figure.dimension) == figure.group
            )
        }
        named = frozenset(c for c in inside if taking_part[c])
        return frozenset(inside) - named, named


@dataclass(frozen=True)
class Breach:
    attack: str
    where: str
    gemeenten: frozenset[str]


# --- counts from shares ----------------------------------------------------------------------


def count_range(percent: int, n: int) -> tuple[int, int]:
    """The counts out of n that round to the percentage (rounded to 5 points, half up)."""
    low = math.ceil((percent - 2.5) * n / 100 - 1e-9)
    high = math.floor((percent + 2.5) * n / 100 - 1e-9) if percent < 100 else n
    return max(0, low), min(n, high)


def anonymised_at_target(figure: Figure, knowledge: Knowledge) -> tuple[int, int] | None:
    """The range of the anonymised members' at-target count that the share allows."""
    if figure.at_target is None:
        return None
    anonymous, named = knowledge.members(figure)
    scores = knowledge.named_scores.get(figure.publication, {})
    known = sum(scores.get(c, {}).get(figure.key, 0) >= 100 for c in named)
    scored_named = sum(figure.key in scores.get(c, {}) for c in named)
    low, high = count_range(figure.at_target, len(anonymous) + scored_named)
    return max(0, low - known), min(len(anonymous), high - known)


# --- the attacks -------------------------------------------------------------------------------


def attack(
    figures: Iterable[Figure], shares: Iterable[Shares], knowledge: Knowledge
) -> list[Breach]:
    found = list(figures)
    tables = [f for f in found if f.left_out is None]
    breaches = [*small_figures(found, knowledge), *differences(tables, knowledge)]
    breaches += comparisons(found)
    return breaches + distribution(list(shares), knowledge)


def small_figures(figures: list[Figure], knowledge: Knowledge) -> list[Breach]:
    breaches = []
    for f in figures:
        anonymous, _ = knowledge.members(f)
        where = describe(f)
        if len(anonymous) < K:
            breaches.append(Breach("figure on fewer than k", where, anonymous))
        if f.median is not None and len(anonymous) < 2 * K:
            breaches.append(Breach("quartiles on fewer than 2k", where, anonymous))
        counted = anonymised_at_target(f, knowledge)
        if counted is not None and anonymous and counted[0] >= len(anonymous):
            breaches.append(Breach("all pinned at 100", where, anonymous))
    return breaches


def differences(figures: list[Figure], knowledge: Knowledge) -> list[Breach]:
    """Subtract every nested published figure of the same score from another."""
    by_key: dict[str, dict[frozenset[str], Figure]] = {}
    for f in figures:
        anonymous, _ = knowledge.members(f)
        if anonymous:
            by_key.setdefault(f.key, {}).setdefault(anonymous, f)
    breaches = []
    for sets in by_key.values():
        for outer, outer_figure in sets.items():
            inside = [(s, f) for s, f in sets.items() if s < outer]
            for part in inside:
                breaches += remainder(outer, outer_figure, [part], knowledge)
            families: dict[tuple[str, int, str], list[tuple[frozenset[str], Figure]]] = {}
            for s, f in inside:
                families.setdefault((f.source, f.publication, f.dimension), []).append((s, f))
            for parts in families.values():
                disjoint = [p for p in parts if not any(p[0] & q[0] for q in parts if q is not p)]
                if len(disjoint) > 1:
                    breaches += remainder(outer, outer_figure, disjoint, knowledge)
    return breaches


def remainder(outer, outer_figure, parts, knowledge) -> list[Breach]:
    covered = frozenset().union(*(s for s, _ in parts))
    rest = outer - covered
    where = f"{describe(outer_figure)} minus " + ", ".join(describe(f) for _, f in parts)
    if 0 < len(rest) < K:
        return [Breach("isolates by subtraction", where, rest)]
    outer_count = anonymised_at_target(outer_figure, knowledge)
    counts = [anonymised_at_target(f, knowledge) for _, f in parts]
    if rest and outer_count is not None and None not in counts:
        lowest = outer_count[0] - sum(c[1] for c in counts)  # type: ignore[index]
        if lowest >= len(rest):
            return [Breach("remainder pinned at 100", where, rest)]
    return []


def comparisons(figures: list[Figure]) -> list[Breach]:
    """A comparison is a published group without the asker, who knows the own scores: it may
    show only what the publication shows of that group (so subtracting it is subtracting the
    published group, which `differences` attacks)."""
    published = {
        (f.publication, f.dimension, f.group, f.key)
        for f in figures
        if f.left_out is None and (f.median is not None or f.at_target is not None)
    }
    return [
        Breach("comparison shows a withheld figure", describe(f), frozenset({f.left_out}))
        for f in figures
        if f.left_out and (f.publication, f.dimension, f.group, f.key) not in published
    ]


def distribution(tables: list[Shares], knowledge: Knowledge) -> list[Breach]:
    breaches = []
    for table in tables:
        counts = answer_counts(table, knowledge)
        n = len(anonymous_of(table.publication, knowledge))
        for code, (low, _high) in counts.items():
            if n and low >= n:
                breaches.append(Breach(f"everyone answered {code}", where_of(table), frozenset()))
    for one, two in combinations(tables, 2):
        if one.question != two.question or one.publication == two.publication:
            continue
        first, second = (
            anonymous_of(one.publication, knowledge),
            anonymous_of(two.publication, knowledge),
        )
        small, large, (s_table, l_table) = (
            (first, second, (one, two)) if first <= second else (second, first, (two, one))
        )
        if not small <= large or small == large:
            continue
        rest = large - small
        if len(rest) < K:
            breaches.append(Breach("answers isolated", where_of(l_table), rest))
            continue
        low_counts, high_counts = (
            answer_counts(l_table, knowledge),
            answer_counts(s_table, knowledge),
        )
        for code in low_counts:
            if low_counts[code][0] - high_counts[code][1] >= len(rest):
                breaches.append(Breach(f"newcomers all answered {code}", where_of(l_table), rest))
    return breaches


def anonymous_of(publication: int, knowledge: Knowledge) -> frozenset[str]:
    return frozenset(c for c, named in knowledge.participants[publication].items() if not named)


def answer_counts(table: Shares, knowledge: Knowledge) -> dict[str, tuple[int, int]]:
    """Per code the range of anonymised members' counts, from the shown shares, the hidden ones
    (what is left of 100%) and the known answers of named members."""
    participants = knowledge.participants[table.publication]
    n_all = len(participants)
    named = knowledge.named_answers.get(table.publication, {})
    known = {
        code: sum(a.get(table.question) == code for a in named.values()) for code in table.shares
    }
    ranges = {
        code: count_range(p, n_all) if p is not None else (0, n_all)
        for code, p in table.shares.items()
    }
    tightened = {}
    for code, (low, high) in ranges.items():
        others_high = sum(h for c, (_, h) in ranges.items() if c != code)
        others_low = sum(lo for c, (lo, _) in ranges.items() if c != code)
        low, high = max(low, n_all - others_high), min(high, n_all - others_low)
        tightened[code] = (max(0, low - known[code]), max(0, high - known[code]))
    return tightened


def describe(f: Figure) -> str:
    aside = f" zonder {f.left_out}" if f.left_out else ""
    return f"{f.source} #{f.publication} {f.dimension} {f.group}{aside} {f.key}"


def where_of(table: Shares) -> str:
    return f"{table.source} #{table.publication} vraag {table.question}"


# --- reading the outputs -------------------------------------------------------------------------


def from_tables(body: Mapping, source: str, total_dimension: str = "alle") -> list[Figure]:
    """The API body of a publication (or a regional view, whose total is the region's cell)."""
    number = body["publicatie"]
    cells = [(total_dimension, body["totaal"])]
    cells += [(i["indeling"], g) for i in body["indelingen"] for g in i["groepen"]]
    return [
        Figure(
            source,
            number,
            dimension,
            group["groep"],
            f"{c['onderdeel']}/{c['sleutel']}",
            c["mediaan"],
            c["kwartiel1"],
            c["kwartiel3"],
            c["aandeelOpDoel"],
        )
        for dimension, group in cells
        for c in group["cijfers"]
    ]


def shares_from_tables(body: Mapping, source: str) -> list[Shares]:
    return [
        Shares(source, body["publicatie"], q["vraagId"], q["aandelen"])
        for q in body["antwoordverdeling"]
        if q["aandelen"] is not None
    ]


def from_rows(rows: Iterable[Mapping], source: str, publication: int) -> list[Figure]:
    """Rows of the CSV, XLSX or JSON export."""

    def number(value):
        return None if value in (None, "") else int(value)

    return [
        Figure(
            source,
            publication,
            row["indeling"],
            row["groep"],
            f"{row['onderdeel']}/{row['sleutel']}",
            number(row["mediaan"]),
            number(row["kwartiel1"]),
            number(row["kwartiel3"]),
            number(row["aandeelOpDoel"]),
        )
        for row in rows
        if row["onderdeel"] not in (None, "")
    ]


def from_comparison(
    body: Mapping, asker: str, knowledge: Knowledge, publication: int
) -> list[Figure]:
    """A comparison as an officer (or a reader of a named assessment) receives it."""
    if body["onderdrukt"]:
        return []
    dimension = body["groep"]
    group = "alle" if dimension == "alle" else knowledge.groups[asker][dimension]
    return [
        Figure(
            f"vergelijking:{asker}",
            publication,
            dimension,
            group,
            f"{s['soort']}/{s['sleutel']}",
            s["groep"]["mediaan"],
            s["groep"]["q1"],
            s["groep"]["q3"],
            s["groep"]["aandeelOpDoel"],
            left_out=asker,
        )
        for s in body["scores"]
        if s["groep"] is not None
    ]


def _figure_cells(texts: list[str]) -> tuple[int | None, int | None, int | None, int | None]:
    """Median, quartiles 'q1 – q3' and share 'p%' as the dashboard and the PDF print them."""
    median, quartiles, share = texts

    def number(text):
        return None if text.strip() in ("–", "") else int(text.strip().rstrip("%"))

    q1 = q3 = None
    if quartiles.strip() != "–":
        q1, q3 = (int(x) for x in quartiles.split("–"))
    return number(median), q1, q3, number(share)


def from_dashboard(soup, publication: int, labels: Mapping[str, str], source: str) -> list[Figure]:
    """The dashboard's tables: the total per score, and each breakdown's basis score."""
    found = []
    for row in soup.select("#tabel-landelijk tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in row.select("td")]
        if len(cells) == 3:
            found.append(
                Figure(
                    source,
                    publication,
                    "alle",
                    "alle",
                    labels[row.th.get_text(strip=True)],
                    *_figure_cells(cells),
                )
            )
    for table in soup.select("table.breakdown"):
        for row in table.select("tbody tr"):
            cells = [td.get_text(" ", strip=True) for td in row.select("td")]
            if len(cells) == 4:
                found.append(
                    Figure(
                        source,
                        publication,
                        table["data-indeling"],
                        row.th.get_text(strip=True),
                        TOTAL,
                        *_figure_cells(cells[1:]),
                    )
                )
    return found


def shares_from_dashboard(soup, publication: int, codes: list[str], source: str) -> list[Shares]:
    found = []
    for row in soup.select("#tabel-vragen tbody tr"):
        cells = [td.get_text(strip=True) for td in row.select("td")]
        if len(cells) == len(codes):
            shares = {c: None if v == "–" else int(v) for c, v in zip(codes, cells, strict=True)}
            found.append(Shares(source, publication, row.th.get_text(strip=True), shares))
    return found


_PDF_ROW = re.compile(
    r"^(?P<group>.+?) (?P<n>0|minder dan \d+|\d+–\d+|\d+ of meer) "
    r"(?P<median>\d+|–) (?P<quartiles>\d+ – \d+|–) (?P<share>\d+%|–)$"
)
_PDF_DIMENSION = re.compile(r"^Basisscore per (?P<dimension>\S+)")


def from_pdf_text(text: str, publication: int, source: str = "pdf") -> list[Figure]:
    """The breakdown tables of the national PDF, line by line."""
    dimensions = {"grootteklasse", "provincie", "riec-regio", "veiligheidsregio"}
    found, dimension = [], None
    for line in (" ".join(raw.split()) for raw in text.splitlines()):
        heading = _PDF_DIMENSION.match(line)
        if heading and heading["dimension"].lower() in dimensions:
            dimension = heading["dimension"].lower().replace("riec-regio", "riec")
            continue
        row = _PDF_ROW.match(line)
        if row and dimension:
            cells = [row["median"], row["quartiles"], row["share"]]
            found.append(
                Figure(source, publication, dimension, row["group"], TOTAL, *_figure_cells(cells))
            )
    return found
