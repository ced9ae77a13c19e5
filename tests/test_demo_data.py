"""The synthetic demo data: labelled, plausible, varied by size class, improving over time."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean

from sqlalchemy import select

from assess.db.models import Assessment, User
from assess.services import assessments, demo, register

from conftest import SYSTEM


def test_demo_prepare_generates_labelled_submitted_assessments(session):
    generated = demo.prepare(session, SYSTEM, 2026, 5)
    items = session.scalars(select(Assessment)).all()
    assert generated == len(items) > 0.8 * 342 * 3
    assert all(a.synthetic and a.status == "ingediend" for a in items)
    assert {a.year for a in items} == {2024, 2025, 2026}
    own = {a.year for a in items if a.municipality_code == demo.DEMO_MUNICIPALITY}
    assert 2026 not in own  # the demo officer can start this year's assessment
    roles = set(session.scalars(select(User.role)))
    assert roles == {"medewerker", "analist", "regio", "beheerder"}  # one per role
    assert demo.prepare(session, SYSTEM, 2026, 5) == 0  # a second run reuses the data

    size = {m.code: m.size_class for m in register.gemeenten(session)}
    totals: dict[tuple[str, int], list[float]] = defaultdict(list)
    for item in items[::3]:
        analysis = assessments.get(session, SYSTEM, item.id).analysis()
        assert analysis.open_questions == []
        totals[(size[item.municipality_code], item.year)].append(analysis.scores.total.score)
    assert mean(totals[(">= 250.000", 2024)] or [100]) >= mean(totals[("< 10.000", 2024)] or [0])
    by_year = {
        year: mean(s for (_, y), scores in totals.items() if y == year for s in scores)
        for year in (2024, 2026)
    }
    assert by_year[2026] > by_year[2024]
