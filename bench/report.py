"""Report benchmark (not a test): prints a table with figures and ratios.

    uv run python bench/report.py [--database-url URL] [--year JJJJ] [--repeat N] [--limit N]

Without --database-url it builds the demo database (as `assess demo` does) in a temporary
directory. It measures, on the demo report of Zwolle:

- one report through the project (`reports.report_file` without cache: gather the data,
  render the HTML, render the PDF) against bare WeasyPrint making the same PDF (PDF/UA-1) from
  the same HTML, once as a plain call (stylesheet and fonts parsed for every PDF) and once with
  the project's parsed stylesheet reused (which isolates the project's own overhead);
- a cached download: from the database (another process's cache) and from memory;
- the batch: every submitted assessment of the year (or --limit of them) one by one in this
  process against `report --all`'s process pool over all cores.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pypdf import PdfReader
from sqlalchemy import select

from assess import report
from assess.access import system
from assess.db.migrate import upgrade
from assess.db.models import Assessment, ReportCache
from assess.db.session import make_engine, session_factory, transaction
from assess.framework.vocabulary import Status
from assess.services import demo, report_batch, reports

MIN_GROUP_SIZE = 5
SYSTEM = system("bench")  # reads every assessment and writes the demo, as the command line


def interleaved(actions: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """The median wall time of each action over `repeat` rounds; each round runs every action
    once, so a change in machine load affects them alike."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            started = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - started)
    best.update({name: min(values) for name, values in times.items()})
    return {name: statistics.median(values) for name, values in times.items()}


best: dict[str, float] = {}  # the fastest run of each action, printed beside the median


def bare_naive(html: str) -> bytes:
    """WeasyPrint as a plain call would use it: stylesheet and fonts parsed for every PDF."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    css = CSS(filename=str(report.REPORTS / report.STYLESHEET), font_config=fonts)
    return HTML(string=html, base_url=report.BASE_URL).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant=report.PDF_VARIANT
    )


def bare_reused(html: str) -> bytes:
    """WeasyPrint alone with the project's parsed stylesheet: the same work minus the project."""
    from weasyprint import HTML

    fonts, css = report.stylesheet()
    return HTML(string=html, base_url=report.BASE_URL).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant=report.PDF_VARIANT
    )


def demo_database(directory: Path) -> str:
    url = f"sqlite:///{directory / 'assess.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        demo.prepare(session, SYSTEM, datetime.now(UTC).year, 5)
    engine.dispose()
    return url


@dataclass(frozen=True)
class ReportFigures:
    gemeente: str
    year: int
    pages: int
    kib: int
    warm_up: float
    naive: float  # bare WeasyPrint, stylesheet and fonts parsed per call
    reused: float  # bare WeasyPrint with the project's parsed stylesheet
    ours: float
    ours_best_ratio: float  # fastest run of ours against the fastest bare (reused) run
    gather: float
    html: float
    cached_db: float
    cached_memory: float
    reports: int
    one_by_one: float
    parallel: float
    workers: int
    failed: int


