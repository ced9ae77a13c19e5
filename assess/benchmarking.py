"""Use cases for VNG's national benchmark: aggregates from stored scores, never from answers.

Only submitted assessments that are shared (geanonimiseerd or benoemd) count; `prive` never
does. Figures come from assess.framework.national, which applies the suppression rules.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from assess import services
from assess.access import COUNTED_IN_AGGREGATES, SUBMITTED, Sharing
from assess.db.models import Answer, Assessment, AssessmentScore, Municipality
from assess.errors import NotFound
from assess.framework.national import (
    DIMENSIONS,
    Cell,
    NationalPicture,
    Record,
    cell,
    level_distribution,
    national_picture,
)
from assess.i18n import _
from assess.municipalities import SIZE_CLASSES

GROUP_COLUMNS = {
    "grootteklasse": Municipality.size_class,
    "provincie": Municipality.province,
    "riec": Municipality.riec,
    "veiligheidsregio": Municipality.safety_region,
}
SHARED = [str(s) for s in COUNTED_IN_AGGREGATES]


@dataclass(frozen=True)
class NamedAssessment:
    code: str
    name: str
    total: float | None


@dataclass(frozen=True)
class YearBenchmark:
    year: int
    municipalities: int  # gemeenten in the register
    picture: NationalPicture
    distribution: dict[str, dict[str, float]] | None  # question -> answer code -> share
    named: list[NamedAssessment]


def counted(region: str | None = None, year: int | None = None) -> list[ColumnElement[bool]]:
    """Which assessments count: submitted, shared, in the year, in the region (if any)."""
    conditions = [Assessment.status == SUBMITTED, Assessment.sharing.in_(SHARED)]
    if year is not None:
        conditions.append(Assessment.year == year)
    if region is not None:
        in_region = select(Municipality.code).where(Municipality.riec == region)
        conditions.append(Assessment.municipality_code.in_(in_region))
    return conditions


def in_register(region: str | None) -> list[ColumnElement[bool]]:
    conditions = [Municipality.valid_to.is_(None)]
    return conditions + ([Municipality.riec == region] if region is not None else [])


def benchmark_years(session: Session, region: str | None = None) -> list[int]:
    query = select(Assessment.year).where(*counted(region))
    return sorted(set(session.scalars(query.distinct())))


def register_groups(session: Session, region: str | None = None) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    size_order = [label for _, label in SIZE_CLASSES]
    for dimension, column in GROUP_COLUMNS.items():
        query = select(column).where(column.is_not(None), *in_register(region)).distinct()
        values = set(session.scalars(query))
        if dimension == "grootteklasse":
            groups[dimension] = [label for label in size_order if label in values]
        else:
            groups[dimension] = sorted(values)
    return groups


def records(session: Session, year: int, region: str | None = None) -> list[Record]:
    """One record per counted assessment: its groups and stored scores (one query)."""
    query = (
        select(
            Assessment.id,
            *GROUP_COLUMNS.values(),
            AssessmentScore.scope,
            AssessmentScore.key,
            AssessmentScore.score,
        )
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
        .where(*counted(region, year))
    )
    groups: dict[str, dict[str, str | None]] = {}
    scores: dict[str, dict[tuple[str, str], float | None]] = defaultdict(dict)
    for row in session.execute(query):
        key = str(row[0])
        groups.setdefault(key, dict(zip(DIMENSIONS, row[1:5], strict=True)))
        scores[key][(row.scope, row.key)] = row.score
    return [Record(key, groups[key], scores[key]) for key in groups]


def level_counts(
    session: Session, year: int, region: str | None = None
) -> tuple[dict[tuple[str, str], int], int]:
    """Answer counts per question and code, aggregated in the database; and the number of
    assessments. Only the year's most used questionnaire version, so questions match."""
    version = session.execute(
        select(Assessment.questionnaire_version_id, func.count())
        .where(*counted(region, year))
        .group_by(Assessment.questionnaire_version_id)
        .order_by(func.count().desc())
    ).first()
    if version is None:
        return {}, 0
    counts = session.execute(
        select(Answer.question_id, Answer.code, func.count())
        .join(Assessment, Assessment.id == Answer.assessment_id)
        .where(*counted(region, year), Assessment.questionnaire_version_id == version[0])
        .group_by(Answer.question_id, Answer.code)
    )
    return {(q, code): n for q, code, n in counts}, version[1]


def named_assessments(
    session: Session, year: int, region: str | None = None
) -> list[NamedAssessment]:
    query = (
        select(Municipality.code, Municipality.name, AssessmentScore.score)
        .join(Assessment, Assessment.municipality_code == Municipality.code)
        .join(
            AssessmentScore,
            (AssessmentScore.assessment_id == Assessment.id) & (AssessmentScore.scope == "totaal"),
        )
        .where(*counted(region, year), Assessment.sharing == Sharing.NAMED.value)
        .order_by(Municipality.name)
    )
    return [NamedAssessment(code, name, score) for code, name, score in session.execute(query)]


def year_benchmark(
    session: Session, year: int, min_group_size: int, region: str | None = None
) -> YearBenchmark:
    """The picture of a year, for the whole country or (for a regional coordinator) a region."""
    found = records(session, year, region)
    if not found:
        raise NotFound(
            _("Er zijn geen ingediende, gedeelde zelfevaluaties over {jaar}.").format(jaar=year)
        )
    counts, n = level_counts(session, year, region)
    total = session.scalar(
        select(func.count()).select_from(Municipality).where(*in_register(region))
    )
    return YearBenchmark(
        year=year,
        municipalities=total or 0,
        picture=national_picture(found, min_group_size, register_groups(session, region)),
        distribution=level_distribution(counts, n, min_group_size),
        named=named_assessments(session, year, region),
    )


def trend(
    session: Session, years: list[int], min_group_size: int, region: str | None = None
) -> list[tuple[int, Cell]]:
    """The total per year (for the trend); each year its own suppression."""
    return [(y, cell("alle", records(session, y, region), min_group_size)) for y in years]


def domain_titles(session: Session) -> dict[str, str]:
    """Domain code -> title, from the newest questionnaire (for the benchmark's labels)."""
    version = services.questionnaire_version(session, services.DEFAULT_QUESTIONNAIRE)
    return {d.code: d.titel for d in services.definition_of(version).domeinen}
