"""The register: parsing, size classes, and mergers in a later register version."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from assess.db.models import Assessment, Municipality
from assess.errors import InvalidInput
from assess.municipalities import REGISTER_2025, RegisterInvalid, parse_register, size_class
from assess.services import answering, register

from conftest import SYSTEM, officer

HEADER = "gemeentecode,naam,provincie,inwoners,inwonersjaar,veiligheidsregio,riec"


def test_shipped_register_has_342_complete_rows():
    rows = parse_register(REGISTER_2025.read_text(encoding="utf-8"))
    assert len(rows) == 342
    assert sum(r.inwoners for r in rows) == 18_044_027
    amsterdam = next(r for r in rows if r.gemeentecode == "GM0363")
    assert (amsterdam.naam, amsterdam.riec, amsterdam.inwoners) == (
        "Amsterdam",
        "Amsterdam-Amstelland",
        934_526,
    )
    assert next(r for r in rows if r.gemeentecode == "GM1900").naam == "Súdwest-Fryslân"


@pytest.mark.parametrize(
    ("population", "label"),
    [
        (971, "< 10.000"),
        (9_999, "< 10.000"),
        (10_000, "10.000 - 20.000"),
        (49_999, "20.000 - 50.000"),
        (149_999, "100.000 - 150.000"),
        (250_000, ">= 250.000"),
        (None, None),
    ],
)
def test_size_class_boundaries(population, label):
    assert size_class(population) == label


def test_every_bad_line_is_reported():
    text = "\n".join(
        [
            HEADER,
            "GM0001,Een,Utrecht,100,2025,Utrecht,Midden-Nederland",
            "GM02,Twee,Utrecht,100,2025,Utrecht,Midden-Nederland",
            "GM0003,Drie,Utrecht,-5,2025,Utrecht,Midden-Nederland",
            "GM0001,Vier,Utrecht,100,2025,Utrecht,Midden-Nederland",
            "GM0005,Vijf,Utrecht,100",
        ]
    )
    with pytest.raises(RegisterInvalid) as caught:
        parse_register(text)
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (3, "gemeentecode moet GM gevolgd door vier cijfers zijn"),
        (4, "ongeldige waarde in kolom inwoners"),
        (5, "GM0001 staat ook op regel 2"),
        (6, "aantal velden klopt niet met de kopregel"),
    ]


def test_unknown_column_is_rejected():
    with pytest.raises(RegisterInvalid) as caught:
        parse_register("gemeentecode,naam,provincie,inwoners,inwonersjaar,postcode\n")
    assert caught.value.errors[0].message == "onbekende kolom: postcode"


def test_merger_ends_old_codes_and_keeps_their_assessments(session):
    rows = parse_register(REGISTER_2025.read_text(encoding="utf-8"))
    old = answering.start(session, officer("GM0047"), "GM0047", 2025)  # Veendam
    merged = [r for r in rows if r.gemeentecode not in ("GM0037", "GM0047")]
    new = parse_register(
        f"{HEADER},voorgangers\nGM9999,Veenkanaal,Groningen,59725,2027,Groningen,Noord-Nederland,"
        "GM0037;GM0047\n"
    )
    result = register.load(session, SYSTEM, merged + new, date(2027, 1, 1))
    assert (result.added, result.ended) == (1, 2)
    veendam = session.get(Municipality, "GM0047")
    assert (veendam.valid_to, veendam.successor_code) == (date(2026, 12, 31), "GM9999")
    assert session.get(Municipality, "GM9999").size_class == "50.000 - 100.000"
    assert session.scalar(select(Assessment.municipality_code).filter_by(id=old.id)) == "GM0047"
    assert "GM0047" not in {m.code for m in register.gemeenten(session)}
    assert "GM0047" in {m.code for m in register.gemeenten(session, include_ended=True)}


def test_a_register_that_silently_drops_a_gemeente_is_refused(session):
    rows = parse_register(REGISTER_2025.read_text(encoding="utf-8"))
    with pytest.raises(InvalidInput) as caught:
        register.load(session, SYSTEM, rows[1:], date(2027, 1, 1))
    assert "GM0014" in caught.value.invalid_params
    assert session.get(Municipality, "GM0014").valid_to is None


def test_reloading_the_same_register_changes_nothing(session):
    rows = parse_register(REGISTER_2025.read_text(encoding="utf-8"))
    result = register.load(session, SYSTEM, rows, date(2025, 1, 1))
    assert (result.added, result.updated, result.ended) == (0, 342, 0)
