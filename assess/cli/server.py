"""Running the service: the demo, the server, the database and its backup."""

from __future__ import annotations

import os
import secrets
from datetime import UTC, datetime

import click

from assess import logs
from assess.access import system
from assess.cli.common import engine_for, fail, settings
from assess.config import Settings
from assess.db.migrate import upgrade
from assess.db.session import session_factory, transaction
from assess.services import demo as demo_setup


@click.command(
    help="Start een werkende demo: database, register, vragenlijst, demogebruikers, data."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def demo(host: str, port: int) -> None:
    current = settings()
    ensure_secret_key(current)
    os.environ.setdefault("ASSESS_SECURE_COOKIES", "false")  # the demo serves plain http
    engine = engine_for(current, migrated=False)
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        generated = demo_setup.prepare(
            session, system("demo"), datetime.now(UTC).year, current.min_group_size
        )
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
        gemeente += f", RIEC-regio {user.region}" if user.region else ""
        click.echo(
            f"  {user.email}  wachtwoord: {user.password}  ({user.role}{gemeente})", err=True
        )
    click.echo(
        "  De beheerder stelt bij de eerste keer inloggen tweestapsverificatie in "
        "(een authenticator-app op de telefoon).",
        err=True,
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


@click.command(help="Start de webserver (ASSESS_SECRET_KEY is verplicht).")
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
    # X-Forwarded-For is believed only from the configured proxies: by default from nobody,
    # so no client can pick the address that the login throttle and the audit log see.
    proxies = settings().trusted_proxies.strip()
    uvicorn.run(
        "assess.app:create_app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        log_config=logs.CONFIG,  # JSON lines; the app logs each request itself
        access_log=False,
    )


@click.group(help="Databasebeheer.")
def db() -> None:
    pass


@db.command("upgrade", help="Breng de database naar de nieuwste versie (migraties).")
def db_upgrade() -> None:
    engine = engine_for(settings(), migrated=False)
    upgrade(engine)
    engine.dispose()
    click.echo("Database is bijgewerkt.", err=True)
