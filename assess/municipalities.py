"""Register of gemeenten: CSV in, validated rows and peer-group attributes out."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import msgspec

REGISTER_2025 = Path(__file__).parent / "data" / "gemeenten-2025.csv"
REQUIRED_COLUMNS = ("gemeentecode", "naam", "provincie", "inwoners", "inwonersjaar")
OPTIONAL_COLUMNS = ("veiligheidsregio", "riec", "voorgangers")
CODE = r"^GM[0-9]{4}$"

# CBS size classes by population (upper bound exclusive), smallest first.
SIZE_CLASSES = (
    (10_000, "< 10.000"),
    (20_000, "10.000 - 20.000"),
    (50_000, "20.000 - 50.000"),
    (100_000, "50.000 - 100.000"),
    (150_000, "100.000 - 150.000"),
    (250_000, "150.000 - 250.000"),
    (None, ">= 250.000"),
)


class RegisterRow(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    gemeentecode: Annotated[str, msgspec.Meta(pattern=CODE)]
    naam: Annotated[str, msgspec.Meta(min_length=1)]
    provincie: Annotated[str, msgspec.Meta(min_length=1)]
    inwoners: Annotated[int, msgspec.Meta(gt=0)] | None = None
    inwonersjaar: Annotated[int, msgspec.Meta(ge=1900, le=2100)] | None = None
    veiligheidsregio: str | None = None
    riec: str | None = None
    voorgangers: str | None = None  # codes this gemeente replaces, separated by ';'

    @property
    def predecessors(self) -> list[str]:
        return [c.strip() for c in (self.voorgangers or "").split(";") if c.strip()]


@dataclass(frozen=True)
class RegisterError:
    line: int
    message: str


class RegisterInvalid(Exception):
    def __init__(self, errors: list[RegisterError]):
        super().__init__(f"{len(errors)} fout(en) in het register")
        self.errors = errors


def size_class(population: int | None) -> str | None:
    if population is None:
        return None
    return next(label for bound, label in SIZE_CLASSES if bound is None or population < bound)


def parse_register(text: str) -> list[RegisterRow]:
    """Validate every row; raise RegisterInvalid listing each bad line."""
    text = text.removeprefix("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if missing or unknown:
        parts = [f"kolom ontbreekt: {', '.join(missing)}"] if missing else []
        parts += [f"onbekende kolom: {', '.join(unknown)}"] if unknown else []
        raise RegisterInvalid([RegisterError(1, "; ".join(parts))])
    rows: list[RegisterRow] = []
    errors: list[RegisterError] = []
    first_line: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if None in record or any(v is None for v in record.values()):
            errors.append(RegisterError(line, "aantal velden klopt niet met de kopregel"))
            continue
        values = {k: (v.strip() or None) for k, v in record.items()}
        try:
            row = msgspec.convert(values, RegisterRow, strict=False)
        except msgspec.ValidationError as exc:
            errors.append(RegisterError(line, _dutch(str(exc))))
            continue
        if row.gemeentecode in first_line:
            errors.append(
                RegisterError(
                    line, f"{row.gemeentecode} staat ook op regel {first_line[row.gemeentecode]}"
                )
            )
        if (row.inwoners is None) != (row.inwonersjaar is None):
            errors.append(RegisterError(line, "inwoners en inwonersjaar horen samen"))
        bad = [c for c in row.predecessors if not re.match(CODE, c)]
        if bad:
            errors.append(RegisterError(line, f"ongeldige voorganger: {', '.join(bad)}"))
        first_line.setdefault(row.gemeentecode, line)
        rows.append(row)
    if not rows and not errors:
        errors.append(RegisterError(1, "het bestand bevat geen gemeenten"))
    if errors:
        raise RegisterInvalid(errors)
    return rows


def _dutch(message: str) -> str:
    field = re.search(r"`\$\.(\w+)`", message)
    name = field.group(1) if field else "waarde"
    if "gemeentecode" in name:
        return "gemeentecode moet GM gevolgd door vier cijfers zijn"
    if "missing required field" in message:
        return f"verplicht veld ontbreekt: {message.rsplit('`', 2)[-2]}"
    return f"ongeldige waarde in kolom {name}"


def file_slug(name: str, code: str) -> str:
    """A gemeente's name for a file name: ASCII, lower case ('s-Hertogenbosch: s-hertogenbosch)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-") or code.lower()
