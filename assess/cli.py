"""The `assess` command line. Thin: reads settings, calls services, prints results.

Errors go to stderr with exit status 1; data goes to stdout.
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from assess import benchmarking, exports, services
from assess import demo as demo_setup
from assess.config import Settings, SettingsError, load_settings
from assess.db.migrate import is_current, upgrade
from assess.db.session import make_engine, session_factory, transaction
from assess.errors import ServiceError
from assess.framework.loader import QuestionnaireInvalid, parse_questionnaire
from assess.framework.schema import Questionnaire
from assess.municipalities import RegisterInvalid, parse_register
from assess.security import generate_password


class CommandFailed(click.ClickException):
    """A failure the user can act on; printed without a traceback, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"fout: {self.message}", err=True)


def fail(message: str) -> NoReturn:
    raise CommandFailed(message)


def service_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a service's typed error into a clear message and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except Unreadable as exc:
            fail(str(exc))
        except ServiceError as exc:
            lines = [exc.detail, *(f"  {k}: {v}" for k, v in exc.invalid_params.items())]
            fail("\n".join(lines))

    return wrapper


def settings() -> Settings:
    try:
        loaded = load_settings()
    except SettingsError as exc:
        fail(str(exc))
    if not loaded.database_url:
        loaded.data_dir.mkdir(parents=True, exist_ok=True)
    return loaded


def engine_for(current: Settings, *, migrated: bool = True) -> Engine:
    engine = make_engine(current.effective_database_url)
    if migrated and not is_current(engine):
        fail("de database is niet bijgewerkt; voer eerst `assess db upgrade` uit")
    return engine


@contextmanager
def unit_of_work(*, migrated: bool = True) -> Iterator[Session]:
    engine = engine_for(settings(), migrated=migrated)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


class Unreadable(Exception):
    pass


def read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Unreadable(f"{path}: bestand bestaat niet") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path}: kan het bestand niet lezen ({exc})") from None


@click.group(help="Zelfscan mensenhandel: zelfevaluatie en benchmark van de gemeentelijke aanpak.")
def cli() -> None:
    pass


# --- demo and serve --------------------------------------------------------------------


