"""Translations: Dutch source texts, English catalog; the language follows the request.

Texts are marked with `_()` (Python) or `{{ _() }}` / `{% trans %}` (templates) and extracted
with Babel (see docs/development.md). The current language lives in a context variable that
the web layer sets per request; everything else (CLI, API) stays Dutch.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT = "nl"
LANGUAGES = {"nl": "Nederlands", "en": "English"}

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


@cache
def catalog(language: str) -> NullTranslations:
    if language == DEFAULT:
        return NullTranslations()
    return Translations.load(str(LOCALE_DIR), [language], domain="messages")


def current_language() -> str:
    return _current.get()


def gettext(message: str) -> str:
    return catalog(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return catalog(_current.get()).ngettext(singular, plural, n)


_ = gettext


def N_(message: str) -> str:
    """Mark a text for extraction only; it is translated later, where it is shown (`_(value)`)."""
    return message


# Values that pages show translated with a dynamic msgid (`_(item.status)`, `_(viewer.role)`,
# `_(vraag.pijler)`): marked here so that extraction puts them in the catalog.
SHOWN_VALUES = (
    N_("concept"),
    N_("ingediend"),
    N_("medewerker"),
    N_("analist"),
    N_("beheerder"),
    N_("regio"),
    N_("regie"),
    N_("zorg"),
    N_("signalering"),
    N_("handhaving"),
)


@contextmanager
def language(code: str) -> Iterator[None]:
    token = _current.set(code if code in LANGUAGES else DEFAULT)
    try:
        yield
    finally:
        _current.reset(token)


def set_language(code: str) -> None:
    """Set the language for the rest of the current context (one request)."""
    _current.set(code if code in LANGUAGES else DEFAULT)
