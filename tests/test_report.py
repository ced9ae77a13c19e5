"""The PDF report: what a reader finds in it, PDF/UA tagging, the safe fetcher, the cache,
the API and page downloads, and the CLI (one report and a parallel batch).

Rendering a PDF takes seconds, so the real PDFs are made once per module (and once per
distinct HTML across database backends); the cache, API and page tests that only need *a*
PDF use a stand-in renderer.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import msgspec
import pikepdf
import pytest
from bs4 import BeautifulSoup
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from assess import i18n, labels, report
from assess.db.models import Municipality, ReportCache
from assess.framework.action_plan import Draft
from assess.framework.answers import Answer
from assess.framework.schema import Pillar, Plateau, Questionnaire
from assess.framework.vocabulary import ActionStatus
from assess.services import (
    accounts,
    action_plan,
    answering,
    answers,
    publications,
    questionnaires,
    register,
    reports,
    results,
)
from assess.services.assessments import AssessmentView
from assess.services.reports import cache_key

from conftest import OTHER, OWN, SYSTEM, bearer, officer, submit_quickly

pytestmark = pytest.mark.slow

YEAR = 2025
MALICIOUS = (
    'Zie <img src="http://127.0.0.1:9/toelichting.png"> en '
    '<link rel="stylesheet" href="https://example.invalid/x.css">'
    '<style>@import url("https://example.invalid/y.css");</style> '
    '<a href="file:///etc/passwd">file:///etc/passwd</a>'
)
EVIDENCE = "Raadsbesluit 2025-12 <script>alert(1)</script> & notulen"
LEVELS = ("2", "1", "3", "0", "onbekend", "2", "1")


@pytest.fixture
def memory() -> reports.MemoryCache:
    """The in-memory report cache a web process keeps (the app has its own)."""
    return reports.MemoryCache()


# --- test data -------------------------------------------------------------------------


def submitted(session: Session, code: str, year: int, given: dict[str, Answer]) -> AssessmentView:
    item = answering.start(session, SYSTEM, code, year)
    for question_id, answer in given.items():
        answers.save(session, SYSTEM, item.id, question_id, answer)
    return answering.submit(session, SYSTEM, item.id)


def own_answers(questionnaire: Questionnaire) -> dict[str, Answer]:
    given = {q.id: Answer(LEVELS[i % len(LEVELS)]) for i, q in enumerate(questionnaire.questions())}
    first = questionnaire.questions()[0].id
    given[first] = Answer("1", explanation=MALICIOUS, evidence=EVIDENCE)
    return given


def others_outside_overijssel(session: Session, count: int) -> list[str]:
    return list(
        session.scalars(
            select(Municipality.code)
            .where(Municipality.province != "Overijssel", Municipality.valid_to.is_(None))
            .order_by(Municipality.code)
            .limit(count)
        )
    )


@dataclass
class Rendered:
    pdf: bytes
    text: str
    requested: list[str]
    refused: list[str]


_renders: dict[str, Rendered] = {}  # by HTML: the second database backend reuses them


def render(data: reports.ReportData) -> Rendered:
    html = reports.render_html(data)
    if html not in _renders:
        fetcher = report.safe_fetcher()
        pdf = report.html_to_pdf(html, fetcher)
        _renders[html] = Rendered(pdf, pdf_text(pdf), fetcher.requested, fetcher.refused)
    return _renders[html]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@dataclass
class Reports:
    dutch: Rendered
    concept: Rendered
    data: reports.ReportData


@pytest.fixture(scope="module", name="reports")
def rendered_reports(engine, questionnaire) -> Reports:
    """Zwolle 2025 (submitted, with 2024 before it) among ten submitted gemeenten elsewhere,
    published, and a concept of Deventer; made in a transaction that is rolled back."""
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        try:
            submitted(
                session, OWN, YEAR - 1, {q.id: Answer("1") for q in questionnaire.questions()}
            )
            own = submitted(session, OWN, YEAR, own_answers(questionnaire))
            others = others_outside_overijssel(session, 10)
            submit_quickly(
                session, questionnaire, YEAR, {c: str(i % 4) for i, c in enumerate(others)}
            )
            publications.publish(session, SYSTEM, YEAR, 5)
            concept = answering.start(session, SYSTEM, OTHER, YEAR)
            for q in questionnaire.questions()[:3]:
                answers.save(session, SYSTEM, concept.id, q.id, Answer("2"))
            first_gap = reports.gather(session, officer(OWN), own.id, 5).analysis.basis_gaps[0]
            plan = [
                Draft("Werkgroep zorgroute instellen", "team Zorg", date(YEAR + 1, 3, 1),
                      ActionStatus.STARTED, question_id=first_gap.question_id),
                Draft("Raadsinformatiebrief over de aanpak", "griffie"),
            ]  # fmt: skip
            for draft in plan:
                action_plan.add(session, officer(OWN), own.id, draft)
            data = reports.gather(session, officer(OWN), own.id, 5)
            return Reports(
                dutch=render(data),
                concept=render(reports.gather(session, officer(OTHER), concept.id, 5)),
                data=data,
            )
        finally:
            session.close()
            outer.rollback()


def section(text: str, start: str, end: str) -> str:
    """The text from the heading `start` (after the table of contents) up to `end`."""
    begin = text.index(start, text.index("Bijlage B. Methode en bronnen") + 1)
    return text[begin : text.index(end, begin)]


# --- what a reader finds ---------------------------------------------------------------


def test_cover_names_gemeente_year_version_and_status(reports):
    cover = PdfReader(io.BytesIO(reports.dutch.pdf)).pages[0].extract_text()
    assert "Gemeente Zwolle" in cover
    assert "Zwolle (GM0193)" in cover
    assert "2025" in cover and f"versie {reports.data.version}" in cover
    assert "ingediend" in cover
    assert "CONCEPT" not in reports.dutch.text


def test_every_domain_is_listed_with_its_score(reports):
    text = section(reports.dutch.text, "Scores per domein en pijler", "Vergelijking met andere")
    for domain in reports.data.questionnaire.domeinen:
        group = next(d for d in reports.data.scores.domains if d.key == domain.code)
        assert group.score is not None
        expected = rf"{domain.code}\. {re.escape(domain.titel)} {round(group.score)} "
        assert re.search(expected, text), (expected, text)
    for pillar in reports.data.scores.pillars:
        label = labels.PILLARS[pillar.key]
        assert re.search(rf"{label} {round(pillar.score)} ", text), label
    total = round(reports.data.scores.total.score)
    assert f"de basisscore is {total} van de 100" in " ".join(reports.dutch.text.split())


def test_the_action_plan_runs_basis_find_out_deepening_then_own_actions(reports):
    text = section(reports.dutch.text, "Tekorten en aanbevelingen: actieplan", "Bijlage A.")
    listed = re.findall(r"^(\d+) ([A-F]\d{1,2}) ", text, re.M)
    analysis = reports.data.analysis
    assert len(analysis.basis_gaps) > 5 and analysis.deepening_gaps and analysis.unknowns
    expected = [
        *(g.question_id for g in analysis.basis_gaps),
        *(u.question_id for u in analysis.unknowns if u.plateau == Plateau.BASIS),
        *(u.question_id for u in analysis.unknowns if u.plateau == Plateau.VERDIEPING),
        *(g.question_id for g in analysis.deepening_gaps),
    ]
    assert [question for _rank, question in listed] == expected
    assert [int(rank) for rank, _question in listed] == list(range(1, len(expected) + 1))
    headings = ["1. Basisniveau", "2. Uit te zoeken", "3. Verdieping", "4. Eigen acties"]
    assert [text.index(h) for h in headings] == sorted(text.index(h) for h in headings)
    summary = section(reports.dutch.text, "Managementsamenvatting", "Scores per domein")
    top = re.findall(r"^Vraag ([A-F]\d{1,2})\. ", summary, re.M)
    assert top == [g.question_id for g in analysis.gaps[:5]]


def test_the_action_plan_shows_owner_date_and_status_from_the_plan(reports):
    text = " ".join(section(reports.dutch.text, "Tekorten en aanbevelingen", "Bijlage A.").split())
    first = reports.data.analysis.basis_gaps[0]
    assert f"1 {first.question_id} " in text and "Werkgroep zorgroute instellen" in text
    assert first.action not in text  # the gemeente's own wording replaces the proposal
    assert f"team Zorg 01-03-{YEAR + 1} bezig" in text
    assert "eigen actie – Raadsinformatiebrief over de aanpak griffie gepland" in text
    second = reports.data.analysis.basis_gaps[1]
    assert second.action.split(".")[0] in text  # not in the plan yet: the proposal, room to write


def test_what_to_find_out_says_with_whom(reports):
    text = " ".join(section(reports.dutch.text, "2. Uit te zoeken", "3. Verdieping").split())
    unknown = reports.data.analysis.unknowns[0]
    assert f"Navragen bij: {unknown.ask}" in text and "weet ik niet" in text
    assert not {u.question_id for u in reports.data.analysis.unknowns} & {
        g.question_id for g in reports.data.analysis.gaps
    }


def test_small_peer_group_says_why_it_is_suppressed(reports):
    text = section(reports.dutch.text, "Vergelijking met andere gemeenten", "Ontwikkeling door")
    assert "Provincie Overijssel (andere gemeenten: 0)" in text
    assert "Te weinig vergelijkingsmateriaal in provincie Overijssel: er zijn minstens 5" in text
    assert "Alle gemeenten (andere gemeenten: 10–19)" in text
    assert "De cijfers komen uit de publicatie van VNG van" in " ".join(text.split())
    all_stats = reports.data.peer("alle").comparison.statistics[("totaal", "totaal")]
    assert re.search(rf"Basisniveau \d+ {round(all_stats.median)} {round(all_stats.q1)}–", text)


def test_trend_scores_the_earlier_year(reports):
    text = section(reports.dutch.text, "Ontwikkeling door de jaren", "Tekorten en aanbevelingen")
    assert "2024" in text and re.search(r"Basisscore 50 \d+", text)  # 2024: every answer 1
    n = len(reports.data.questionnaire.questions())
    assert f"Vergelijkbare vragen {n}/{n} {n}/{n}" in text


def test_appendix_prints_user_text_escaped_and_nothing_is_fetched(reports):
    text = "".join(section(reports.dutch.text, "Bijlage A.", "Bijlage B.").split())
    for literal in (MALICIOUS, EVIDENCE):  # compared without the line breaks of the layout
        assert "".join(literal.split()) in text
    for rendered in (reports.dutch, reports.concept):
        assert rendered.refused == []
        assert all(url.startswith(report.BASE_URL) for url in rendered.requested)


def test_concept_report_carries_the_concept_mark(reports):
    reader = PdfReader(io.BytesIO(reports.concept.pdf))
    assert "CONCEPT" in reader.pages[0].extract_text()
    assert all("CONCEPT" in page.extract_text() for page in reader.pages[2:])  # running header
    # The watermark is drawn, not written: once per page (the running header), no more.
    assert all(page.extract_text().count("CONCEPT") == 1 for page in reader.pages[2:])
    assert "<text" not in (report.REPORTS / "concept.svg").read_text()
    assert "Deventer" in reports.concept.text
    assert "Nog niet beantwoord" in reports.concept.text


def test_table_of_contents_page_numbers_and_running_header(reports):
    reader = PdfReader(io.BytesIO(reports.dutch.pdf))
    pages = [page.extract_text() for page in reader.pages]
    count = len(pages)
    toc = dict(re.findall(r"^(\S.*?) \.{5,}\s*(\d+)$", pages[1], re.M))
    assert len(toc) == 8
    for title, number in toc.items():
        page = pages[int(number) - 1]
        assert title in page, (title, number)
    for number, page in enumerate(pages[1:], start=2):
        assert f"{number} / {count}" in page
        assert "Zelfscan mensenhandel · Zwolle 2025" in page


def body_filled(pdf: bytes) -> list[float]:
    """Per page, how far down the body text reaches (0 = empty, 1 = to the footer), leaving
    out the running head (above 770 pt) and the page number (below 45 pt)."""
    filled = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        heights: list[float] = []

        def note(text, cm, tm, font, size, heights=heights):
            if text.strip():
                heights.append(tm[4] * cm[1] + tm[5] * cm[3] + cm[5])

        page.extract_text(visitor_text=note)
        body = [y for y in heights if 45 < y < 770]
        filled.append((770 - min(body)) / (770 - 45) if body else 0.0)
    return filled


@pytest.mark.parametrize("which", ["dutch", "concept"])
def test_chapters_flow_on_so_no_page_is_near_empty(reports, which):
    """Short chapters follow the one before; between the table of contents and the last
    page, every page is at least a quarter full."""
    filled = body_filled(getattr(reports, which).pdf)
    middle = filled[2:-1]
    assert middle and min(middle) >= 0.25, [round(f, 2) for f in filled]


# --- accessibility ---------------------------------------------------------------------


def test_pdf_is_tagged_pdf_ua_with_language_title_and_author(reports):
    with pikepdf.open(io.BytesIO(reports.dutch.pdf)) as pdf:
        root = pdf.Root
        assert "/StructTreeRoot" in root
        assert str(root.Lang) == "nl"
        assert bool(root.MarkInfo.Marked) is True
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert "Zwolle" in str(pdf.docinfo["/Title"])
        assert str(pdf.docinfo["/Author"]) == "Gemeente Zwolle"
        with pdf.open_metadata() as meta:
            assert meta.get("pdfuaid:part") == "1"
            assert "Zwolle" in meta.get("dc:title", "")


def structure_elements(node: Any, seen: set | None = None):
    seen = set() if seen is None else seen
    if isinstance(node, pikepdf.Array):
        for child in node:
            yield from structure_elements(child, seen)
    elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
        if node.objgen in seen:
            return
        seen.add(node.objgen)
        yield node
        if "/K" in node:
            yield from structure_elements(node.K, seen)


def test_charts_are_figures_with_alternative_text_and_tables_follow(reports):
    with pikepdf.open(io.BytesIO(reports.dutch.pdf)) as pdf:
        elements = list(structure_elements(pdf.Root.StructTreeRoot.K))
        kinds = [str(e.S) for e in elements]
        figures = [e for e in elements if str(e.S) == "/Figure"]
        alts = [str(f.get("/Alt", "")) for f in figures]
    assert {"/H1", "/H2", "/H3", "/Table", "/TH", "/TD", "/L", "/LI", "/Caption"} <= set(kinds)
    shown = [c for c in reports.data.comparisons if not c.comparison.suppressed]
    assert shown
    assert len(figures) == 2 + len(shown) + 1  # domains, pillars, each shown group, the trend
    assert all(alts), alts
    domains = next(a for a in alts if a.startswith("Basisscore per domein"))
    first = reports.data.scores.domains[0]
    assert f"A. Beleid en borging {round(first.score)}" in domains


def test_trend_maps_questions_across_questionnaire_versions(session, questionnaire):
    """A newer version swaps A1 and A2: last year's answers follow their question."""
    from assess.framework.loader import parse_questionnaire

    from conftest import QUESTIONNAIRE_FILE

    text = QUESTIONNAIRE_FILE.read_text(encoding="utf-8")
    text = text[: text.index("\nvorige_versie:")].replace(
        f'versie: "{questionnaire.versie}"', 'versie: "2027.1"', 1
    )
    swapped = {"A1": "A2", "A2": "A1"}
    mapping = "".join(f"    {q.id}: {swapped.get(q.id, q.id)}\n" for q in questionnaire.questions())
    newer = parse_questionnaire(
        text + f'\nvorige_versie:\n  versie: "{questionnaire.versie}"\n  vragen:\n{mapping}',
        [questionnaire],
    )
    given = {q.id: Answer("2") for q in questionnaire.questions()}
    given.update(A1=Answer("3"), A2=Answer("0"))
    submitted(session, OWN, YEAR - 1, given)
    questionnaires.store(session, SYSTEM, newer)
    item = answering.start(session, SYSTEM, OWN, YEAR)
    assert item.questionnaire.versie == "2027.1"
    [earlier] = results.results(session, officer(OWN), item.id, 5).trend
    levels = {q.question_id: q.level for q in earlier.scores.questions}
    assert (earlier.year, earlier.version, earlier.mapped) == (
        YEAR - 1,
        questionnaire.versie,
        len(questionnaire.questions()),
    )
    assert (levels["A1"], levels["A2"]) == (0, 3)


