"""The national benchmark as CSV, JSON and XLSX. Every export carries the same suppression."""

from __future__ import annotations

import csv
import io
from enum import StrEnum
from typing import Any

import msgspec
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from assess.framework.answers import ANSWER_CODES
from assess.framework.publication import Cell, Publication
from assess.framework.vocabulary import Grouping


class ExportFormat(StrEnum):
    CSV = "csv"  # commas, for scripts and most tools
    CSV_EXCEL = "csv-excel"  # semicolons and a byte-order mark: opens in columns in Dutch Excel
    XLSX = "xlsx"
    JSON = "json"


FORMATS = {
    ExportFormat.CSV: "text/csv",
    ExportFormat.CSV_EXCEL: "text/csv",
    ExportFormat.JSON: "application/json",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FILE_ENDINGS = {ExportFormat.CSV_EXCEL: "-excel.csv"}  # otherwise "." and the format
PERCENT = '0" %"'  # whole percentages as Dutch readers write them (35 %)
COLUMNS = (
    "indeling",
    "groep",
    "n",
    "onderdrukt",
    "onderdeel",
    "sleutel",
    "nScore",
    "mediaan",
    "kwartiel1",
    "kwartiel3",
    "aandeelOpDoel",
)
DEFINITIONS = (
    ("indeling", "alle, grootteklasse, provincie, riec of veiligheidsregio"),
    ("groep", "de groep binnen de indeling, zoals een provincie"),
    (
        "n",
        "aantal ingediende, gedeelde zelfevaluaties in de groep, als band (zoals 10–19): een "
        "exact aantal zou gemeenten herkenbaar maken. 'prive' telt nooit mee",
    ),
    (
        "onderdrukt",
        "leeg: gepubliceerd; 'klein': minder dan de minimale groepsgrootte aan geanonimiseerde "
        "zelfevaluaties; 'aanvullend': onderdrukt zodat geen gemeente uit andere cijfers terug "
        "te rekenen is",
    ),
    ("onderdeel", "totaal (de basisscore), domein, pijler (basisscore) of verdieping"),
    ("sleutel", "totaal, domeincode of pijler (regie, zorg, signalering, handhaving)"),
    ("nScore", "aantal zelfevaluaties met een score op dit onderdeel, als band"),
    (
        "mediaan",
        "mediaan van de scores (0-100, hele punten); basis: 100 = elke basisvraag op niveau 2; "
        "verdieping: 100 = overal niveau 3. Leeg bij minder dan twee keer de minimale "
        "groepsgrootte",
    ),
    ("kwartiel1", "eerste kwartiel (inclusieve methode, hele punten)"),
    ("kwartiel3", "derde kwartiel (inclusieve methode, hele punten)"),
    (
        "aandeelOpDoel",
        "percentage zelfevaluaties met score 100, afgerond op 5; bij totaal: het aandeel dat het "
        "basisniveau heeft bereikt. Leeg waar het te weinig gemeenten zou betreffen",
    ),
)


def rows(publication: Publication) -> list[dict[str, Any]]:
    """One row per group and score; suppressed groups keep their n and no figures."""
    result: list[dict[str, Any]] = []
    for dimension, cell in publication.cells():
        result += _cell_rows(dimension, cell)
    return result


def _cell_rows(dimension: str, cell: Cell) -> list[dict[str, Any]]:
    base = {
        "indeling": str(dimension),
        "groep": cell.group,
        "n": cell.n,
        "onderdrukt": cell.suppressed or "",
    }
    if not cell.figures:
        return [{**base, **dict.fromkeys(COLUMNS[4:], None)}]
    return [
        {
            **base,
            "onderdeel": f.scope,
            "sleutel": f.key,
            "nScore": f.n,
            "mediaan": f.median,
            "kwartiel1": f.q1,
            "kwartiel3": f.q3,
            "aandeelOpDoel": f.at_target,
        }
        for f in cell.figures
    ]


def to_csv(publication: Publication) -> bytes:
    return _csv(publication, delimiter=",", lineterminator="\n", encoding="utf-8")


def to_excel_csv(publication: Publication) -> bytes:
    """Dutch Excel splits on semicolons and reads UTF-8 only after a byte-order mark."""
    return _csv(publication, delimiter=";", lineterminator="\r\n", encoding="utf-8-sig")


def _csv(publication: Publication, delimiter: str, lineterminator: str, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=COLUMNS, delimiter=delimiter, lineterminator=lineterminator
    )
    writer.writeheader()
    writer.writerows(rows(publication))
    return out.getvalue().encode(encoding)


def to_json(publication: Publication) -> bytes:
    return msgspec.json.encode(
        {
            "jaar": publication.year,
            "publicatie": publication.number,
            "gepubliceerdOp": publication.published_at,
            "minimaleGroepsgrootte": publication.min_group_size,
            "vragenlijstversie": publication.version,
            "gemeentenInRegister": publication.municipalities,
            "rijen": rows(publication),
            "antwoordverdeling": {q.question: q.shares for q in publication.distribution},
            "benoemd": [
                {
                    "gemeentecode": n.code,
                    "naam": n.name,
                    "totaalscore": round(n.total) if n.total is not None else None,
                }
                for n in publication.named
            ],
        }
    )


def to_xlsx(publication: Publication) -> bytes:
    book = Workbook()
    readme = book.active
    readme.title = "Leesmij"
    _readme(readme, publication)
    everything = rows(publication)
    for dimension in Grouping:
        _table(
            book.create_sheet(dimension),
            COLUMNS,
            [[r[c] for c in COLUMNS] for r in everything if r["indeling"] == dimension],
            percent_from=COLUMNS.index("aandeelOpDoel"),
        )
    if publication.distribution:
        codes = list(ANSWER_CODES)
        _table(
            book.create_sheet("antwoordverdeling"),
            ("vraag", *codes),
            [
                [q.question, *((q.shares or {}).get(c) for c in codes)]
                for q in publication.distribution
            ],
            percent_from=1,
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _readme(sheet: Any, publication: Publication) -> None:
    lines = [
        (f"Benchmark Zelfscan mensenhandel {publication.year}", None),
        (
            "Publicatie",
            f"{publication.number}, gepubliceerd op {publication.published_at:%Y-%m-%d %H:%M} UTC",
        ),
        ("Vragenlijstversie", publication.version),
        ("Minimale groepsgrootte", publication.min_group_size),
        ("Gemeenten in het register", publication.municipalities),
        ("Ingediende, gedeelde zelfevaluaties", publication.total.n),
        (None, None),
        ("Kolom", "Betekenis"),
        *DEFINITIONS,
    ]
    for line in lines:
        sheet.append(list(line))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A8"].font = sheet["B8"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 100


def _table(sheet: Any, header: tuple[str, ...], body: list[list[Any]], percent_from: int) -> None:
    """A sheet with a bold, frozen header row and filters; columns from `percent_from` on
    hold whole percentages."""
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
    for column in sheet.iter_cols(min_col=percent_from + 1, min_row=2):
        for cell in column:
            cell.number_format = PERCENT
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)


WRITERS = {
    ExportFormat.CSV: to_csv,
    ExportFormat.CSV_EXCEL: to_excel_csv,
    ExportFormat.JSON: to_json,
    ExportFormat.XLSX: to_xlsx,
}
