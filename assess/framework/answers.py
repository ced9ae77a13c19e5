"""Answer codes and the rules an answer must follow for its question (pure)."""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from assess.framework.messages import untranslated
from assess.framework.schema import Question
from assess.framework.vocabulary import AnswerCode

NOT_APPLICABLE = AnswerCode.NOT_APPLICABLE
UNKNOWN = AnswerCode.UNKNOWN
ANSWER_CODES = tuple(code.value for code in AnswerCode)
MAX_EXPLANATION = 4000
MAX_EVIDENCE = 1000


class Answer(msgspec.Struct, frozen=True):
    code: str
    regional: bool = False
    explanation: str = ""
    evidence: str = ""

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
    return problems
