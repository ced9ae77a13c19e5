"""The Excel workbook of one assessment: written for a meeting around a spreadsheet, read back
cell by cell. Three sheets: "Leesmij" (which assessment, how to fill in), "Antwoorden" (one row
per question, the answer a drop-down) and "Actieplan" (one row per action, room for new ones).

Reading names every problem by its cell (`Antwoorden!G7`); what the cells mean for the
assessment is decided by the use case (`services/workbook.py`).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from assess.framework.action_plan import Draft
from assess.framework.answers import ANSWER_CODES, Answer
from assess.framework.messages import untranslated
from assess.framework.schema import Questionnaire
from assess.framework.vocabulary import ActionStatus

README, ANSWERS, PLAN = "Leesmij", "Antwoorden", "Actieplan"
ANSWER_COLUMNS = (
    "Vraag-id", "Vraag", "Niveau 0", "Niveau 1", "Niveau 2", "Niveau 3",
    "Antwoord", "Regionaal", "Toelichting", "Onderbouwing", "Opmerking",
)  # fmt: skip
PLAN_COLUMNS = ("Actie-id", "Vraag-id", "Actie", "Trekker", "Gereed op", "Status", "Toelichting")
# the cells of the Leesmij sheet that say which assessment the workbook belongs to
ID_CELL, CODE_CELL, YEAR_CELL = "B3", "B4", "B6"
EMPTY_PLAN_ROWS = 15  # room for new actions
MAX_UNPACKED = 20 * 1024 * 1024  # a real workbook is well under 1 MB unpacked
YES, NO = "ja", "nee"
Translate = Callable[[str], str]


@dataclass(frozen=True)
class Identity:
    assessment_id: str
    municipality_code: str
    name: str
    year: int
    version: str


@dataclass(frozen=True)
class AnswerLine:
    row: int
    question_id: str
    answer: Answer


@dataclass(frozen=True)
class PlanLine:
    row: int
    action_id: str | None
    draft: Draft


@dataclass
class Filled:
    """What a returned workbook holds, and the cells that could not be read."""

    identity: dict[str, Any]  # the cells of the Leesmij sheet: ID_CELL, CODE_CELL, YEAR_CELL
    answers: list[AnswerLine] = field(default_factory=list)
    plan: list[PlanLine] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)


def cell_name(sheet: str, column: int, row: int) -> str:
    return f"{sheet}!{get_column_letter(column)}{row}"


# --- writing ----------------------------------------------------------------------------


def build(
    identity: Identity,
    questionnaire: Questionnaire,
    answers: dict[str, tuple[Answer, str]],
    actions: Iterable[tuple[str, Draft]],
    _: Translate = untranslated,
) -> bytes:
    """`answers`: per question id the answer and a remark (such as 'overgenomen');
    `actions`: the plan's actions with their ids."""
    book = Workbook()
    _readme(book.active, identity, _)
    _answers_sheet(book.create_sheet(ANSWERS), questionnaire, answers)
    _plan_sheet(book.create_sheet(PLAN), list(actions))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _readme(sheet: Any, identity: Identity, _: Translate) -> None:
    sheet.title = README
    lines: list[tuple[Any, Any]] = [
        (_("Zelfscan mensenhandel: werkboek voor het invullen met collega's"), None),
        (None, None),
        (_("Zelfevaluatie-id"), identity.assessment_id),
        (_("Gemeentecode"), identity.municipality_code),
        (_("Gemeente"), identity.name),
        (_("Peiljaar"), identity.year),
        (_("Vragenlijstversie"), identity.version),
        (None, None),
        (_("Zo werkt het"), None),
        ("1.", _("Vul op het blad Antwoorden per vraag de kolom Antwoord in: 0, 1, 2 of 3 "
                    "(de niveaus staan ernaast), nvt (alleen waar de vraag dat toestaat, met een "
                    "toelichting) of onbekend (weet ik niet).")),
        ("2.", _("Regionaal: ja als de gemeente dit regionaal heeft geregeld. Zet nooit "
                    "persoonsgegevens in een toelichting of onderbouwing.")),
        ("3.", _("Op het blad Actieplan staan de acties; vul trekker (een rol of afdeling), "
                    "Gereed op (een datum) en Status in. Nieuwe acties zet u op een lege regel, "
                    "zonder Actie-id.")),
        ("4.", _("Lees het werkboek in op de pagina Actieplan van de zelfscan. Klopt één "
                    "cel niet, dan verandert er niets en ziet u welke cel het is.")),
        ("5.", _("Een lege cel in Antwoord laat het antwoord zoals het is. Overgenomen "
                    "antwoorden van vorig jaar bevestigt u in de zelfscan zelf.")),
        (_("Let op"), _("Wijzig de cellen hierboven en de Vraag-id's en Actie-id's niet: daaraan "
                        "herkent de zelfscan de gemeente, het jaar en de regels.")),
    ]  # fmt: skip
    for line in lines:
        sheet.append(list(line))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A9"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 110
    for row in sheet.iter_rows(min_row=10):
        row[1].alignment = Alignment(wrap_text=True, vertical="top")


def _header(sheet: Any, columns: tuple[str, ...], widths: dict[str, int]) -> None:
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(name, 14)


FILL_IN = PatternFill("solid", fgColor="FFF8E5")  # the cells a colleague fills in


