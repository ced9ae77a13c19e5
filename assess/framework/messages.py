"""Dutch sentences for msgspec's validation messages (pure)."""

from __future__ import annotations

import re

_TRANSLATIONS = [
    (r"Object contains unknown field `(.+)`", "onbekend veld '{0}' (controleer de spelling)"),
    (r"Object missing required field `(.+)`", "verplicht veld '{0}' ontbreekt"),
    (r"Invalid enum value (.+)", "onbekende waarde {0}"),
    (r"Expected `str` matching regex '(.+)'", "waarde past niet in het vereiste patroon {0}"),
    (r"Expected `(?:str|array|object)` of length >= 1", "mag niet leeg zijn"),
    (r"Expected `(\w+)`, got `(\w+)`", "verwacht {0}, gevonden {1}"),
    (r"Expected `(\w+)` ([<>]=?) (\S+)", "verwacht {0} {1} {2}"),
]
_TYPE_WORDS = {
    "int": "een geheel getal",
    "float": "een getal",
    "str": "tekst",
    "bool": "true of false",
    "array": "een lijst",
    "object": "een object (sleutels met waarden)",
    "null": "niets",
}


def untranslated(message: str) -> str:
    """The default translate function of pure code: the Dutch text as it is."""
    return message


def in_dutch(message: str) -> str:
    """Translate a msgspec message without its ' - at `$...`' suffix."""
    for pattern, template in _TRANSLATIONS:
        found = re.match(pattern, message)
        if found:
            return template.format(*(_TYPE_WORDS.get(g, g) for g in found.groups()))
    return message
