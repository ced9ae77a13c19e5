"""Benchmark publications: a beheerder freezes the figures of a year; readers get them later.

Every benchmark figure (API, dashboard, exports, national PDF, officers' comparisons) comes from
a publication, so that a submission changes nothing until the next one and every publication
is checked against the ones before it (assess.framework.disclosure).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import msgspec
from sqlalchemy import select
from sqlalchemy.orm import Session

from assess.access import COUNTED_IN_AGGREGATES, Principal, Sharing
from assess.db.models import Answer as AnswerRow
from assess.db.models import Assessment, Municipality, QuestionnaireVersion, utcnow
from assess.db.models import Publication as PublicationRow
from assess.errors import Conflict, NotFound
from assess.framework.answers import Answer
from assess.framework.loader import carried_over
from assess.framework.publication import (
    Contributor,
    Header,
    Publication,
    Snapshot,
    compile_publication,
)
from assess.framework.schema import Questionnaire
from assess.framework.scoring import score, scored_groups
from assess.framework.vocabulary import DIMENSIONS, Status
from assess.i18n import _
from assess.services import audit, questionnaires, register
from assess.services.guards import require_administrator

SHARED = [str(s) for s in COUNTED_IN_AGGREGATES]
_CONTRIBUTORS = msgspec.json.Decoder(list[Contributor])


@dataclass(frozen=True)
class Published:
    year: int
    number: int
    published_at: datetime
    total: str  # the band of contributors


def publish(session: Session, who: Principal, year: int, min_group_size: int) -> Published:
    """Freeze the figures of a year as its next publication, after every earlier one."""
    require_administrator(who, _("Alleen een beheerder publiceert de benchmark."))
    version = questionnaires.version_row(session)
    found = contributors(session, year, version)
    if not found:
        raise Conflict(
            _(
                "Er zijn geen ingediende, gedeelde zelfevaluaties over {jaar} om te publiceren."
            ).format(jaar=year)
        )
    earlier = snapshots(session, year)
    if earlier and _unchanged(earlier[-1], found):
        raise Conflict(
            _(
                "Sinds publicatie {nummer} van {jaar} is er niets veranderd: geen zelfevaluatie "
                "bijgekomen of teruggetrokken. Een nieuwe publicatie zou dezelfde cijfers geven."
            ).format(nummer=earlier[-1].publication.number, jaar=year)
        )
    definition = questionnaires.definition_of(version)
    header = Header(
        year=year,
        number=len(earlier) + 1,
        published_at=utcnow(),
        questionnaire=definition.id,
        version=definition.versie,
        municipalities=register.count(session),
        questions=[q.id for q in definition.questions()],
    )
    tables = compile_publication(header, found, register.groups(session), min_group_size, earlier)
    if tables.total.suppressed or not tables.total.figures:
        raise Conflict(_refusal(year, earlier, min_group_size))
    session.add(
        PublicationRow(
            year=year,
            number=header.number,
            published_at=header.published_at,
            published_by=who.user_id,
            tables=msgspec.json.encode(tables).decode(),
            contributors=msgspec.json.encode(found).decode(),
        )
    )
    audit.record(
        session,
        who,
        "benchmark.publish",
        "benchmark",
        f"{year}/{header.number}",
        deelnemers=len(found),
    )
    session.flush()
    return Published(year, header.number, header.published_at, tables.total.n)


def _unchanged(last: Snapshot, found: Sequence[Contributor]) -> bool:
    return sorted(last.contributors, key=lambda c: c.id) == sorted(found, key=lambda c: c.id)


def _refusal(year: int, earlier: Sequence[Snapshot], k: int) -> str:
    if not earlier:
        return _(
            "Te weinig zelfevaluaties over {jaar} om landelijke cijfers te publiceren: er zijn er "
            "minstens {k} nodig die geanonimiseerd gedeeld zijn."
        ).format(jaar=year, k=k)
    return _(
        "Sinds publicatie {nummer} van {jaar} zijn te weinig zelfevaluaties bijgekomen of "
        "teruggetrokken: het verschil zou de nieuwe of vertrokken gemeenten herkenbaar maken. "
        "Publiceer opnieuw als er minstens {k} bij zijn gekomen."
    ).format(nummer=earlier[-1].publication.number, jaar=year, k=k)


def contributors(session: Session, year: int, version: QuestionnaireVersion) -> list[Contributor]:
    """The year's submitted, shared assessments, scored on one questionnaire version: answers
    on an older version are carried over where the meaning was kept (one population)."""
    target = questionnaires.definition_of(version)
    known = questionnaires.stored(session)
    counted = (
        Assessment.status == Status.SUBMITTED,
        Assessment.sharing.in_(SHARED),
        Assessment.year == year,
    )
    answers: dict[object, dict[str, Answer]] = {}
    for assessment_id, question_id, code in session.execute(
        select(AnswerRow.assessment_id, AnswerRow.question_id, AnswerRow.code)
        .join(Assessment, Assessment.id == AnswerRow.assessment_id)
        .where(*counted)
    ):
        answers.setdefault(assessment_id, {})[question_id] = Answer(code)
    rows = session.execute(
        select(Assessment, Municipality)
        .join(Municipality, Municipality.code == Assessment.municipality_code)
        .where(*counted)
        .order_by(Assessment.id)
    )
    found = []
    mappings: dict[int, dict[str, str]] = {}
    for assessment, municipality in rows:
        if assessment.questionnaire_version_id not in mappings:
            older = questionnaires.definition_of(assessment.questionnaire_version)
            mappings[assessment.questionnaire_version_id] = carried_over(target, older, known)
        given = answers.get(assessment.id, {})
        mapped = {
            new: given[old]
            for new, old in mappings[assessment.questionnaire_version_id].items()
            if old in given
        }
        found.append(_contributor(assessment, municipality, mapped, target))
    return found


def _contributor(
    assessment: Assessment,
    municipality: Municipality,
    answers: dict[str, Answer],
    target: Questionnaire,
) -> Contributor:
    groups = {
        str(d): value
        for d in DIMENSIONS
        if (value := getattr(municipality, register.GROUP_COLUMNS[d].key))
    }
    return Contributor(
        id=str(assessment.id),
        code=municipality.code,
        name=municipality.name,
        named=assessment.sharing == Sharing.NAMED,
        groups=groups,
        scores={
            f"{scope}/{group.key}": value
            for scope, group, value in scored_groups(score(target, answers))
            if value is not None
        },
        answers={q: a.code for q, a in answers.items()},
    )


def snapshots(session: Session, year: int) -> list[Snapshot]:
    """Every publication of the year, oldest first, with its contributors."""
    rows = session.scalars(
        select(PublicationRow).where(PublicationRow.year == year).order_by(PublicationRow.number)
    )
    return [_snapshot(row) for row in rows]


def _snapshot(row: PublicationRow) -> Snapshot:
    return Snapshot(_tables(row), _CONTRIBUTORS.decode(row.contributors))


def _tables(row: PublicationRow) -> Publication:
    return msgspec.json.decode(row.tables, type=Publication)


def latest_snapshot(session: Session, year: int) -> Snapshot | None:
    """The newest publication of a year with its contributors, for the officers' comparison.

    Decoded once per process: a publication never changes. Its id and time together name it
    (SQLite can give a rolled-back publication's id to the next one)."""
    found = session.execute(
        select(PublicationRow.id, PublicationRow.published_at)
        .where(PublicationRow.year == year)
        .order_by(PublicationRow.number.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    key = (found.id, found.published_at)
    snapshot = _decoded.get(key)
    if snapshot is None:
        snapshot = _snapshot(session.get_one(PublicationRow, found.id))
        if len(_decoded) >= MAX_DECODED:
            _decoded.clear()  # rare, and safe for the request threads, unlike evicting one
        _decoded[key] = snapshot
    return snapshot


MAX_DECODED = 8  # the latest of a few years; one replaced by a newer is never read again
_decoded: dict[tuple[int, datetime], Snapshot] = {}


def tables(session: Session, year: int, number: int | None = None) -> Publication:
    """The tables of a publication (the newest when no number is given); NotFound before any."""
    query = select(PublicationRow).where(PublicationRow.year == year)
    if number is not None:
        query = query.where(PublicationRow.number == number)
    row = session.scalars(query.order_by(PublicationRow.number.desc())).first()
    if row is None:
        if number is not None:
            raise NotFound(
                _("Publicatie {nummer} van {jaar} bestaat niet.").format(nummer=number, jaar=year)
            )
        raise NotFound(_("De benchmark over {jaar} is nog niet gepubliceerd.").format(jaar=year))
    return _tables(row)


def years(session: Session) -> list[int]:
    return list(
        session.scalars(select(PublicationRow.year).distinct().order_by(PublicationRow.year))
    )


def numbers(session: Session, year: int) -> list[tuple[int, datetime]]:
    return [
        (number, at)
        for number, at in session.execute(
            select(PublicationRow.number, PublicationRow.published_at)
            .where(PublicationRow.year == year)
            .order_by(PublicationRow.number)
        )
    ]


def submitted_years(session: Session) -> list[int]:
    """The years with submitted, shared assessments: what there is to publish."""
    query = select(Assessment.year).where(
        Assessment.status == Status.SUBMITTED, Assessment.sharing.in_(SHARED)
    )
    return sorted(set(session.scalars(query.distinct())))
