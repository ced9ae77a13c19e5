"""VNG's national benchmark (analist, beheerder) and a region's (regio): aggregates from
stored scores, never from answers.

Only submitted assessments that are shared (geanonimiseerd or benoemd) count; `prive` never
does. Figures come from assess.framework.national, which applies the suppression rules. A
regional coordinator sees only the gemeenten of the own RIEC region, whatever is asked.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from assess import exports
from assess.access import COUNTED_IN_AGGREGATES, Principal, Sharing
from assess.db.models import (
    Answer as AnswerRow,
)
from assess.db.models import (
    Assessment,
    AssessmentScore,
    Municipality,
    QuestionnaireVersion,
)
from assess.errors import NotFound
from assess.framework.answers import Answer
from assess.framework.loader import carried_over
from assess.framework.national import (
    Cell,
    NamedAssessment,
    Record,
    YearBenchmark,
    cell,
    level_distribution,
    national_picture,
)
from assess.framework.scoring import score, scored_groups
from assess.framework.statistics import ScoreKey
from assess.framework.vocabulary import DIMENSIONS, Grouping, Status
from assess.i18n import _
from assess.services import questionnaires, register
from assess.services.guards import require_benchmark_reader

SHARED = [str(s) for s in COUNTED_IN_AGGREGATES]


def _region(who: Principal) -> str | None:
    """The region the principal is limited to; Forbidden for those who see no benchmark."""
    require_benchmark_reader(
        who, _("Alleen VNG-analisten, beheerders en regiocoördinatoren zien de benchmark.")
    )
    return who.benchmark_region


def _counted(region: str | None = None, year: int | None = None) -> list[ColumnElement[bool]]:
    """Which assessments count: submitted, shared, in the year, in the region (if any)."""
    conditions = [Assessment.status == Status.SUBMITTED, Assessment.sharing.in_(SHARED)]
    if year is not None:
        conditions.append(Assessment.year == year)
    if region is not None:
        in_region = select(Municipality.code).where(Municipality.riec == region)
        conditions.append(Assessment.municipality_code.in_(in_region))
    return conditions


def years(session: Session, who: Principal) -> list[int]:
    query = select(Assessment.year).where(*_counted(_region(who)))
    return sorted(set(session.scalars(query.distinct())))


def _records(session: Session, year: int, region: str | None) -> list[Record]:
    """One record per counted assessment: its groups and its scores on the newest version of
    the questionnaire, so that every year and every version are scored alike. Assessments on
    the newest version bring their stored scores (one query); older ones are scored from
    their answers, carried over to the newest version where the meaning was kept."""
    newest = questionnaires.version_row(session)
    columns = [register.GROUP_COLUMNS[d] for d in DIMENSIONS]
    query = (
        select(
            Assessment.id,
            *columns,
            AssessmentScore.scope,
            AssessmentScore.key,
            AssessmentScore.score,
        )
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .join(AssessmentScore, AssessmentScore.assessment_id == Assessment.id)
        .where(*_counted(region, year), Assessment.questionnaire_version_id == newest.id)
    )
    groups: dict[str, dict[str, str | None]] = {}
    scores: dict[str, dict[ScoreKey, float | None]] = defaultdict(dict)
    for assessment_id, *attributes, scope, score_key, value in session.execute(query):
        key = str(assessment_id)
        groups.setdefault(key, dict(zip(DIMENSIONS, attributes, strict=True)))
        scores[key][(scope, score_key)] = value
    stored = [Record(key, groups[key], scores[key]) for key in groups]
    return stored + _mapped_records(session, year, region, newest)


def _mapped_records(
    session: Session, year: int, region: str | None, newest: QuestionnaireVersion
) -> list[Record]:
    """Assessments of the year on an older version, scored on the newest version."""
    current = questionnaires.definition_of(newest)
    known = questionnaires.stored(session)
    rows = session.execute(
        select(Assessment, *[register.GROUP_COLUMNS[d] for d in DIMENSIONS])
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .where(*_counted(region, year), Assessment.questionnaire_version_id != newest.id)
    )
    records = []
    for row, *attributes in rows:
        older = questionnaires.definition_of(row.questionnaire_version)
        given = {a.question_id: Answer(a.code, a.regional) for a in row.answers}
        mapping = carried_over(current, older, known)
        mapped = {new: given[old] for new, old in mapping.items() if old in given}
        values = {
            (scope, group.key): value
            for scope, group, value in scored_groups(score(current, mapped))
        }
        records.append(Record(str(row.id), dict(zip(DIMENSIONS, attributes, strict=True)), values))
    return records


def _level_counts(
    session: Session, year: int, region: str | None
) -> tuple[dict[tuple[str, str], int], int]:
    """Answer counts per question and code, aggregated in the database; and the number of
    assessments. Only the year's most used questionnaire version, so questions match."""
    version = session.execute(
        select(Assessment.questionnaire_version_id, func.count())
        .where(*_counted(region, year))
        .group_by(Assessment.questionnaire_version_id)
        .order_by(func.count().desc())
    ).first()
    if version is None:
        return {}, 0
    counts = session.execute(
        select(AnswerRow.question_id, AnswerRow.code, func.count())
        .join(Assessment, Assessment.id == AnswerRow.assessment_id)
        .where(*_counted(region, year), Assessment.questionnaire_version_id == version[0])
        .group_by(AnswerRow.question_id, AnswerRow.code)
    )
    return {(q, code): n for q, code, n in counts}, version[1]


