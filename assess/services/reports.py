"""The council report as a use case: gather its content, render it, cache the PDF.

`gather` takes the results exactly as the results page shows them to the same principal
(`results.results`), in plain values, so the HTML and PDF are made outside the session.
`report_file` renders it and, for a submitted assessment, keeps the PDF in the database
cache keyed by `cache_key`: a digest of the gathered data (which holds the language and the
day the report is made) and of the code, templates and assets that turn it into a PDF, so a
changed answer, a new peer figure, another language or a new template gives a new key, and a
repeat download of the same content is served from the cache without rendering the HTML. A
web process also keeps the latest PDFs in memory (`MemoryCache`, owned by the app); the
command line renders afresh.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from babel.dates import format_date
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assess import i18n, labels, report
from assess.access import Principal
from assess.db.models import Assessment, ReportCache
from assess.errors import NotFound
from assess.framework import action_plan as plan_rules
from assess.framework.gaps import Gap, GapAnalysis
from assess.framework.schema import Question, Questionnaire
from assess.framework.scoring import GroupScore, Scores, Verdict
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.municipalities import file_slug
from assess.services import action_plan, benchmark, questionnaires, register
from assess.services.action_plan import LastYear, Phase, PlanLine
from assess.services.assessments import AnswerView, readable_row
from assess.services.comparison import PeerComparison
from assess.services.results import TrendYear, results

TOP_ACTIONS = 5
Day = date  # `ReportData.date` hides the type inside the class
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the report's dates are Dutch calendar days


@dataclass(frozen=True)
class Action:
    """One line of the summary's action list: what to do, and the question it comes from."""

    text: str
    question_id: str


@dataclass(frozen=True)
class ReportData:
    assessment_id: str
    year: int
    status: str
    synthetic: bool
    date: date
    language: str
    gemeente: register.Gemeente
    questionnaire: Questionnaire
    analysis: GapAnalysis
    comparisons: list[PeerComparison]
    min_group_size: int
    trend: list[TrendYear]
    answers: dict[str, AnswerView]
    region: str | None
    plan: list[PlanLine]  # the action plan in phases, with the gemeente's own actions
    last_plan: LastYear | None  # what became of last year's actions
    since_previous: tuple[list[str], list[str]]  # the previous year's basis gaps: closed, open
    made: Day  # the day the report was made (peer figures can change between two prints)

    @property
    def submitted(self) -> bool:
        return self.status == Status.SUBMITTED

    @property
    def version(self) -> str:
        return self.questionnaire.versie

    @property
    def date_text(self) -> str:
        return format_date(self.date, format="long", locale=self.language)

    @property
    def made_text(self) -> str:
        return format_date(self.made, format="long", locale=self.language)

    @property
    def published_text(self) -> str | None:
        """When the publication the peer figures come from was made."""
        when = next((c.published_at for c in self.comparisons if c.published_at), None)
        return format_date(when.date(), format="long", locale=self.language) if when else None

    @property
    def domain_titles(self) -> dict[str, str]:
        return {d.code: d.titel for d in self.questionnaire.domeinen}

    @property
    def scores(self) -> Scores:
        return self.analysis.scores

    @property
    def level_band(self) -> str | None:
        found = self.scores.verdict
        return labels.VERDICTS[found] if found else None

    @property
    def reached(self) -> bool:
        return self.scores.verdict == Verdict.REACHED

    @property
    def basis_at_target(self) -> int:
        return sum(q.met for q in self.scores.basis_counted)

    @property
    def basis_questions(self) -> int:
        return len(self.scores.basis_counted)

    def _ranked(self) -> list[GroupScore]:
        order = {d.key: i for i, d in enumerate(self.scores.domains)}
        scored = [d for d in self.scores.domains if d.score is not None]
        return sorted(scored, key=lambda d: (-(d.score or 0.0), order[d.key]))

    @property
    def strongest(self) -> list[GroupScore]:
        ranked = self._ranked()
        return ranked[: 2 if len(ranked) >= 4 else 1]

    @property
    def weakest(self) -> list[GroupScore]:
        ranked = self._ranked()
        count = 2 if len(ranked) >= 4 else 1
        strongest = {d.key for d in self.strongest}
        return [d for d in reversed(ranked) if d.key not in strongest][:count]

    @property
    def top_actions(self) -> list[Action]:
        """The summary's actions, up to five, in the order the analysis proposes them: the
        basis gaps, what to find out at the basis, then the deepening and what to find out."""
        proposed = plan_rules.proposals(self.analysis, self.questionnaire, (), _)
        return [Action(p.title, p.question_id) for p in proposed[:TOP_ACTIONS]]

    @property
    def plan_phases(self) -> list[tuple[Phase, list[PlanLine]]]:
        return [(p, found) for p in Phase if (found := [x for x in self.plan if x.phase == p])]

    def gap(self, question_id: str) -> Gap | None:
        return next((g for g in self.analysis.gaps if g.question_id == question_id), None)

    def question(self, question_id: str) -> Question:
        found = self.questionnaire.question(question_id)
        assert found is not None
        return found

    def peer(self, group: str) -> PeerComparison | None:
        return next((c for c in self.comparisons if c.group == group), None)


