"""Reports for college and council, and the national benchmark for VNG."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from assess.access import system
from assess.cli.common import fail, service_errors, settings, unit_of_work
from assess.config import Settings
from assess.exports import ExportFormat
from assess.services import benchmark as benchmarks
from assess.services import reports


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
    with click.progressbar(
        length=len(tasks), label=f"Rapporten {year}", file=sys.stderr, show_pos=True
    ) as bar:
        outcomes = report_batch.render_all(
            tasks,
            directory,
            current.effective_database_url,
            current.min_group_size,
            workers,
            on_done=lambda outcome: bar.update(1),
        )
    elapsed = time.perf_counter() - started
    failed = sorted((o for o in outcomes if not o.ok), key=lambda o: o.task.name)
    click.echo(
        f"{len(outcomes) - len(failed)} van {len(tasks)} rapporten geschreven naar {directory} "
        f"in {elapsed:.1f} s ({workers} processen).",
        err=True,
    )
    if failed:
        for outcome in failed:
            click.echo(
                f"  mislukt: {outcome.task.municipality_code} {outcome.task.name}: {outcome.error}",
                err=True,
            )
        fail(f"{len(failed)} rapport(en) mislukt")


@click.group(help="De landelijke benchmark voor VNG.")
def benchmark() -> None:
    pass


@benchmark.command("export", help="Schrijf de landelijke cijfers van een jaar naar een bestand.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("--format", "fmt", required=True, type=click.Choice([str(f) for f in ExportFormat]))
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="Bestand.")
@service_errors
def benchmark_export(year: int, fmt: str, output: str) -> None:
    current = settings()
    with unit_of_work() as session:
        download = benchmarks.export(
            session, system(), year, current.min_group_size, ExportFormat(fmt)
        )
    Path(output).write_bytes(download.content)
    click.echo(
        f"Benchmark {year} ({download.assessments} zelfevaluaties) geschreven naar {output}",
        err=True,
    )


@benchmark.command("report", help="Schrijf de landelijke benchmark van een jaar als PDF.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="PDF-bestand.")
@service_errors
def benchmark_report(year: int, output: str) -> None:
    current = settings()
    with unit_of_work() as session:
        pdf = reports.national_pdf(session, system(), year, current.min_group_size)
    Path(output).write_bytes(pdf)
    click.echo(f"Landelijke benchmark {year} geschreven naar {output}", err=True)