def _answers_sheet(
    sheet: Any, questionnaire: Questionnaire, answers: dict[str, tuple[Answer, str]]
) -> None:
    widths = {"Vraag": 50, "Toelichting": 40, "Onderbouwing": 30, "Opmerking": 24}
    _header(sheet, ANSWER_COLUMNS, {**widths, **{f"Niveau {n}": 32 for n in range(4)}})
    for question in questionnaire.questions():
        answer, remark = answers.get(question.id, (None, ""))
        sheet.append(
            [
                question.id,
                question.vraag,
                *(question.niveaus.get(level, "") for level in range(4)),
                answer.code if answer else None,
                (YES if answer.regional else NO) if answer else None,
                answer.explanation if answer else None,
                answer.evidence if answer else None,
                remark or None,
            ]
        )
    last = sheet.max_row
    codes = DataValidation(type="list", formula1=f'"{",".join(ANSWER_CODES)}"', allow_blank=True)
    codes.error, codes.errorTitle = "Kies 0, 1, 2, 3, nvt of onbekend.", "Antwoord"
    regional = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    for validation, column in ((codes, "G"), (regional, "H")):
        sheet.add_data_validation(validation)
        validation.add(f"{column}2:{column}{last}")
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row[6:10]:
            cell.fill = FILL_IN
        row[6].number_format = "@"  # "2" stays text, not a number
    sheet.auto_filter.ref = f"A1:K{last}"


def _plan_sheet(sheet: Any, actions: list[tuple[str, Draft]]) -> None:
    _header(sheet, PLAN_COLUMNS, {"Actie-id": 38, "Actie": 60, "Trekker": 24, "Toelichting": 40})
    for action_id, draft in actions:
        status = str(draft.status)
        sheet.append(
            [action_id, draft.question_id, draft.title, draft.owner, draft.due, status, draft.note]
        )
    for _row in range(EMPTY_PLAN_ROWS):
        sheet.append([None] * len(PLAN_COLUMNS))
    last = sheet.max_row
    statuses = DataValidation(
        type="list", formula1=f'"{",".join(s.value for s in ActionStatus)}"', allow_blank=True
    )
    sheet.add_data_validation(statuses)
    statuses.add(f"F2:F{last}")
    for row in sheet.iter_rows(min_row=2):
        row[4].number_format = "yyyy-mm-dd"
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for cell in row[2:]:
            cell.fill = FILL_IN


# --- reading ----------------------------------------------------------------------------


class Unreadable(Exception):
    """Not an XLSX workbook of this service (or one too big to unpack)."""


def read(data: bytes, _: Translate = untranslated) -> Filled:
    book = _open(data, _)
    missing = [name for name in (README, ANSWERS, PLAN) if name not in book.sheetnames]
    if missing:
        raise Unreadable(
            _("Het werkboek mist het blad {blad}; download een nieuw werkboek.").format(
                blad=", ".join(missing)
            )
        )
    readme = book[README]
    identity = {name: readme[name].value for name in (ID_CELL, CODE_CELL, YEAR_CELL)}
    filled = Filled(identity)
    _read_answers(book[ANSWERS], filled, _)
    _read_plan(book[PLAN], filled, _)
    return filled


def _open(data: bytes, _: Translate) -> Any:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as packed:
            if sum(item.file_size for item in packed.infolist()) > MAX_UNPACKED:
                raise Unreadable(_("Het werkboek is te groot om in te lezen."))
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Unreadable:
        raise
    except Exception:  # openpyxl and zipfile raise many kinds for a file that is not XLSX
        raise Unreadable(
            _("Dit is geen Excel-werkboek (.xlsx) dat de zelfscan kan lezen.")
        ) from None


def _rows(sheet: Any, width: int) -> Iterable[tuple[int, list[Any]]]:
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = [*values[:width], *([None] * (width - len(values)))]
        if any(v not in (None, "") for v in cells):
            yield number, cells


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _read_answers(sheet: Any, filled: Filled, _: Translate) -> None:
    for row, cells in _rows(sheet, len(ANSWER_COLUMNS)):
        question_id, code = _text(cells[0]), _text(cells[6]).lower()
        if not code:
            continue  # left empty: the answer stays as it is
        regional = _text(cells[7]).lower()
        if regional not in ("", YES, NO):
            filled.problems[cell_name(ANSWERS, 8, row)] = _("Vul 'ja' of 'nee' in.")
            continue
        explanation, evidence = _text(cells[8]), _text(cells[9])
        answer = Answer(code, regional == YES, explanation, evidence)
        filled.answers.append(AnswerLine(row, question_id, answer))


def _read_plan(sheet: Any, filled: Filled, _: Translate) -> None:
    for row, cells in _rows(sheet, len(PLAN_COLUMNS)):
        action_id, question_id = _text(cells[0]) or None, _text(cells[1]) or None
        try:
            due = _date(cells[4])
        except ValueError:
            filled.problems[cell_name(PLAN, 5, row)] = _("Geef een datum als 2026-07-01.")
            continue
        status = _text(cells[5]).lower() or ActionStatus.PLANNED.value
        if status not in ActionStatus.__members__.values():
            filled.problems[cell_name(PLAN, 6, row)] = _(
                "Kies gepland, bezig, gereed of vervallen."
            )
            continue
        draft = Draft(
            _text(cells[2]), _text(cells[3]), due, ActionStatus(status), _text(cells[6]),
            question_id,
        )  # fmt: skip
        filled.plan.append(PlanLine(row, action_id, draft))


def _date(value: Any) -> date | None:
    """A date cell: a date, None when empty; ValueError when it holds no date."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    typed = _text(value)
    try:
        return date.fromisoformat(typed)
    except ValueError:
        return _dutch_date(typed)


def _dutch_date(typed: str) -> date:
    """1-7-2026 or 01-07-2026."""
    day, month, year = typed.replace("/", "-").split("-")
    return date(int(year), int(month), int(day))
