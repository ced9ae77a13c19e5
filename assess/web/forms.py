"""Reading the answer forms of a domain page: answers to save, errors, and what was typed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from assess.framework.answers import Answer, Document, answer_problems
from assess.framework.schema import Question


@dataclass
class DomainForm:
    answers: dict[str, Answer] = field(default_factory=dict)
    errors: dict[str, dict[str, str]] = field(default_factory=dict)
    typed: dict[str, dict[str, Any]] = field(default_factory=dict)


# The field a question's error is about, as the id prefix of that field on the domain page.
FIELD_IDS = {
    "antwoord": "vraag-",
    "toelichting": "toelichting-",
    "bewijs": "bewijs-",
    "regionaal": "regionaal-",
    "documenten": "documenten-",
}


def error_links(errors: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """The error summary of a domain page: per error the id of its field, and the message
    led by the question id."""
    return [
        (FIELD_IDS.get(field, "vraag-") + question_id, f"{question_id}: {message}")
        for question_id, fields in errors.items()
        for field, message in fields.items()
    ]


def value(form: Mapping[str, Any], name: str) -> str:
    """A form field as typed, without NUL characters (a browser never sends them)."""
    raw = form.get(name, "")
    return str(raw[-1] if isinstance(raw, list) else raw).replace("\x00", "")


def values(form: Mapping[str, Any], name: str) -> list[str]:
    """Every value of a field that repeats (one per row), as typed."""
    raw = form.get(name, [])
    return [str(v).replace("\x00", "") for v in (raw if isinstance(raw, list) else [raw])]


def read_documents(form: Mapping[str, Any], question_id: str) -> list[Document]:
    """The document rows of a question as typed; rows left empty are dropped."""
    titles = values(form, f"document-titel-{question_id}")
    urls = values(form, f"document-url-{question_id}")
    rows = [Document.as_typed(t, u) for t, u in zip_longest(titles, urls, fillvalue="")]
    return [row for row in rows if row.title or row.url]


def read_question(form: Mapping[str, Any], question: Question) -> dict[str, Any]:
    qid = question.id
    return {
        "antwoord": value(form, f"antwoord-{qid}"),
        "regionaal": value(form, f"regionaal-{qid}") in ("on", "true", "1"),
        "toelichting": value(form, f"toelichting-{qid}").strip(),
        "bewijs": value(form, f"bewijs-{qid}").strip(),
        "documenten": read_documents(form, qid),
    }


def read_domain(
    form: Mapping[str, Any],
    questions: list[Question],
    translate: Callable[[str], str],
    only: str | None = None,
) -> DomainForm:
    """Every question with something filled in becomes an answer or an error; the rest stay open."""
    result = DomainForm()
    for question in questions:
        if only is not None and question.id != only:
            continue
        typed = read_question(form, question)
        result.typed[question.id] = typed
        if not (
            typed["antwoord"] or typed["toelichting"] or typed["bewijs"] or typed["documenten"]
        ):
            continue
        if not typed["antwoord"]:
            result.errors[question.id] = {"antwoord": translate("Kies een antwoord.")}
            continue
        answer = Answer(
            typed["antwoord"],
            typed["regionaal"],
            typed["toelichting"],
            typed["bewijs"],
            tuple(typed["documenten"]),
        )
        problems = answer_problems(question, answer, translate)
        if problems:
            result.errors[question.id] = problems
        else:
            result.answers[question.id] = answer
    return result
