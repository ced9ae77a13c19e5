"""Reports for college and council, and the national benchmark for VNG."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from assess.access import system
from assess.cli.common import fail, service_errors, settings, stopped, unit_of_work
from assess.config import Settings
from assess.exports import ExportFormat
from assess.services import answering, publications, reports
from assess.services import benchmark as benchmarks


@click.command(
    help="Maak het PDF-rapport van een zelfevaluatie of van alle ingediende van een jaar."
)
@click.argument("gemeente", required=False)
@click.option("--all", "all_", is_flag=True, help="Alle ingediende zelfevaluaties van het jaar.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("-o", "output", required=True, type=click.Path(), help="PDF-bestand; map bij --all.")
@service_errors
def report(gemeente: str | None, all_: bool, year: int, output: str) -> None:
    from assess.services import report_batch

    if bool(gemeente) == all_:
        fail("geef een gemeentecode (GMxxxx) of --all, niet allebei")
    current = settings()
    if all_:
        report_all(current, year, Path(output))
        return
    started = time.perf_counter()
    with unit_of_work() as session:
        assessment_id = reports.assessment_of_year(session, system(), gemeente or "", year)
        path = report_batch.write_report(
            session, system(), assessment_id, current.min_group_size, Path(output)
        )
    click.echo(f"Rapport geschreven naar {path} ({time.perf_counter() - started:.1f} s)", err=True)


def report_all(current: Settings, year: int, directory: Path) -> None:
    from assess.services import report_batch

    if directory.exists() and not directory.is_dir():
        fail(f"{directory} is geen map")
    with unit_of_work() as session:
        tasks = report_batch.submitted_tasks(session, system(), year)
    if not tasks:
        fail(f"er zijn geen ingediende zelfevaluaties voor {year}")
    workers = min(os.cpu_count() or 1, len(tasks))
    started = time.perf_counter()
    with report_batch.sigterm_stops(), _progress(len(tasks), f"Rapporten {year}") as done:
        click.echo(f"{len(tasks)} rapporten maken met {workers} processen.", err=True)
        batch = report_batch.render_all(
            tasks,
            directory,
            current.effective_database_url,
            current.min_group_size,
            workers,
            on_done=lambda outcome: done(),
        )
    elapsed = time.perf_counter() - started
    outcomes = batch.outcomes
    failed = sorted((o for o in outcomes if not o.ok), key=lambda o: o.task.name)
    click.echo(
        f"{len(outcomes) - len(failed)} van {len(tasks)} rapporten geschreven naar {directory} "
        f"in {elapsed:.1f} s ({workers} processen).",
        err=True,
    )
    for outcome in failed:
        click.echo(
            f"  mislukt: {outcome.task.municipality_code} {outcome.task.name}: {outcome.error}",
            err=True,
        )
    if batch.stopped:
        click.echo(f"Gestopt; {len(batch.not_made)} rapport(en) niet gemaakt:", err=True)
        for task in batch.not_made:
            click.echo(f"  niet gemaakt: {task.municipality_code} {task.name}", err=True)
        stopped("gestopt voordat alle rapporten klaar waren")
    if failed:
        fail(f"{len(failed)} rapport(en) mislukt")


@contextmanager
def _progress(total: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; otherwise (a log, a cron job) a line with the count and
    the time still to go after every tenth of the work, at least every 30 seconds."""
    if sys.stderr.isatty():
        with click.progressbar(length=total, label=label, file=sys.stderr, show_pos=True) as bar:
            yield lambda: bar.update(1)
        return
    started = last = time.monotonic()
    count = 0
    step = max(1, total // 10)

    def done() -> None:
        nonlocal count, last
        count += 1
        now = time.monotonic()
        if count % step and count < total and now - last < 30:
            return
        last = now
        left = (now - started) / count * (total - count)
        click.echo(f"{label}: {count} van {total} klaar, nog ongeveer {left:.0f} s", err=True)

    yield done


@click.group(help="De landelijke benchmark voor VNG.")
def benchmark() -> None:
    pass


@benchmark.command("publish", help="Publiceer de cijfers van een jaar (een nieuwe publicatie).")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@service_errors
def benchmark_publish(year: int) -> None:
    current = settings()
    with unit_of_work() as session:
        done = publications.publish(session, system(), year, current.min_group_size)
    click.echo(
        f"Publicatie {done.number} van {year} gemaakt op {done.published_at:%Y-%m-%d %H:%M} UTC "
        f"({done.total} zelfevaluaties).",
        err=True,
    )


PUBLICATION = click.option(
    "--publication", "number", type=click.IntRange(min=1), help="Nummer (standaard de nieuwste)."
)


@benchmark.command("export", help="Schrijf de gepubliceerde cijfers van een jaar naar een bestand.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("--format", "fmt", required=True, type=click.Choice([str(f) for f in ExportFormat]))
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="Bestand.")
@PUBLICATION
@service_errors
def benchmark_export(year: int, fmt: str, output: str, number: int | None) -> None:
    with unit_of_work() as session:
        download = benchmarks.export(session, system(), year, ExportFormat(fmt), number)
    Path(output).write_bytes(download.content)
    click.echo(
        f"Benchmark {year} ({download.assessments} zelfevaluaties) geschreven naar {output}",
        err=True,
    )


@benchmark.command("report", help="Schrijf de gepubliceerde benchmark van een jaar als PDF.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="PDF-bestand.")
@PUBLICATION
@service_errors
def benchmark_report(year: int, output: str, number: int | None) -> None:
    with unit_of_work() as session:
        pdf = reports.national_pdf(session, system(), year, number)
    Path(output).write_bytes(pdf)
    click.echo(f"Landelijke benchmark {year} geschreven naar {output}", err=True)


@benchmark.command(
    "withdraw", help="Trek de zelfevaluatie van een gemeente terug uit de benchmark (beheerder)."
)
@click.argument("gemeentecode")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@service_errors
def benchmark_withdraw(gemeentecode: str, year: int) -> None:
    with unit_of_work() as session:
        changed = answering.withdraw(session, system(), gemeentecode, year)
    if changed:
        click.echo(
            f"{gemeentecode} {year} telt niet meer mee vanaf de volgende publicatie.", err=True
        )
    else:
        click.echo(f"{gemeentecode} {year} telde al niet mee.", err=True)