def _named(session: Session, year: int, region: str | None) -> list[NamedAssessment]:
    query = (
        select(Municipality.code, Municipality.name, AssessmentScore.score)
        .join(Assessment, Assessment.municipality_code == Municipality.code)
        .join(
            AssessmentScore,
            (AssessmentScore.assessment_id == Assessment.id) & (AssessmentScore.scope == "totaal"),
        )
        .where(*_counted(region, year), Assessment.sharing == Sharing.NAMED.value)
        .order_by(Municipality.name)
    )
    return [NamedAssessment(code, name, score) for code, name, score in session.execute(query)]


def year_benchmark(
    session: Session, who: Principal, year: int, min_group_size: int
) -> YearBenchmark:
    """The picture of a year, for the whole country or (for a regional coordinator) a region."""
    region = _region(who)
    found = _records(session, year, region)
    if not found:
        raise NotFound(
            _("Er zijn geen ingediende, gedeelde zelfevaluaties over {jaar}.").format(jaar=year)
        )
    counts, n = _level_counts(session, year, region)
    return YearBenchmark(
        year=year,
        municipalities=register.count(session, region),
        picture=national_picture(found, min_group_size, register.groups(session, region)),
        distribution=level_distribution(counts, n, min_group_size),
        named=_named(session, year, region),
    )


def trend(
    session: Session, who: Principal, years: list[int], min_group_size: int
) -> list[tuple[int, Cell]]:
    """The total per year (for the trend); each year its own suppression."""
    region = _region(who)
    return [(y, cell(Grouping.ALL, _records(session, y, region), min_group_size)) for y in years]


@dataclass(frozen=True)
class Dashboard:
    """The analyst's page for one year; `data` is None when that year has no figures."""

    years: list[int]
    year: int | None
    region: str | None
    data: YearBenchmark | None
    trend: list[tuple[int, Cell]]
    group_sizes: dict[tuple[str, str], int]
    domain_titles: dict[str, str]


def dashboard(session: Session, who: Principal, year: int | None, min_group_size: int) -> Dashboard:
    available = years(session, who)
    chosen = year if year is not None else (available[-1] if available else None)
    shown = chosen is not None and chosen in available
    return Dashboard(
        years=available,
        year=chosen,
        region=who.benchmark_region,
        data=year_benchmark(session, who, chosen, min_group_size) if shown and chosen else None,
        trend=trend(session, who, available, min_group_size) if shown else [],
        group_sizes=register.group_sizes(session) if shown else {},
        domain_titles=questionnaires.domain_titles(session),
    )


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    content: bytes
    assessments: int  # how many assessments the figures rest on


def export(
    session: Session, who: Principal, year: int, min_group_size: int, fmt: exports.ExportFormat
) -> Download:
    data = year_benchmark(session, who, year, min_group_size)
    return Download(
        filename=f"benchmark-mensenhandel-{year}.{fmt}",
        media_type=exports.FORMATS[fmt],
        content=exports.WRITERS[fmt](data),
        assessments=data.picture.total.n,
    )
