"""What the service is about: questionnaires and the register of gemeenten."""

from __future__ import annotations

from datetime import date, datetime

import click

from assess.access import system
from assess.cli.common import Unreadable, fail, read_text, service_errors, unit_of_work
from assess.framework.loader import QuestionnaireInvalid, parse_questionnaire
from assess.framework.schema import Questionnaire
from assess.municipalities import RegisterInvalid, RegisterRow, parse_register
from assess.services import questionnaires, register


@click.group(help="Vragenlijsten controleren en laden.")
def questionnaire() -> None:
    pass


def parse_files(files: tuple[str, ...], earlier: list[Questionnaire]) -> list[Questionnaire]:
    """Parse every file; print every problem as file:line: path: message; fail if any."""
    parsed: list[Questionnaire] = []
    problems: list[str] = []
    for file in files:
        try:
            parsed.append(parse_questionnaire(read_text(file), [*earlier, *parsed]))
        except QuestionnaireInvalid as exc:
            problems += [p.render(file) for p in exc.problems]
        except Unreadable as exc:
            problems.append(str(exc))
    for line in problems:
        click.echo(line, err=True)
    if problems:
        fail(f"{len(problems)} probleem/problemen gevonden")
    return parsed


@questionnaire.command("check", help="Controleer vragenlijstbestanden zonder iets op te slaan.")
@click.argument("files", nargs=-1, required=True)
def questionnaire_check(files: tuple[str, ...]) -> None:
    for q in parse_files(files, []):
        click.echo(f"{q.id} {q.versie}: in orde ({len(q.questions())} vragen)")


@questionnaire.command("load", help="Controleer en laad vragenlijstbestanden in de database.")
@click.argument("files", nargs=-1, required=True)
@service_errors
def questionnaire_load(files: tuple[str, ...]) -> None:
    with unit_of_work() as session:
        for q in parse_files(files, questionnaires.stored(session)):
            new = questionnaires.store(session, system(), q)
            click.echo(f"{q.id} {q.versie}: {'geladen' if new else 'al geladen, ongewijzigd'}")


@click.group(help="Het register van gemeenten.")
def municipalities() -> None:
    pass


@municipalities.command("load", help="Laad of werk het gemeentenregister bij uit een CSV-bestand.")
@click.argument("file")
@click.option(
    "--geldig-vanaf",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Ingangsdatum van dit register (standaard 1 januari van 'inwonersjaar').",
)
@service_errors
def municipalities_load(file: str, geldig_vanaf: datetime | None) -> None:
    try:
        rows = parse_register(read_text(file))
    except RegisterInvalid as exc:
        for error in exc.errors:
            click.echo(f"{file}:{error.line}: {error.message}", err=True)
        fail(f"{len(exc.errors)} fout(en) in het register; er is niets geladen")
    valid_from = geldig_vanaf.date() if geldig_vanaf else register_date(rows, file)
    with unit_of_work() as session:
        result = register.load(session, system(), rows, valid_from)
    click.echo(
        f"Register per {valid_from:%d-%m-%Y}: {result.added} nieuw, {result.updated} bijgewerkt, "
        f"{result.ended} opgeheven."
    )


def register_date(rows: list[RegisterRow], file: str) -> date:
    years = {row.inwonersjaar for row in rows if row.inwonersjaar}
    if len(years) != 1:
        fail(f"{file}: geef --geldig-vanaf op; het inwonersjaar verschilt per regel of ontbreekt")
    return date(years.pop(), 1, 1)
