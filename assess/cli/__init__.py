"""The `assess` command line. Thin: reads settings, calls services as the system, prints.

Errors go to stderr with exit status 1; data goes to stdout.
"""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import InterfaceError, OperationalError

from assess.cli.accounts import token, user
from assess.cli.backups import backup, restore
from assess.cli.common import CommandStopped
from assess.cli.content import municipalities, questionnaire
from assess.cli.reports import benchmark, report
from assess.cli.server import db, demo, serve

cli = click.Group(
    help="Zelfscan mensenhandel: zelfevaluatie en benchmark van de gemeentelijke aanpak.",
    commands=[
        demo,
        serve,
        db,
        backup,
        restore,
        questionnaire,
        municipalities,
        user,
        token,
        benchmark,
        report,
    ],
)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error exits with a message on stderr and status 1 (130 when the
    user or the system stopped the work)."""
    try:
        cli.main(args=argv, prog_name="assess", standalone_mode=False)
    except click.ClickException as exc:
        exc.show()
        sys.exit(CommandStopped.exit_code if isinstance(exc, CommandStopped) else 1)
    except (OperationalError, InterfaceError) as exc:  # the database did not answer
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else type(exc).__name__
        click.echo(f"fout: de database antwoordt niet: {reason}", err=True)
        sys.exit(1)
    except click.Abort:
        click.echo("afgebroken", err=True)
        sys.exit(1)
