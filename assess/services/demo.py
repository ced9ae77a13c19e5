"""Demo set-up: register, questionnaires, one user per role and synthetic assessments.

Every synthetic assessment carries `synthetic=True` and is shown as demo data. The figures are
generated, not measured: larger municipalities start higher and everyone improves a little
each year, so that comparisons and trends have something to show.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from assess.access import Principal, Role, Sharing
from assess.db.models import Answer, Assessment, AssessmentScore, Municipality, User
from assess.framework import answers as rules
from assess.framework.loader import parse_questionnaire
from assess.framework.schema import Plateau, Question, Questionnaire
from assess.framework.scoring import score, scored_groups
from assess.framework.vocabulary import Status
from assess.i18n import _
from assess.municipalities import REGISTER_2025, SIZE_CLASSES, parse_register
from assess.services import accounts, audit, publications, questionnaires, register
from assess.services.guards import require_administrator

QUESTIONNAIRES = Path(__file__).parents[2] / "questionnaires"  # shipped beside assess/
DEMO_MUNICIPALITY = "GM0193"  # Zwolle: every peer group of it has enough members
DEMO_REGION = "Oost-Nederland"  # Zwolle's RIEC region, for the demo regio coordinator
NOT_APPLICABLE_NOTE = "Demodata: in deze (fictieve) situatie niet van toepassing."
PARTICIPATION = 0.9
BASE_LEVEL = dict(
    zip((label for _, label in SIZE_CLASSES), (0.9, 1.1, 1.3, 1.6, 1.8, 2.0, 2.3), strict=True)
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    role: Role
    password: str
    municipality: str | None = None
    region: str | None = None


DEMO_USERS = (
    DemoUser(
        "medewerker@demo.zelfscan.nl", Role.MEDEWERKER, "tulp-fiets-medewerker", DEMO_MUNICIPALITY
    ),
    DemoUser("analist@demo.zelfscan.nl", Role.ANALIST, "tulp-fiets-analist"),
    DemoUser("regio@demo.zelfscan.nl", Role.REGIO, "tulp-fiets-regio", region=DEMO_REGION),
    DemoUser("beheerder@demo.zelfscan.nl", Role.BEHEERDER, "tulp-fiets-beheerder"),
)


def questionnaire_files() -> list[Path]:
    return sorted(QUESTIONNAIRES.glob("*.yaml"))


def prepare(session: Session, who: Principal, this_year: int, min_group_size: int) -> int:
    """Load everything the demo needs, once, and publish the demo years' benchmark; returns
    the number of assessments generated."""
    require_administrator(who, _("Alleen een beheerder zet de demo op."))
    if session.scalar(select(Municipality.code).limit(1)) is None:
        rows = parse_register(REGISTER_2025.read_text(encoding="utf-8"))
        register.load(session, who, rows, date(2025, 1, 1))
    known: list[Questionnaire] = []
    for path in questionnaire_files():
        questionnaire = parse_questionnaire(path.read_text(encoding="utf-8"), known)
        questionnaires.store(session, who, questionnaire)
        known.append(questionnaire)
    for user in DEMO_USERS:
        if session.scalar(select(User.id).filter_by(email=user.email)) is None:
            accounts.add_user(
                session, who, user.email, user.role, user.password, user.municipality, user.region
            )
    if session.scalar(select(Assessment.id).filter_by(synthetic=True).limit(1)) is not None:
        return 0
    years = range(this_year - 2, this_year + 1)
    generated = generate(session, who, years)
    for year in years:
        publications.publish(session, who, year, min_group_size)
    return generated


def generate(
    session: Session,
    who: Principal,
    years: range,
    seed: int = 2026,
    participation: float = PARTICIPATION,
) -> int:
    """Synthetic submitted assessments for every gemeente and year, inserted in bulk."""
    require_administrator(who, _("Alleen een beheerder maakt demodata."))
    version = questionnaires.version_row(session)
    questionnaire = questionnaires.definition_of(version)
    difficulty = _difficulties(questionnaire, random.Random(seed))
    assessments: list[dict[str, object]] = []
    answers: list[dict[str, Any]] = []
    scores: list[dict[str, Any]] = []
    for gemeente in register.gemeenten(session):
        rng = random.Random(f"{seed}-{gemeente.code}")
        effect = rng.gauss(0, 0.4)
        for index, year in enumerate(years):
            skip = gemeente.code == DEMO_MUNICIPALITY and year == years[-1]
            if skip or rng.random() > participation:
                continue
            assessment_id = uuid.uuid4()
            submitted = datetime(year, 10, 1, 9, tzinfo=UTC) + timedelta(days=rng.randrange(50))
            assessments.append(
                _assessment_row(assessment_id, gemeente, year, version.id, submitted, rng)
            )
            capability = BASE_LEVEL.get(gemeente.size_class or "", 1.3) + effect + 0.3 * index
            small = (gemeente.population or 0) < 50_000
            rows = [
                _answer_row(
                    assessment_id,
                    q,
                    capability + difficulty[q.id] + rng.gauss(0, 0.6),
                    small,
                    submitted,
                    rng,
                )
                for q in questionnaire.questions()
            ]
            answers += rows
            given = {r["question_id"]: rules.Answer(r["code"], r["regional"]) for r in rows}
            scores += [
                {
                    "assessment_id": assessment_id,
                    "scope": scope,
                    "key": group.key,
                    "score": value,
                    "coverage": group.coverage,
                }
                for scope, group, value in scored_groups(score(questionnaire, given))
            ]
    if assessments:
        session.execute(insert(Assessment), assessments)
        session.execute(insert(Answer), answers)
        session.execute(insert(AssessmentScore), scores)
    audit.record(session, who, "demo.generate", "demo", "synthetisch", aantal=len(assessments))
    return len(assessments)


def _difficulties(questionnaire: Questionnaire, rng: random.Random) -> dict[str, float]:
    return {
        q.id: rng.gauss(0, 0.4) - (0.5 if q.plateau == Plateau.VERDIEPING else 0.0)
        for q in questionnaire.questions()
    }


def _assessment_row(
    assessment_id: uuid.UUID,
    gemeente: register.Gemeente,
    year: int,
    version_id: int,
    submitted: datetime,
    rng: random.Random,
) -> dict[str, object]:
    shares = (Sharing.ANONYMISED, Sharing.NAMED, Sharing.PRIVATE)
    sharing = rng.choices(shares, weights=(70, 25, 5))[0].value
    return {
        "id": assessment_id,
        "municipality_code": gemeente.code,
        "year": year,
        "questionnaire_version_id": version_id,
        "status": Status.SUBMITTED.value,
        "sharing": sharing,
        "synthetic": True,
        "version": 1,
        "created_at": submitted - timedelta(days=30),
        "updated_at": submitted,
        "submitted_at": submitted,
    }


def _answer_row(
    assessment_id: uuid.UUID,
    question: Question,
    level: float,
    small: bool,
    submitted: datetime,
    rng: random.Random,
) -> dict[str, Any]:
    code, regional, note = str(max(0, min(3, round(level)))), False, ""
    draw = rng.random()
    if question.nvt_toegestaan and draw < 0.05:
        code, note = "nvt", NOT_APPLICABLE_NOTE
    elif draw > 0.96:
        code = "onbekend"
    elif question.regionaal_toegestaan and small and rng.random() < 0.5:
        regional = True
    return {
        "assessment_id": assessment_id,
        "question_id": question.id,
        "code": code,
        "regional": regional,
        "explanation": note,
        "evidence": "",
        "prefilled": False,
        "updated_at": submitted,
    }