def measure(
    url: str | None, gemeente: str, year: int | None, repeat: int, limit: int | None
) -> ReportFigures:
    """Everything the table shows; without `url` on a fresh demo database."""
    logging.disable(logging.WARNING)
    scratch = Path(tempfile.mkdtemp(prefix="bench-report-"))
    url = url or demo_database(scratch)
    engine = make_engine(url)
    factory = session_factory(engine)
    cores = os.cpu_count() or 1

    with transaction(factory) as session:
        query = select(Assessment).filter_by(municipality_code=gemeente, status=Status.SUBMITTED)
        if year:
            query = query.filter_by(year=year)
        item = session.scalars(query.order_by(Assessment.year.desc())).first()
        if item is None:
            sys.exit(f"no submitted assessment of {gemeente}")
        year, assessment_id = item.year, item.id
        session.execute(ReportCache.__table__.delete())
        started = time.perf_counter()
        report.warm_up()
        warm_up = time.perf_counter() - started
        data = reports.gather(session, SYSTEM, assessment_id, MIN_GROUP_SIZE)
        html = reports.render_html(data)
        pdf = report.html_to_pdf(html)  # warm: templates compiled, fonts loaded
        times = interleaved(
            {
                "naive": lambda: bare_naive(html),
                "reused": lambda: bare_reused(html),
                "ours": lambda: reports.report_file(
                    session, SYSTEM, assessment_id, MIN_GROUP_SIZE, use_cache=False
                ),
                "gather": lambda: reports.gather(session, SYSTEM, assessment_id, MIN_GROUP_SIZE),
                "html": lambda: reports.render_html(data),
            },
            repeat,
        )
        reports.report_file(session, SYSTEM, assessment_id, MIN_GROUP_SIZE)  # fills the cache

    memory = reports.MemoryCache()  # as a web process keeps it

    def from_database() -> None:
        memory.clear()
        with transaction(factory) as s:
            assert reports.report_file(s, SYSTEM, assessment_id, 5, memory=memory).cached

    def from_memory() -> None:
        with transaction(factory) as s:
            assert reports.report_file(s, SYSTEM, assessment_id, 5, memory=memory).cached

    from_database()
    cached = interleaved({"db": from_database, "memory": from_memory}, repeat)

    with transaction(factory) as session:
        tasks = report_batch.submitted_tasks(session, SYSTEM, year)
    tasks = tasks[:limit] if limit else tasks
    one_by_one_dir, batch_dir = scratch / "een-voor-een", scratch / "batch"
    one_by_one_dir.mkdir()
    started = time.perf_counter()
    for task in tasks:
        with transaction(factory) as session:
            report_batch.write_report(
                session, SYSTEM, task.assessment_id, MIN_GROUP_SIZE, one_by_one_dir
            )
    one_by_one = time.perf_counter() - started
    engine.dispose()
    started = time.perf_counter()
    outcomes = report_batch.render_all(tasks, batch_dir, url, MIN_GROUP_SIZE, cores).outcomes
    parallel = time.perf_counter() - started
    return ReportFigures(
        gemeente,
        year,
        len(PdfReader(io.BytesIO(pdf)).pages),
        len(pdf) // 1024,
        warm_up,
        times["naive"],
        times["reused"],
        times["ours"],
        best["ours"] / best["reused"],
        times["gather"],
        times["html"],
        cached["db"],
        cached["memory"],
        len(tasks),
        one_by_one,
        parallel,
        cores,
        sum(not o.ok for o in outcomes),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--gemeente", default=demo.DEMO_MUNICIPALITY)
    parser.add_argument("--year", type=int, help="default: the gemeente's latest submitted year")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--limit", type=int, help="render only this many in the batch")
    args = parser.parse_args()
    f = measure(args.database_url, args.gemeente, args.year, args.repeat, args.limit)
    speedup = f.one_by_one / f.parallel
    rows = [
        ("stylesheet, fonts, template: once per process", f.warm_up, ""),
        ("bare WeasyPrint, CSS + fonts per call", f.naive, "1.00"),
        ("bare WeasyPrint, parsed CSS reused", f.reused, f"{f.reused / f.naive:.2f}"),
        ("  project: gather the data", f.gather, ""),
        ("  project: render the HTML (Jinja)", f.html, ""),
        (
            "project: one report (data + HTML + PDF)",
            f.ours,
            f"{f.ours / f.naive:.2f}; {f.ours / f.reused:.2f} of reused (target <= 1.15); "
            f"fastest runs: {f.ours_best_ratio:.2f} of reused",
        ),
        ("cached download, from the database", f.cached_db, f"{f.ours / f.cached_db:.0f}x faster"),
        ("cached download, from memory", f.cached_memory, f"{f.ours / f.cached_memory:.0f}x"),
        (f"batch one by one ({f.reports} reports)", f.one_by_one, ""),
        (
            f"batch, process pool ({f.workers} processes)",
            f.parallel,
            f"{speedup:.2f}x faster ({speedup / f.workers:.0%} of ideal)"
            + (f", {f.failed} failed" if f.failed else ""),
        ),
    ]
    print(
        f"Report benchmark: {f.gemeente} {f.year}, {f.pages} pages, {f.kib} KiB, "
        f"{f.workers} cores, WeasyPrint {__import__('weasyprint').__version__}"
    )
    print(f"{'measure':<46} {'seconds':>9}  ratio")
    for name, seconds, ratio in rows:
        print(f"{name:<46} {seconds:>9.3f}  {ratio}")


if __name__ == "__main__":
    main()