def gather(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    min_group_size: int,
    language: str = i18n.DEFAULT,
) -> ReportData:
    """Everything the report shows to this principal, as plain values, in the language."""
    with i18n.language(language):
        found = results(session, who, assessment_id, min_group_size)
        item = found.item
        when = item.submitted_at if item.submitted and item.submitted_at else None
        return ReportData(
            assessment_id=str(item.id),
            year=item.year,
            status=item.status,
            synthetic=item.synthetic,
            date=(when or item.updated_at).date(),
            language=i18n.current_language(),
            gemeente=found.gemeente,
            questionnaire=item.questionnaire,
            analysis=found.analysis,
            comparisons=found.comparisons,
            min_group_size=min_group_size,
            trend=found.trend,
            answers=item.answers,
            region=item.region,
            plan=action_plan.phased(
                action_plan.actions_of(session, who, item.id), found.analysis, item.questionnaire
            ),
            last_plan=action_plan.last_year(session, who, item.id),
            since_previous=found.since_previous,
            made=datetime.now(AMSTERDAM).date(),
        )


def context(data: ReportData) -> dict[str, Any]:
    return {"r": data}


def render_html(data: ReportData) -> str:
    return report.render_html(context(data), data.language)


def cache_key(data: ReportData) -> str:
    """The cache key of a report: its data, canonically encoded (msgpack keeps the fields'
    order and takes the scores' tuple keys), and everything else that shapes the PDF."""
    digest = hashlib.sha256(report.fingerprint().encode())
    digest.update(msgspec.msgpack.encode(data))
    return digest.hexdigest()


def filename(data: ReportData) -> str:
    """For example zelfscan-mensenhandel-zwolle-2026.pdf (ASCII, lower case)."""
    slug = file_slug(data.gemeente.name, data.gemeente.code)
    suffix = "" if data.submitted else "-concept"
    return f"zelfscan-mensenhandel-{slug}-{data.year}{suffix}.pdf"


@dataclass(frozen=True)
class ReportFile:
    filename: str
    pdf: bytes
    cached: bool
    key: str | None = None  # digest of the content it was made from; None when not cached


class MemoryCache:
    """A small per-process LRU of recent PDFs by content key, in front of the database.

    It also serves repeat downloads of a concept, which the database does not keep (a
    concept changes often; its content key changes with every saved answer).
    """

    def __init__(self, max_entries: int = 16, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            pdf = self._items.get(key)
            if pdf is not None:
                self._items.move_to_end(key)
            return pdf

    def put(self, key: str, pdf: bytes) -> None:
        with self._lock:
            self._items[key] = pdf
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries or (
                len(self._items) > 1 and sum(map(len, self._items.values())) > self.max_bytes
            ):
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def report_file(
    session: Session,
    who: Principal,
    assessment_id: uuid.UUID | str,
    min_group_size: int,
    language: str = i18n.DEFAULT,
    *,
    memory: MemoryCache | None = None,
    use_cache: bool = True,
) -> ReportFile:
    """The PDF report of an assessment, served from a cache when its content is unchanged.

    A submitted assessment's PDF is kept in the database (shared by all processes; the
    caller's transaction commits it), and every PDF briefly in `memory` when given.
    """
    data = gather(session, who, assessment_id, min_group_size, language)
    name = filename(data)
    if not use_cache:
        return ReportFile(name, report.html_to_pdf(render_html(data)), cached=False)
    key = cache_key(data)
    pdf = memory.get(key) if memory else None
    if pdf is None and data.submitted:
        pdf = session.scalar(select(ReportCache.pdf).where(ReportCache.key == key))
    if pdf is not None:
        if memory:
            memory.put(key, pdf)
        return ReportFile(name, pdf, cached=True, key=key)
    pdf = report.html_to_pdf(render_html(data))
    if data.submitted:
        _store(session, key, uuid.UUID(data.assessment_id), data.language, pdf)
    if memory:
        memory.put(key, pdf)
    return ReportFile(name, pdf, cached=False, key=key)


def _store(session: Session, key: str, assessment_id: uuid.UUID, language: str, pdf: bytes) -> None:
    """Keep this PDF as the one entry for the assessment and language. Another process that
    stored the same key first wins; that is harmless, the content is the same."""
    session.execute(
        delete(ReportCache).where(
            ReportCache.assessment_id == assessment_id,
            ReportCache.language == language,
            ReportCache.key != key,
        )
    )
    try:
        with session.begin_nested():
            session.add(
                ReportCache(key=key, assessment_id=assessment_id, language=language, pdf=pdf)
            )
    except IntegrityError:
        pass


def assessment_of_year(session: Session, who: Principal, code: str, year: int) -> uuid.UUID:
    """The id of a gemeente's assessment of a year that the principal may read."""
    gemeente = register.gemeente(session, code.upper())
    found = session.scalar(
        select(Assessment.id).filter_by(municipality_code=gemeente.code, year=year)
    )
    if found is None:
        raise NotFound(
            _("Gemeente {naam} heeft geen zelfevaluatie voor {jaar}.").format(
                naam=gemeente.name, jaar=year
            )
        )
    return readable_row(session, who, found).id


def national_pdf(session: Session, who: Principal, year: int, number: int | None = None) -> bytes:
    """A publication of the national benchmark as PDF (the newest of the year by default)."""
    data = benchmark.year_benchmark(session, who, year, number)
    years = [y for y in benchmark.years(session, who) if y <= year]
    context = {
        "b": data,
        "trend": benchmark.trend(session, who, years),
        "domeintitels": questionnaires.domain_titles(session),
        "language": i18n.DEFAULT,
        "today": date.today().isoformat(),
        "demodata": benchmark.rests_on_demo_data(session, year),
    }
    return report.html_to_pdf(report.render_html(context, template="national.html"))
