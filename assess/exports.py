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
from assess.framework.national import Cell, YearBenchmark
from assess.framework.vocabulary import Grouping


class ExportFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    JSON = "json"


FORMATS = {
    ExportFormat.CSV: "text/csv",
    ExportFormat.JSON: "application/json",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = (
    "indeling",
    "groep",
    "n",
    "onderdrukt",
    "onderdeel",
    "sleutel",
    "n_score",
    "mediaan",
    "kwartiel_1",
    "kwartiel_3",
    "aandeel_op_doel",
)
DEFINITIONS = (
    ("indeling", "alle, grootteklasse, provincie, riec of veiligheidsregio"),
    ("groep", "de groep binnen de indeling, zoals een provincie"),
    ("n", "aantal ingediende, gedeelde zelfevaluaties in de groep ('prive' telt nooit mee)"),
    (
        "onderdrukt",
        "leeg: gepubliceerd; 'klein': minder dan de minimale groepsgrootte; "
        "'aanvullend': ook onderdrukt zodat een kleine groep niet terug te rekenen is",
    ),
    ("onderdeel", "totaal (de basisscore), domein, pijler (basisscore) of verdieping"),
    ("sleutel", "totaal, domeincode (A-F) of pijler (regie, zorg, signalering, handhaving)"),
    ("n_score", "aantal zelfevaluaties met een score op dit onderdeel"),
    (
        "mediaan",
        "mediaan van de scores (0-100); basis: 100 = elke basisvraag op niveau 2; "
        + "verdieping: 100 = overal niveau 3",
    ),
    ("kwartiel_1", "eerste kwartiel (inclusieve methode)"),
    ("kwartiel_3", "derde kwartiel (inclusieve methode)"),
    (
        "aandeel_op_doel",
        "aandeel zelfevaluaties met score 100 (0-1); bij totaal: het aandeel dat het "
        + "basisniveau heeft bereikt",
    ),
)


def rows(benchmark: YearBenchmark) -> list[dict[str, Any]]:
    """One row per group and score; suppressed groups keep their n and no figures."""
    result: list[dict[str, Any]] = []
    cells = [(Grouping.ALL.value, benchmark.picture.total)]
    cells += [(b.dimension, c) for b in benchmark.picture.breakdowns for c in b.cells]
    for dimension, cell in cells:
        result += _cell_rows(dimension, cell)
    return result


def _cell_rows(dimension: str, cell: Cell) -> list[dict[str, Any]]:
    base = {
        "indeling": dimension,
        "groep": cell.group,
        "n": cell.n,
        "onderdrukt": cell.suppressed or "",
    }
    if not cell.figures:
        return [{**base, **dict.fromkeys(COLUMNS[4:], None)}]
    return [
        {
            **base,
            "onderdeel": scope,
            "sleutel": key,
            "n_score": f.n,
            "mediaan": round(f.median, 1),
            "kwartiel_1": round(f.q1, 1),
            "kwartiel_3": round(f.q3, 1),
            "aandeel_op_doel": round(f.at_target, 3),
        }
        for (scope, key), f in sorted(cell.figures.items(), key=lambda item: _order(item[0]))
    ]


def _order(key: tuple[str, str]) -> tuple[int, str]:
    return ({"totaal": 0, "domein": 1, "pijler": 2, "verdieping": 3}.get(key[0], 4), key[1])


def to_csv(benchmark: YearBenchmark) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows(benchmark))
    return out.getvalue().encode("utf-8")


def to_json(benchmark: YearBenchmark) -> bytes:
    return msgspec.json.encode(
        {
            "jaar": benchmark.year,
            "minimaleGroepsgrootte": benchmark.picture.min_group_size,
            "gemeentenInRegister": benchmark.municipalities,
            "rijen": rows(benchmark),
            "antwoordverdeling": benchmark.distribution,
            "benoemd": [
                {"gemeentecode": n.code, "naam": n.name, "totaalscore": n.total}
                for n in benchmark.named
            ],
        }
    )


def to_xlsx(benchmark: YearBenchmark) -> bytes:
    book = Workbook()
    readme = book.active
    readme.title = "Leesmij"
    _readme(readme, benchmark)
    everything = rows(benchmark)
    for dimension in Grouping:
        _table(
            book.create_sheet(dimension),
            COLUMNS,
            [[r[c] for c in COLUMNS] for r in everything if r["indeling"] == dimension],
        )
    if benchmark.distribution:
        codes = list(ANSWER_CODES)
        _table(
            book.create_sheet("antwoordverdeling"),
            ("vraag", *codes),
            [
                [q, *(shares.get(c, 0.0) for c in codes)]
                for q, shares in sorted(benchmark.distribution.items())
            ],
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _readme(sheet: Any, benchmark: YearBenchmark) -> None:
    lines = [
        (f"Landelijke benchmark Zelfscan mensenhandel {benchmark.year}", None),
        ("Minimale groepsgrootte", benchmark.picture.min_group_size),
        ("Gemeenten in het register", benchmark.municipalities),
        ("Ingediende, gedeelde zelfevaluaties", benchmark.picture.total.n),
        (None, None),
        ("Kolom", "Betekenis"),
        *DEFINITIONS,
    ]
    for line in lines:
        sheet.append(list(line))
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A6"].font = sheet["B6"].font = Font(bold=True)
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 100


def _table(sheet: Any, header: tuple[str, ...], body: list[list[Any]]) -> None:
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in body:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(header, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = max(12, len(name) + 2)


WRITERS = {ExportFormat.CSV: to_csv, ExportFormat.JSON: to_json, ExportFormat.XLSX: to_xlsx}
