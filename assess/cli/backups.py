"""`assess backup` and `assess restore`: SQLite through its backup API, PostgreSQL through
pg_dump and pg_restore. The password goes to those tools in their environment (PGPASSWORD),
never on a command line that `ps` shows. Neither command leaves half a file or half a
database behind: a backup is written beside the target and renamed when complete; a restore
runs in one transaction."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from sqlalchemy.engine import URL, make_url

from assess.cli.common import engine_for, fail, settings
from assess.db.migrate import is_current


def _url() -> URL:
    return make_url(settings().effective_database_url)


def _postgres(tool: str, url: URL, *args: str) -> None:
    """Run a PostgreSQL client tool against `url`, its password in the environment."""
    program = shutil.which(tool)
    if program is None:
        fail(f"{tool} is niet gevonden; installeer de PostgreSQL-clienttools")
    conninfo = url.set(drivername="postgresql", password=None).render_as_string()
    env = {**os.environ, **({"PGPASSWORD": str(url.password)} if url.password else {})}
    done = subprocess.run(
        [program, *args, f"--dbname={conninfo}"], capture_output=True, text=True, env=env
    )
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "onbekend"
        fail(f"{tool} mislukte: {reason}")


@click.command(help="Maak een reservekopie van de database in FILE.")
@click.argument("file", type=click.Path(dir_okay=False))
def backup(file: str) -> None:
    engine = engine_for(settings())
    url = engine.url
    engine.dispose()
    target = Path(file)
    if not target.parent.is_dir():
        fail(f"{target.parent}: deze map bestaat niet")
    partial = target.with_name(f".{target.name}.deel")
    try:
        if url.get_backend_name() == "sqlite":
            partial.unlink(missing_ok=True)
            with sqlite3.connect(url.database or "") as source, sqlite3.connect(partial) as copy:
                source.backup(copy)
        else:
            _postgres("pg_dump", url, "--format=custom", f"--file={partial}")
        partial.replace(target)
    except OSError as exc:
        fail(f"{target}: kan de reservekopie niet schrijven ({exc.strerror})")
    finally:
        partial.unlink(missing_ok=True)
    click.echo(f"Reservekopie geschreven naar {target}", err=True)


@click.command(help="Zet de database terug uit reservekopie FILE; overschrijft alle gegevens.")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--ja", is_flag=True, help="Bevestig dat alle huidige gegevens vervangen worden.")
def restore(file: str, ja: bool) -> None:
    source, url = Path(file), _url()
    if not source.is_file():
        fail(f"{file}: bestand bestaat niet")
    if not ja:
        fail("restore vervangt alle gegevens in de database; bevestig met --ja")
    if url.get_backend_name() == "sqlite":
        _restore_sqlite(source, Path(url.database or ""))
    else:
        _postgres(
            "pg_restore",
            url,
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            str(source),
        )
    engine = engine_for(settings(), migrated=False)
    current = is_current(engine)
    engine.dispose()
    click.echo(f"Database teruggezet uit {source}", err=True)
    if not current:
        click.echo("De kopie is van een oudere versie: voer `assess db upgrade` uit.", err=True)


def _restore_sqlite(source: Path, database: Path) -> None:
    try:
        with sqlite3.connect(f"file:{source}?mode=ro", uri=True) as copy:
            copy.execute("select version_num from alembic_version").fetchall()
    except sqlite3.DatabaseError:
        fail(f"{source}: geen reservekopie van deze dienst (geen SQLite-database met migraties)")
    database.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as copy, sqlite3.connect(database) as target:
        copy.backup(target)  # one step: the target changes all at once or not at all