# --- the fetcher -----------------------------------------------------------------------

PNG = (
    "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNg"
    "YGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
)


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x.png",
        "https://example.invalid/x.css",
        "ftp://example.invalid/x",
        "file:///etc/passwd",
        report.BASE_URL + "../pyproject.toml",
        report.BASE_URL + "fonts/../../assess/db/models.py",
        report.BASE_URL + "fonts/niet-bestaand.woff",
        "file://elders" + report.REPORTS.as_posix() + "/report.css",
        "data:text/html,<script>alert(1)</script>",
        "data:image/svg+xml,<svg/>",
        "data:image/png;base64," + "A" * 50_000,
    ],
)
def test_fetcher_refuses_everything_but_own_assets(url):
    fetcher = report.safe_fetcher()
    with pytest.raises(report.RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


@pytest.mark.parametrize(
    "url", [report.BASE_URL + "report.css", report.BASE_URL + "concept.svg", PNG]
)
def test_fetcher_serves_own_assets_and_small_images(url):
    response = report.safe_fetcher().fetch(url)
    assert response.read()
    response.close()


def test_fetcher_refuses_an_external_url_that_reaches_weasyprint_as_markup():
    """Even if a toelichting reached the HTML unescaped, nothing outside reports/ loads."""
    html = (
        '<html lang="nl"><head><title>t</title>'
        '<link rel="stylesheet" href="https://example.invalid/x.css"></head><body>'
        f"<p>{MALICIOUS.replace('Zie ', '')}</p>"
        '<p style="background: url(file:///etc/hostname)">x</p>'
        f'<img alt="klein" src="{PNG}"></body></html>'
    )
    fetcher = report.safe_fetcher()
    pdf = report.html_to_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF")
    assert set(fetcher.refused) == {
        "http://127.0.0.1:9/toelichting.png",
        "https://example.invalid/x.css",
        "https://example.invalid/y.css",
        "file:///etc/hostname",
    }
    assert PNG in fetcher.requested and PNG not in fetcher.refused


# --- the cache -------------------------------------------------------------------------


@pytest.fixture
def fake_renderer(monkeypatch) -> list[str]:
    """Counts renders and makes a tiny stand-in PDF per distinct HTML."""
    rendered: list[str] = []

    def fake(html: str, fetcher: Any = None) -> bytes:
        rendered.append(html)
        return b"%PDF-1.7 stand-in " + hashlib.sha256(html.encode()).hexdigest().encode()

    monkeypatch.setattr(report, "html_to_pdf", fake)
    return rendered


@pytest.fixture
def html_renders(monkeypatch) -> list[str]:
    """Counts the Jinja renders of report HTML (a cache hit must not need one)."""
    templates: list[str] = []
    render_html = report.render_html

    def counted(context: dict[str, Any], language: str = i18n.DEFAULT, **options: Any) -> str:
        templates.append(language)
        return render_html(context, language, **options)

    monkeypatch.setattr(report, "render_html", counted)
    return templates


def cache_rows(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ReportCache)) or 0


