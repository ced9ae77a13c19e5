"""What every command shares: settings, a unit of work, and errors as one clear line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from assess.config import Settings, SettingsError, load_settings
from assess.db.migrate import is_current
from assess.db.session import make_engine, session_factory, transaction
from assess.errors import ServiceError


class CommandFailed(click.ClickException):
    """A failure the user can act on; printed without a traceback, exit status 1."""

    exit_code = 1

    def show(self, file: Any = None) -> None:
        click.echo(f"fout: {self.message}", err=True)


class Unreadable(Exception):
    pass


def fail(message: str) -> NoReturn:
    raise CommandFailed(message)


class CommandStopped(CommandFailed):
    """Stopped by the user (Ctrl-C) or the system (SIGTERM) before the work was done."""

    exit_code = 130


def stopped(message: str) -> NoReturn:
    raise CommandStopped(message)


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
    """One transaction: committed when the command's block succeeds, rolled back otherwise."""
    engine = engine_for(settings(), migrated=migrated)
    try:
        with transaction(session_factory(engine)) as session:
            yield session
    finally:
        engine.dispose()


def read_text(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise Unreadable(f"{path}: bestand bestaat niet") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise Unreadable(f"{path}: kan het bestand niet lezen ({exc})") from None
