"""Answer codes and the rules an answer must follow for its question (pure)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

import msgspec

from assess.framework.messages import untranslated
from assess.framework.schema import Question
from assess.framework.vocabulary import AnswerCode

NOT_APPLICABLE = AnswerCode.NOT_APPLICABLE
UNKNOWN = AnswerCode.UNKNOWN
ANSWER_CODES = tuple(code.value for code in AnswerCode)
MAX_EXPLANATION = 4000
MAX_EVIDENCE = 1000
MAX_DOCUMENTS = 10  # per answer
MAX_DOCUMENT_TITLE = 200
MAX_DOCUMENT_URL = 500


class Document(msgspec.Struct, frozen=True):
    """A document an answer rests on: a council decision, a plan, a covenant. The address is
    optional, since many such documents are internal and have none."""

    title: str
    url: str | None = None

    @classmethod
    def as_typed(cls, title: str, url: str | None) -> Document:
        """A document as the form or the API gives it: text trimmed, an empty address as
        none, so saving it unchanged never reads as a change."""
        return cls(title.strip(), (url or "").strip() or None)


class Answer(msgspec.Struct, frozen=True):
    code: str
    regional: bool = False
    explanation: str = ""
    evidence: str = ""
    documents: tuple[Document, ...] = ()

    @property
    def level(self) -> int | None:
        """The level the answer counts as: 0-3, 0 for 'onbekend', None for 'nvt'."""
        if self.code == NOT_APPLICABLE:
            return None
        return 0 if self.code == UNKNOWN else int(self.code)


def answer_problems(
    question: Question, answer: Answer, _: Callable[[str], str] = untranslated
) -> dict[str, str]:
    """Field name -> message for each rule the answer breaks; empty when valid.

    `_` translates the Dutch messages (the web layer passes gettext; the default keeps Dutch).
    """
    problems: dict[str, str] = {}
    if answer.code not in ANSWER_CODES:
        problems["antwoord"] = _("Kies 0, 1, 2, 3, 'nvt' of 'onbekend'.")
    elif answer.code == NOT_APPLICABLE and not question.nvt_toegestaan:
        problems["antwoord"] = _("'Niet van toepassing' is bij vraag {id} niet toegestaan.").format(
            id=question.id
        )
    elif answer.code == NOT_APPLICABLE and not answer.explanation.strip():
        problems["toelichting"] = _("Licht toe waarom deze vraag niet van toepassing is.")
    if answer.regional and not question.regionaal_toegestaan:
        problems["regionaal"] = _("Vraag {id} kan niet regionaal geregeld zijn.").format(
            id=question.id
        )
    elif answer.regional and answer.code in (NOT_APPLICABLE, UNKNOWN):
        problems["regionaal"] = _("Regionaal geregeld kan alleen met een niveau 0 tot en met 3.")
    if len(answer.explanation) > MAX_EXPLANATION:
        problems["toelichting"] = _("De toelichting is te lang (maximaal {n} tekens).").format(
            n=MAX_EXPLANATION
        )
    if len(answer.evidence) > MAX_EVIDENCE:
        problems["bewijs"] = _("De onderbouwing is te lang (maximaal {n} tekens).").format(
            n=MAX_EVIDENCE
        )
    for name, typed in (("toelichting", answer.explanation), ("bewijs", answer.evidence)):
        if "\x00" in typed:  # PostgreSQL cannot store it; never meant by a person
            problems[name] = _("De tekst bevat een NUL-teken. Haal het weg.")
    if problem := documents_problem(answer.documents, _):
        problems["documenten"] = problem
    return problems


def documents_problem(
    documents: tuple[Document, ...], _: Callable[[str], str] = untranslated
) -> str | None:
    """What is wrong with an answer's documents, naming the first document at fault."""
    if len(documents) > MAX_DOCUMENTS:
        return _("Noem hoogstens {n} documenten bij een antwoord.").format(n=MAX_DOCUMENTS)
    for number, document in enumerate(documents, start=1):
        if problem := _document_problem(document, _):
            return _("Document {n}: {reden}").format(n=number, reden=problem)
    return None


def _document_problem(document: Document, _: Callable[[str], str]) -> str | None:
    if not document.title.strip():
        return _("geef het document een titel.")
    if len(document.title) > MAX_DOCUMENT_TITLE:
        return _("de titel is te lang (maximaal {n} tekens).").format(n=MAX_DOCUMENT_TITLE)
    url = document.url or ""
    if len(url) > MAX_DOCUMENT_URL:
        return _("de link is te lang (maximaal {n} tekens).").format(n=MAX_DOCUMENT_URL)
    if "\x00" in document.title + url:
        return _("de tekst bevat een NUL-teken. Haal het weg.")
    if " " in url.strip():
        return _("de link bevat een spatie. Kopieer de link uit de adresbalk van de browser.")
    if url and not is_web_address(url):
        return _(
            "een link begint met https:// of http://, zoals https://lokaleregelgeving.overheid.nl/."
        )
    return None


def is_web_address(url: str) -> bool:
    """An absolute http(s) address with a host and no spaces: safe to show as a link."""
    if any(c.isspace() or ord(c) < 32 for c in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)
