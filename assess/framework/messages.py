"""Dutch sentences for msgspec's validation messages (pure)."""

from __future__ import annotations

import re

_TRANSLATIONS = [
    (r"Object contains unknown field `(.+)`", "onbekend veld '{0}' (controleer de spelling)"),
    (r"Object missing required field `(.+)`", "verplicht veld '{0}' ontbreekt"),
    (r"Invalid enum value (.+)", "onbekende waarde {0}"),
    (r"Expected `str` matching regex '(.+)'", "waarde past niet in het vereiste patroon {0}"),
    (r"Expected `(?:str|array|object)` of length >= 1", "mag niet leeg zijn"),
    (r"Expected `str` of length <= (\d+)", "mag hoogstens {0} tekens lang zijn"),
    (r"Expected `(?:array|object)` of length <= (\d+)", "mag hoogstens {0} elementen hebben"),
    (r"Missing required \w+ parameter '(.+)'", "verplichte parameter '{0}' ontbreekt"),
    (r"Invalid UUID", "geen geldige UUID"),
    (r"Invalid RFC3339 encoded datetime", "geen geldig tijdstip (zoals 2026-11-30T12:00:00Z)"),
    (r"Invalid RFC3339 encoded date", "geen geldige datum (zoals 2026-11-30)"),
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
    """Translate a msgspec message without its ' - at `$...`' suffix.

    A message without a translation becomes a general Dutch one: a reader of the API should
    never get half-English reasons.
    """
    for pattern, template in _TRANSLATIONS:
        found = re.match(pattern, message)
        if found:
            return template.format(*(_TYPE_WORDS.get(g, g) for g in found.groups()))
    return "ongeldige waarde"