def test_submitted_report_is_cached_by_content(
    factory, questionnaire, fake_renderer, html_renders, memory
):
    all_two = {q.id: Answer("2") for q in questionnaire.questions()}
    reader = officer(OWN)
    with factory() as s, s.begin():
        own = submitted(s, OWN, YEAR, all_two)
        first = reports.report_file(s, reader, own.id, 5, memory=memory)
        assert (first.cached, len(fake_renderer), cache_rows(s)) == (False, 1, 1)
        assert first.filename == "zelfscan-mensenhandel-zwolle-2025.pdf"
    memory.clear()  # the next hit must come from the database
    with factory() as s, s.begin():
        again = reports.report_file(s, reader, own.id, 5, memory=memory)
        assert (again.cached, again.pdf, again.key) == (True, first.pdf, first.key)
        assert (len(fake_renderer), len(html_renders)) == (1, 1)  # no HTML made for a hit
    with factory() as s, s.begin():  # a submission alone changes no peer figure
        submitted(s, OTHER, YEAR, all_two)
    with factory() as s, s.begin():
        assert reports.report_file(s, reader, own.id, 5, memory=memory).cached
        assert len(html_renders) == 1
    with factory() as s, s.begin():  # a publication does
        others = dict.fromkeys(others_outside_overijssel(s, 10), "1")
        submit_quickly(s, questionnaire, YEAR, others)
        publications.publish(s, SYSTEM, YEAR, 5)
    with factory() as s, s.begin():
        changed = reports.report_file(s, reader, own.id, 5, memory=memory)
        assert (changed.cached, len(fake_renderer)) == (False, 2)
        assert changed.pdf != first.pdf
        assert cache_rows(s) == 1  # the stale entry is gone
        english = reports.report_file(s, reader, own.id, 5, "en", memory=memory)
        assert (english.cached, len(fake_renderer), cache_rows(s)) == (False, 3, 2)
        assert len({first.key, changed.key, english.key}) == 3


