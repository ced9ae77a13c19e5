"""Users and their API tokens, managed from the command line (as the system)."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from assess.access import USER_ROLES, system
from assess.cli.common import service_errors, unit_of_work
from assess.security import generate_password
from assess.services import accounts, second_factor, tokens


@click.group(help="Gebruikers beheren.")
def user() -> None:
    pass


@user.command(
    "add", help="Voeg een gebruiker toe; zonder --password-stdin wordt een wachtwoord gemaakt."
)
@click.argument("email")
@click.option("--role", required=True, type=click.Choice([str(r) for r in USER_ROLES]))
@click.option("--gemeente", help="Gemeentecode (GMxxxx), verplicht voor een medewerker.")
@click.option("--regio", help="RIEC-regio, verplicht voor een regiocoördinator (rol regio).")
@click.option("--password-stdin", is_flag=True, help="Lees het wachtwoord van stdin.")
@service_errors
def user_add(
    email: str, role: str, gemeente: str | None, regio: str | None, password_stdin: bool
) -> None:
    password = sys.stdin.readline().rstrip("\n") if password_stdin else generate_password()
    with unit_of_work() as session:
        created = accounts.add_user(session, system(), email, role, password, gemeente, regio)
    click.echo(f"Gebruiker {created.email} ({role}) aangemaakt.", err=True)
    if not password_stdin:
        click.echo(f"Wachtwoord (wordt maar een keer getoond): {password}")


@user.command(
    "reset-2fa",
    help="Zet de tweestapsverificatie van een gebruiker terug (telefoon en herstelcodes kwijt).",
)
@click.argument("email")
@service_errors
def user_reset_second_factor(email: str) -> None:
    with unit_of_work() as session:
        second_factor.reset(session, system(), email)
    click.echo(
        f"Tweestapsverificatie van {email} is teruggezet: bij de volgende keer inloggen "
        "stelt een beheerder haar opnieuw in; anderen kunnen het zelf weer aanzetten.",
        err=True,
    )


@click.group(help="API-tokens beheren.")
def token() -> None:
    pass


@token.command("create", help="Maak een API-token; alleen het token komt op stdout.")
@click.argument("email")
@click.option("--naam", default="", help="Waarvoor het token is.")
@click.option("--verloopt", type=click.DateTime(formats=["%Y-%m-%d"]), help="Vervaldatum.")
@service_errors
def token_create(email: str, naam: str, verloopt: datetime | None) -> None:
    expires = verloopt.replace(tzinfo=UTC) if verloopt else None
    with unit_of_work() as session:
        value = tokens.create(session, system(), naam, expires, owner_email=email)
    click.echo("Bewaar dit token nu: het wordt niet opnieuw getoond.", err=True)
    click.echo(value)


@token.command("list", help="Toon de API-tokens van een gebruiker (zonder de tokens zelf).")
@click.argument("email")
@service_errors
def token_list(email: str) -> None:
    with unit_of_work() as session:
        found = tokens.of_user(session, system(), owner_email=email)
    for record in found:
        state = "ingetrokken" if record.revoked_at else "actief"
        expires = f"verloopt {record.expires_at:%Y-%m-%d}" if record.expires_at else "verloopt niet"
        click.echo(f"{record.id}\t{state}\t{expires}\t{record.created_at:%Y-%m-%d}\t{record.name}")


@token.command("revoke", help="Trek een API-token van een gebruiker in (id uit `token list`).")
@click.argument("email")
@click.argument("token_id", type=int)
@service_errors
def token_revoke(email: str, token_id: int) -> None:
    with unit_of_work() as session:
        tokens.revoke(session, system(), token_id, owner_email=email)
    click.echo(f"Token {token_id} is ingetrokken.", err=True)