@cli.command(help="Start een werkende demo: database, register, vragenlijst, demogebruikers, data.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    current = settings()
    ensure_secret_key(current)
    os.environ.setdefault("ASSESS_SECURE_COOKIES", "false")  # the demo serves plain http
    engine = engine_for(current, migrated=False)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        generated = demo_setup.prepare(session, datetime.now(UTC).year)
    engine.dispose()
    click.echo(
        f"Demodata: {generated} synthetische zelfevaluaties aangemaakt."
        if generated
        else "Demodata bestond al en wordt hergebruikt.",
        err=True,
    )
    click.echo("Demogebruikers (alleen voor deze demo):", err=True)
    for user in demo_setup.DEMO_USERS:
        gemeente = f", gemeente {user.municipality}" if user.municipality else ""
        click.echo(
            f"  {user.email}  wachtwoord: {user.password}  ({user.role}{gemeente})", err=True
        )
    run_server(host, port, workers=1)


def ensure_secret_key(current: Settings) -> None:
    """The demo generates a secret key once and keeps it in the data dir."""
    if current.secret_key:
        return
    key_file = current.data_dir / "secret_key"
    if not key_file.exists():
        current.data_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    os.environ["ASSESS_SECRET_KEY"] = key_file.read_text().strip()


@cli.command(help="Start de webserver (ASSESS_SECRET_KEY is verplicht).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=click.IntRange(min=1))
def serve(host: str, port: int, workers: int) -> None:
    current = settings()
    if not current.secret_key:
        fail("ASSESS_SECRET_KEY ontbreekt; stel een lange willekeurige waarde in")
    engine_for(current).dispose()
    run_server(host, port, workers)


def run_server(host: str, port: int, workers: int) -> None:
    import uvicorn

    click.echo(f"Zelfscan mensenhandel draait op http://{host}:{port}", err=True)
    uvicorn.run(
        "assess.app:create_app_from_env", factory=True, host=host, port=port, workers=workers
    )


# --- database --------------------------------------------------------------------------


@cli.group(help="Databasebeheer.")
def db() -> None:
    pass


@db.command("upgrade", help="Breng de database naar de nieuwste versie (migraties).")
def db_upgrade() -> None:
    engine = engine_for(settings(), migrated=False)
    upgrade(engine)
    engine.dispose()
    click.echo("Database is bijgewerkt.", err=True)


@cli.command(help="Maak een reservekopie van de database in FILE.")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup(file: str) -> None:
    engine = engine_for(settings())
    url = engine.url
    engine.dispose()
    target = Path(file)
    if url.get_backend_name() == "sqlite":
        with sqlite3.connect(url.database or "") as source, sqlite3.connect(target) as copy:
            source.backup(copy)
    else:
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            fail("pg_dump is niet gevonden; installeer de PostgreSQL-clienttools")
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(
            [pg_dump, "--format=custom", f"--file={target}", plain], capture_output=True, text=True
        )
        if result.returncode != 0:
            fail(f"pg_dump mislukte: {result.stderr.strip()}")
    click.echo(f"Reservekopie geschreven naar {target}", err=True)


# --- questionnaires --------------------------------------------------------------------


@cli.group(help="Vragenlijsten controleren en laden.")
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
        for q in parse_files(files, services.stored_questionnaires(session)):
            new = services.store_questionnaire(session, q)
            click.echo(f"{q.id} {q.versie}: {'geladen' if new else 'al geladen, ongewijzigd'}")


# --- municipalities --------------------------------------------------------------------


@cli.group(help="Het register van gemeenten.")
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
        result = services.load_register(session, rows, valid_from)
    click.echo(
        f"Register per {valid_from:%d-%m-%Y}: {result.added} nieuw, {result.updated} bijgewerkt, "
        f"{result.ended} opgeheven."
    )


def register_date(rows: list[Any], file: str) -> date:
    years = {row.inwonersjaar for row in rows if row.inwonersjaar}
    if len(years) != 1:
        fail(f"{file}: geef --geldig-vanaf op; het inwonersjaar verschilt per regel of ontbreekt")
    return date(years.pop(), 1, 1)


# --- users and tokens ------------------------------------------------------------------


@cli.group(help="Gebruikers beheren.")
def user() -> None:
    pass


@user.command(
    "add", help="Voeg een gebruiker toe; zonder --password-stdin wordt een wachtwoord gemaakt."
)
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(services.ROLES))
@click.option("--gemeente", help="Gemeentecode (GMxxxx), verplicht voor een medewerker.")
@click.option("--regio", help="RIEC-regio, verplicht voor een regiocoördinator (rol regio).")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van stdin.")
@service_errors
def user_add(
    email: str, role: str, gemeente: str | None, regio: str | None, password_stdin: bool
) -> None:
    password = sys.stdin.readline().rstrip("\n") if password_stdin else generate_password()
    with unit_of_work() as session:
        created = services.add_user(session, email, role, password, gemeente, region=regio)
    click.echo(f"Gebruiker {created.email} ({role}) aangemaakt.", err=True)
    if not password_stdin:
        click.echo(f"Wachtwoord (wordt maar een keer getoond): {password}")


@cli.group(help="API-tokens beheren.")
def token() -> None:
    pass


@token.command("create", help="Maak een API-token; alleen het token komt op stdout.")
@click.argument("email")
@click.option("--naam", default="", help="Waarvoor het token is.")
@click.option("--verloopt", type=click.DateTime(formats=["%Y-%m-%d"]), help="Vervaldatum.")
@service_errors
def token_create(email: str, naam: str, verloopt: datetime | None) -> None:
    expires = verloopt.replace(tzinfo=UTC) if verloopt else None
    if expires is not None and expires <= datetime.now(UTC):
        fail("de vervaldatum ligt in het verleden")
    with unit_of_work() as session:
        value = services.create_token(
            session, services.user_by_email(session, email), naam, expires
        )
    click.echo("Bewaar dit token nu: het wordt niet opnieuw getoond.", err=True)
    click.echo(value)


@token.command("list", help="Toon de API-tokens van een gebruiker (zonder de tokens zelf).")
@click.argument("email")
@service_errors
def token_list(email: str) -> None:
    with unit_of_work() as session:
        for record in services.tokens_of(session, services.user_by_email(session, email)):
            state = "ingetrokken" if record.revoked_at else "actief"
            expires = (
                f"verloopt {record.expires_at:%Y-%m-%d}" if record.expires_at else "verloopt niet"
            )
            click.echo(
                f"{record.id}\t{state}\t{expires}\t{record.created_at:%Y-%m-%d}\t{record.name}"
            )


@token.command("revoke", help="Trek een API-token van een gebruiker in (id uit `token list`).")
@click.argument("email")
@click.argument("token_id", type=int)
@service_errors
def token_revoke(email: str, token_id: int) -> None:
    with unit_of_work() as session:
        services.revoke_token(session, services.user_by_email(session, email), token_id)
    click.echo(f"Token {token_id} is ingetrokken.", err=True)


@cli.group(help="De landelijke benchmark voor VNG.")
def benchmark() -> None:
    pass


@benchmark.command("export", help="Schrijf de landelijke cijfers van een jaar naar een bestand.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("--format", "fmt", required=True, type=click.Choice(sorted(exports.WRITERS)))
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="Bestand.")
@service_errors
def benchmark_export(year: int, fmt: str, output: str) -> None:
    current = settings()
    with unit_of_work() as session:
        data = benchmarking.year_benchmark(session, year, current.min_group_size)
    Path(output).write_bytes(exports.WRITERS[fmt](data))
    click.echo(
        f"Benchmark {year} ({data.picture.total.n} zelfevaluaties) geschreven naar {output}",
        err=True,
    )


# --- reports ---------------------------------------------------------------------------


@cli.command(help="Maak het PDF-rapport van een zelfevaluatie of van alle ingediende van een jaar.")
@click.argument("gemeente", required=False)
@click.option("--all", "all_", is_flag=True, help="Alle ingediende zelfevaluaties van het jaar.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("-o", "output", required=True, type=click.Path(), help="PDF-bestand; map bij --all.")
@service_errors
def report(gemeente: str | None, all_: bool, year: int, output: str) -> None:
    from assess import report_batch

    if bool(gemeente) == all_:
        fail("geef een gemeentecode (GMxxxx) of --all, niet allebei")
    current = settings()
    if all_:
        report_all(current, year, Path(output))
        return
    started = time.perf_counter()
    with unit_of_work() as session:
        item = report_batch.assessment_of_year(session, gemeente or "", year)
        path = report_batch.write_report(session, item, current.min_group_size, Path(output))
    click.echo(f"Rapport geschreven naar {path} ({time.perf_counter() - started:.1f} s)", err=True)


def report_all(current: Settings, year: int, directory: Path) -> None:
    from assess import report_batch

    if directory.exists() and not directory.is_dir():
        fail(f"{directory} is geen map")
    with unit_of_work() as session:
        tasks = report_batch.submitted_tasks(session, year)
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


@benchmark.command("report", help="Schrijf de landelijke benchmark van een jaar als PDF.")
@click.option("--year", "year", required=True, type=int, help="Peiljaar.")
@click.option("-o", "output", required=True, type=click.Path(dir_okay=False), help="PDF-bestand.")
@service_errors
def benchmark_report(year: int, output: str) -> None:
    from assess import report_data

    current = settings()
    with unit_of_work() as session:
        pdf = report_data.national_pdf(session, year, current.min_group_size)
    Path(output).write_bytes(pdf)
    click.echo(f"Landelijke benchmark {year} geschreven naar {output}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error exits with status 1 and a message on stderr."""
    try:
        cli.main(args=argv, prog_name="assess", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)
    except click.Abort:
        click.echo("afgebroken", err=True)
        sys.exit(1)