def test_cache_key_changes_with_everything_the_report_shows(reports, monkeypatch):
    """Same data, same key; any change to what the PDF shows, or to what it is made with,
    gives another key."""
    data = reports.data
    key = cache_key(data)
    assert cache_key(dataclasses.replace(data)) == key
    first = data.questionnaire.questions()[0].id
    answer = msgspec.structs.replace(data.answers[first], code="3")
    peer = data.comparisons[-1]
    figures = msgspec.structs.replace(peer.comparison, n=peer.comparison.n + "0")
    changed = [
        dataclasses.replace(data, answers={**data.answers, first: answer}),
        dataclasses.replace(data, language="en"),
        dataclasses.replace(data, made=date(2031, 1, 1)),
        dataclasses.replace(
            data,
            comparisons=[
                *data.comparisons[:-1],
                dataclasses.replace(peer, comparison=figures),
            ],
        ),
    ]
    keys = {cache_key(d) for d in changed}
    assert key not in keys and len(keys) == len(changed)
    monkeypatch.setattr(report, "fingerprint", lambda: "another template")
    assert cache_key(data) != key


def test_fingerprint_covers_assets_templates_translations_and_code(tmp_path, monkeypatch):
    """What turns the data into a PDF: the report's own files, the web templates it imports
    (charts.html), the translations and the code (such as the ReportData properties)."""
    files = {
        "reports/report.css": "p {}",
        "reports/fonts/a.woff2": "font",
        "assess/web/templates/charts.html": "{% macro bars() %}{% endmacro %}",
        "assess/locale/en/LC_MESSAGES/messages.mo": "catalog",
        "assess/services/reports.py": "TOP_ACTIONS = 5",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "assess/web/static").mkdir()
    (tmp_path / "assess/web/static/site.css").write_text("body {}")
    monkeypatch.setattr(report, "PACKAGE", tmp_path / "assess")
    monkeypatch.setattr(report, "REPORTS", tmp_path / "reports")
    digest = report.fingerprint.__wrapped__
    before = digest()
    (tmp_path / "assess/web/static/site.css").write_text("body { margin: 0 }")
    assert digest() == before  # the web pages' own CSS is not in a report
    seen = {before}
    for name in files:
        (tmp_path / name).write_text(files[name] + " changed")
        seen.add(digest())
    assert len(seen) == len(files) + 1


def test_concept_report_is_cached_in_memory_only_until_an_answer_changes(
    factory, questionnaire, fake_renderer, memory
):
    first_question = questionnaire.questions()[0].id
    reader = officer(OWN)
    with factory() as s, s.begin():
        item = answering.start(s, SYSTEM, OWN, YEAR)
        answers.save(s, SYSTEM, item.id, first_question, Answer("1"))
        first = reports.report_file(s, reader, item.id, 5, memory=memory)
        again = reports.report_file(s, reader, item.id, 5, memory=memory)
        assert (first.cached, again.cached, len(fake_renderer), cache_rows(s)) == (
            False,
            True,
            1,
            0,
        )
        assert first.filename == "zelfscan-mensenhandel-zwolle-2025-concept.pdf"
        answers.save(s, SYSTEM, item.id, first_question, Answer("2"))
        changed = reports.report_file(s, reader, item.id, 5, memory=memory)
        assert (changed.cached, len(fake_renderer)) == (False, 2)


def test_file_names_are_plain_ascii():
    def name(gemeente: str, submitted: bool = True) -> str:
        municipality = register.Gemeente(
            code="GM0000",
            name=gemeente,
            province="",
            population=None,
            population_year=None,
            size_class=None,
            safety_region=None,
            riec=None,
            valid_from=date(2025, 1, 1),
            valid_to=None,
            successor_code=None,
        )
        data = SimpleNamespace(gemeente=municipality, year=2026, submitted=submitted)
        return reports.filename(data)  # type: ignore[arg-type]

    assert name("Súdwest-Fryslân") == "zelfscan-mensenhandel-sudwest-fryslan-2026.pdf"
    assert name("'s-Hertogenbosch") == "zelfscan-mensenhandel-s-hertogenbosch-2026.pdf"
    assert name("Bergen (NH.)", False) == "zelfscan-mensenhandel-bergen-nh-2026-concept.pdf"


# --- downloads -------------------------------------------------------------------------


def test_api_serves_the_pdf_with_a_file_name(client, tokens, factory, fake_renderer):
    with factory() as s, s.begin():
        item_id = answering.start(s, SYSTEM, OWN, YEAR).id
    url = f"/api/v1/zelfevaluaties/{item_id}/rapport"
    response = client.get(url, headers=bearer(tokens["medewerker"]))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="zelfscan-mensenhandel-zwolle-2025-concept.pdf"'
    )
    assert response.content.startswith(b"%PDF")
    assert client.get(url, headers=bearer(tokens["medewerker"])).content == response.content
    assert len(fake_renderer) == 1  # the repeat came from the cache
    other = client.get(url, headers=bearer(tokens["ander"]))
    assert other.status_code == 404
    assert other.headers["content-type"] == "application/problem+json"
    assert client.get(url).status_code == 401


def test_a_repeat_download_with_the_etag_is_not_modified_until_an_answer_changes(
    client, tokens, factory, fake_renderer, questionnaire
):
    with factory() as s, s.begin():
        item_id = answering.start(s, SYSTEM, OWN, YEAR).id
    url, headers = f"/api/v1/zelfevaluaties/{item_id}/rapport", bearer(tokens["medewerker"])
    tag = client.get(url, headers=headers).headers["ETag"]
    assert tag.startswith('W/"')
    repeat = client.get(url, headers={**headers, "If-None-Match": tag})
    assert (repeat.status_code, repeat.content, repeat.headers["ETag"]) == (304, b"", tag)
    with factory() as s, s.begin():
        answers.save(s, SYSTEM, item_id, questionnaire.questions()[0].id, Answer("2"))
    changed = client.get(url, headers={**headers, "If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.content.startswith(b"%PDF")


def test_api_report_is_documented_as_pdf(client):
    operation = client.get("/api/v1/openapi.json").json()["paths"][
        "/zelfevaluaties/{zelfevaluatie_id}/rapport"
    ]["get"]
    assert operation["operationId"] == "getRapport"
    assert "application/pdf" in operation["responses"]["200"]["content"]
    assert "Content-Disposition" in operation["responses"]["200"]["headers"]
    assert {"401", "404"} <= set(operation["responses"])


def test_api_report_follows_the_users_language(client, tokens, factory, questionnaire):
    """A real render through the API, for an English-speaking officer."""
    with factory() as s, s.begin():
        item = answering.start(s, SYSTEM, OWN, YEAR)
        answers.save(s, SYSTEM, item.id, questionnaire.questions()[0].id, Answer("onbekend"))
        accounts.user_row(s, SYSTEM, "m@zwolle.nl").language = "en"
        item_id = item.id
    response = client.get(
        f"/api/v1/zelfevaluaties/{item_id}/rapport", headers=bearer(tokens["medewerker"])
    )
    assert response.status_code == 200
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert str(pdf.Root.Lang) == "en"
        assert "/StructTreeRoot" in pdf.Root
    text = pdf_text(response.content)
    with i18n.language("en"):
        assert i18n.gettext("CONCEPT") in text
    assert "All municipalities" in text  # the peer group, from the English catalog
    assert "Te weinig vergelijkingsmateriaal" not in text


def test_results_page_links_to_the_pdf_download(client, factory, fake_renderer):
    from test_pages import login

    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", "kraanvogel-lantaarn-7", OWN)
        item_id = answering.start(s, SYSTEM, OWN, YEAR).id
    assert login(client, "m@zwolle.nl").status_code == 303
    page = client.get(f"/zelfevaluaties/{item_id}/resultaten")
    assert f'href="/zelfevaluaties/{item_id}/rapport.pdf"' in page.text
    response = client.get(f"/zelfevaluaties/{item_id}/rapport.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (
        "zelfscan-mensenhandel-zwolle-2025-concept.pdf" in response.headers["content-disposition"]
    )


def test_rendering_runs_off_the_event_loop(client, tokens, factory, monkeypatch):
    """While a PDF renders, the server keeps answering other requests."""
    started, release = threading.Event(), threading.Event()

    def slow(html: str, fetcher: Any = None) -> bytes:
        started.set()
        release.wait(20)
        return b"%PDF-1.7 slow"

    monkeypatch.setattr(report, "html_to_pdf", slow)
    with factory() as s, s.begin():
        item_id = answering.start(s, SYSTEM, OWN, YEAR).id
    results: dict[str, Any] = {}

    def download() -> None:
        results["pdf"] = client.get(
            f"/api/v1/zelfevaluaties/{item_id}/rapport", headers=bearer(tokens["medewerker"])
        )

    def health() -> None:
        results["health"] = client.get("/health")
        results["health_done_while_rendering"] = not release.is_set()

    downloader = threading.Thread(target=download)
    downloader.start()
    try:
        assert started.wait(20)
        checker = threading.Thread(target=health)
        checker.start()
        checker.join(10)
        assert results.get("health") is not None and results["health"].status_code == 200
        assert results["health_done_while_rendering"]
    finally:
        release.set()
        downloader.join(20)
    assert results["pdf"].status_code == 200


# --- the command line ------------------------------------------------------------------


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory, questionnaire) -> Path:
    """A data dir whose database holds two submitted assessments of YEAR and a concept."""
    from assess.db.migrate import upgrade
    from assess.db.session import make_engine, session_factory, transaction
    from assess.municipalities import REGISTER_2025, parse_register

    home = tmp_path_factory.mktemp("report-cli")
    (home / "data").mkdir()
    engine = make_engine(f"sqlite:///{home / 'data' / 'assess.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as s:
        register.load(s, SYSTEM, parse_register(REGISTER_2025.read_text()), date(2025, 1, 1))
        questionnaires.store(s, SYSTEM, questionnaire)
        few = {q.id: Answer("2") for q in questionnaire.questions()}
        submitted(s, OWN, YEAR, few)
        submitted(s, OTHER, YEAR, few)
        answering.start(s, SYSTEM, "GM0363", YEAR)  # Amsterdam: a concept, not in --all
    engine.dispose()
    return home


def test_cli_writes_one_report(cli_home, tmp_path, fake_renderer):
    from test_cli import run

    target = tmp_path / "zwolle.pdf"
    result = run(cli_home, "report", "GM0193", "--year", str(YEAR), "-o", str(target))
    assert result.returncode == 0, result.stderr
    assert target.read_bytes().startswith(b"%PDF")
    assert "Rapport geschreven naar" in result.stderr
    missing = run(cli_home, "report", "GM0193", "--year", "2019", "-o", str(target))
    assert missing.returncode == 1 and "geen zelfevaluatie voor 2019" in missing.stderr
    both = run(cli_home, "report", "GM0193", "--all", "--year", str(YEAR), "-o", str(tmp_path))
    assert both.returncode == 1


def test_cli_batch_renders_in_parallel_and_reports_a_failure(cli_home, tmp_path):
    """Real renders in worker processes; Deventer's file cannot be written (a directory
    stands in its place), which is reported while Zwolle's report is still written."""
    from test_cli import run

    (tmp_path / "zelfscan-mensenhandel-deventer-2025.pdf").mkdir()
    started = time.perf_counter()
    result = run(cli_home, "report", "--all", "--year", str(YEAR), "-o", str(tmp_path))
    assert result.returncode == 1
    assert "1 van 2 rapporten geschreven" in result.stderr
    assert "mislukt: GM0150 Deventer: IsADirectoryError" in result.stderr
    written = tmp_path / "zelfscan-mensenhandel-zwolle-2025.pdf"
    assert "Gemeente Zwolle" in PdfReader(written).pages[0].extract_text()
    assert time.perf_counter() - started < 240
    # without a terminal: a line per step with the count and the time to go
    assert "Rapporten 2025: 2 van 2 klaar, nog ongeveer 0 s" in result.stderr


def test_without_a_terminal_the_batch_says_every_few_reports_how_far_it_is(capsys):
    from assess.cli.reports import _progress

    with _progress(20, "Rapporten 2025") as done:
        for _ in range(20):
            done()
    lines = capsys.readouterr().err.splitlines()
    assert [
        int(re.match(r"Rapporten 2025: (\d+) van 20 klaar, nog ongeveer \d+ s$", line)[1])
        for line in lines
    ] == list(range(2, 21, 2))


def test_sigterm_stops_a_batch_at_once_and_leaves_no_process(cli_home, tmp_path):
    """As a scheduler stops a job: the workers end, nothing is written afterwards, and what
    was not made is listed."""
    command = [sys.executable, "-m", "assess", "report", "--all", "--year", str(YEAR)]
    env = {**os.environ, "ASSESS_DATA_DIR": str(cli_home / "data")}
    env.pop("ASSESS_DATABASE_URL", None)
    batch = subprocess.Popen(
        [*command, "-o", str(tmp_path)], env=env, stderr=subprocess.PIPE, text=True
    )
    assert batch.stderr is not None
    first = batch.stderr.readline()
    assert "2 rapporten maken met" in first, first
    time.sleep(0.5)  # the pool is starting its workers
    descendants = process_tree(batch.pid)
    assert descendants, "the batch runs in worker processes"
    stopping = time.perf_counter()
    batch.send_signal(signal.SIGTERM)
    rest = batch.stderr.read()
    assert batch.wait(timeout=30) == 130
    assert time.perf_counter() - stopping < 10
    assert "niet gemaakt: GM0150 Deventer" in rest and "niet gemaakt: GM0193 Zwolle" in rest
    deadline = time.monotonic() + 5
    while [pid for pid in descendants if running(pid)] and time.monotonic() < deadline:
        time.sleep(0.2)
    assert {pid: command_of(pid) for pid in descendants if running(pid)} == {}
    assert list(tmp_path.glob("*.pdf")) == []


def running(pid: int) -> bool:
    """Alive and not a zombie waiting for its (gone) parent to collect it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def process_tree(pid: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError):
                continue
            if parent == pid:
                children += [int(entry.name), *process_tree(int(entry.name))]
    return children


def test_trend_lines_are_lines_with_a_gap_for_a_missing_year():
    template = report.environment().from_string(
        '{% from "report_charts.html" import trend_lines %}'
        '{{ trend_lines("t", "titel", "omschrijving", [2022, 2023, 2025], '
        '[("Totaal", "totaal", [40, 50, 70]), ("Zorg", "zorg", [10, none, 30])]) }}'
    )
    svg = BeautifulSoup(template.render(), "html.parser")
    totaal = svg.select("polyline.trend-totaal")
    assert len(totaal) == 1  # 2022-2023 joined; 2025 stands alone after the missing 2024
    assert len(totaal[0]["points"].split()) == 2
    assert not svg.select("polyline.trend-zorg")  # no two consecutive scores
    assert len(svg.select("circle.trend-zorg")) == 2
    xs = {
        t.get_text(): float(t["x"]) for t in svg.select("text.chart-axis") if "20" in t.get_text()
    }
    assert xs["2025"] - xs["2023"] == pytest.approx(2 * (xs["2023"] - xs["2022"]), abs=0.2)
    css = (report.REPORTS / "charts.css").read_text()
    assert css.rindex("polyline.trend-line { fill: none; }") > css.rindex(".trend-zorg")


def test_fewer_than_five_gaps_are_followed_by_what_to_find_out(reports):
    analysis = reports.data.analysis
    assert analysis.unknowns, "the fixture answers some questions with 'weet ik niet'"
    two = msgspec.structs.replace(analysis, gaps=analysis.basis_gaps[:2])
    data = dataclasses.replace(reports.data, analysis=two)
    actions = data.top_actions
    assert [a.question_id for a in actions[:2]] == [g.question_id for g in two.gaps]
    unknown = analysis.unknowns[0]
    assert actions[2].question_id == unknown.question_id
    assert actions[2].text.startswith("Zoek uit") and unknown.ask in actions[2].text
    assert len(actions) == min(5, 2 + len(analysis.unknowns))


def test_every_trend_series_has_a_colour_and_a_legend_key():
    charts = (report.REPORTS / "charts.css").read_text()
    keys = (report.REPORTS / "report.css").read_text()
    for series in ["totaal", *(p.value for p in Pillar)]:
        assert f".trend-{series} {{" in charts, series
        assert f".key--{series} {{" in keys, series


def test_the_table_of_contents_is_tagged_as_toc_with_an_item_per_chapter(reports):
    with pikepdf.open(io.BytesIO(reports.dutch.pdf)) as pdf:
        elements = list(structure_elements(pdf.Root.StructTreeRoot.K))
        tocs = [e for e in elements if e.S == pikepdf.Name.TOC]
        assert len(tocs) == 1
        items = [k for k in tocs[0].K if k.S == pikepdf.Name.TOCI]
        assert len(items) == 8  # the chapters and appendices
        for item in items:
            parts = list(structure_elements(item.K))
            assert {"/Reference", "/Link"} <= {str(e.S) for e in parts}
            assert "/LBody" not in {str(e.S) for e in parts}
            links = [e for e in parts if str(e.S) == "/Link"]
            annotations = [k.Obj for e in links for k in e.K if getattr(k, "Type", None) == "/OBJR"]
            assert any("/Dest" in a or "/A" in a for a in annotations)  # still goes to the page


PAINTING = {"Tj", "TJ", "'", '"', "Do", "f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "sh"}


def painted_content(pdf: pikepdf.Pdf):
    """Per page, each painting operator with the marked content it sits in: its tag (or None
    outside any) and its MCID."""
    for number, page in enumerate(pdf.pages):
        open_marks: list[tuple[str, int | None]] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            name = str(operator)
            if name in ("BMC", "BDC"):
                props = operands[1] if name == "BDC" else None
                mcid = (
                    int(props.MCID)
                    if isinstance(props, pikepdf.Dictionary) and "/MCID" in props
                    else None
                )
                open_marks.append((str(operands[0]), mcid))
            elif name == "EMC":
                open_marks.pop()
            elif name in PAINTING:
                yield number, page.objgen, name, list(open_marks)


def reached_mcids(tree) -> set[tuple[tuple[int, int], int]]:
    return {
        (element.Pg.objgen, int(kid))
        for element in structure_elements(tree.K)
        if "/Pg" in element
        for kid in (element.K if isinstance(element.K, pikepdf.Array) else [element.K])
        if isinstance(kid, int)
    }


@pytest.mark.parametrize("which", ["dutch", "concept"])
def test_all_content_is_tagged_or_an_artifact_running_heads_and_watermark_included(reports, which):
    """PDF/UA-1 7.1: content is either in the structure tree or an artifact; page headers,
    page numbers, borders and the CONCEPT watermark are artifacts."""
    with pikepdf.open(io.BytesIO(getattr(reports, which).pdf)) as pdf:
        reached = reached_mcids(pdf.Root.StructTreeRoot)
        artifacts: dict[int, list[str]] = {}
        for number, page, operator, marks in painted_content(pdf):
            assert marks, f"page {number + 1}: {operator} outside marked content"
            if any(tag == "/Artifact" for tag, _ in marks):
                artifacts.setdefault(number, []).append(operator)
                continue
            mcid = next(m for _, m in reversed(marks) if m is not None)
            assert (page, mcid) in reached, f"page {number + 1}: MCID {mcid} not in the tree"
        pages = len(pdf.pages)
    assert all("TJ" in artifacts.get(n, []) for n in range(1, pages))  # running head, number
    if which == "concept":  # the watermark is a page background image on every page
        assert all("Do" in artifacts[n] for n in range(pages))


def test_table_headers_state_their_scope_and_cells_name_resolvable_headers(reports):
    """PDF/UA-1 7.5: a screen reader reads each data cell with its column and row headers."""
    with pikepdf.open(io.BytesIO(reports.dutch.pdf)) as pdf:
        tree = pdf.Root.StructTreeRoot
        names = list(tree.IDTree.Names)
        ids = {bytes(names[i]) for i in range(0, len(names), 2)}
        elements = list(structure_elements(tree.K))
        headers = [e for e in elements if e.S == pikepdf.Name.TH]
        cells = [e for e in elements if e.S == pikepdf.Name.TD and "/A" in e]
        assert headers and cells
        assert {str(h.A.Scope) for h in headers} == {"/Column", "/Row"}
        named = {bytes(ref) for c in cells for ref in c.A.get("/Headers", [])}
        assert named and named <= ids
        assert all(bytes(h.ID) in ids for h in headers if "/ID" in h)


def test_the_plan_says_which_of_last_years_gaps_are_closed(reports):
    text = " ".join(section(reports.dutch.text, "Tekorten en aanbevelingen", "Bijlage A.").split())
    closed, still_open = reports.data.since_previous
    assert closed and still_open  # the 2024 answers were all 1: every basis question a gap
    total = len(closed) + len(still_open)
    assert f"Van de {total} tekorten op basisniveau in {YEAR - 1} staan er nu {len(closed)}" in text
    assert f"Gesloten: {', '.join(closed)}." in text


def test_the_appendix_cites_each_questions_sources(reports):
    text = " ".join(section(reports.dutch.text, "Bijlage A.", "Bijlage B.").split())
    first = reports.data.questionnaire.questions()[0]
    cited = reports.data.questionnaire.sources_of(first)
    assert text.count("Bronnen bij de vraag:") == len(reports.data.questionnaire.questions())
    assert all(source.uitgever in text for source in cited)


def test_the_appendix_shows_the_target_below_it_and_with_whom_everywhere(session, questionnaire):
    """What level 2 looks like in practice stands beside an answer that falls short of it."""
    item = answering.start(session, officer(OWN), OWN, 2026)
    answers.save(session, officer(OWN), item.id, "A1", Answer("1"))
    answers.save(session, officer(OWN), item.id, "A2", Answer("3"))
    data = reports.gather(session, officer(OWN), item.id, 5)
    page = BeautifulSoup(reports.render_html(data), "html.parser")
    rows = {r.th.select_one(".qid").get_text(): r for r in page.select("table.answers tbody tr")}
    for question in questionnaire.questions():
        assert f"Oppakken met: {question.met_wie}" in rows[question.id].get_text(" ", strip=True)
    a1 = questionnaire.question("A1")
    target = rows["A1"].select_one(".target").get_text(" ", strip=True)
    assert target == f"Zo ziet het doel eruit: {a1.niveaus[a1.doel]}"
    assert rows["A2"].select_one(".target") is None  # at or above the target: nothing to add
    handbook = questionnaire.handbook()
    assert page.select_one(f"#bijlage ~ p a[href='{handbook.url}']") is not None
