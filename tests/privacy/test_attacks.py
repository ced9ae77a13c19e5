"""The attacker of attacker.py against worlds whose truth we know: every published output is
read back and attacked; no gemeente may be singled out, pinned or have its answers known.

Each scenario is one of the leaks of the first release. The last test turns the protection off
and shows that the same attacker then succeeds, so the attacks are not empty.
"""

from __future__ import annotations

import csv
import io
import json
import random
from dataclasses import dataclass, field

import msgspec
import pytest
from attacker import (
    Figure,
    Knowledge,
    Shares,
    attack,
    from_comparison,
    from_dashboard,
    from_pdf_text,
    from_rows,
    from_tables,
    shares_from_dashboard,
    shares_from_tables,
)
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select, update

from assess.access import Sharing
from assess.db.models import Assessment
from assess.errors import Conflict
from assess.framework.answers import ANSWER_CODES
from assess.framework.vocabulary import PeerGroup
from assess.services import accounts, answering, comparison, publications, questionnaires, register
from assess.services import tokens as token_service
from assess.services.reports import national_pdf
from assess.web.schemas.results import comparison_of

from conftest import SYSTEM, bearer, officer, submit_quickly

pytestmark = pytest.mark.slow

YEAR = 2024
BASE = f"/api/v1/benchmarks/{YEAR}"
PASSWORD = "kraanvogel-lantaarn-7"


@dataclass
class World:
    """A year of submissions and publications, and everything published about it."""

    factory: object
    client: object
    questionnaire: object
    tokens: dict[str, str]
    pdf: bool
    regional_tokens: dict[str, str] = field(default_factory=dict)
    figures: list[Figure] = field(default_factory=list)
    shares: list[Shares] = field(default_factory=list)
    ids: dict[str, object] = field(default_factory=dict)

    def submit(self, codes, profile="mixed", sharing="geanonimiseerd", version=None):
        with self.factory() as s, s.begin():
            answers = {code: self.answers(code, profile) for code in codes}
            made = submit_quickly(s, self.questionnaire, YEAR, answers, sharing)
            self.ids |= made
            if version is not None:
                row = questionnaires.version_row(s, version.id, version.versie)
                s.execute(
                    update(Assessment)
                    .where(Assessment.id.in_(made.values()))
                    .values(questionnaire_version_id=row.id)
                )

    def answers(self, code, profile):
        if profile != "mixed":
            return profile
        rng = random.Random(code)
        codes = ("0", "1", "2", "2", "3", "onbekend")
        return {q.id: rng.choice(codes) for q in self.questionnaire.questions()}

    def publish(self, *, refused=False):
        with self.factory() as s, s.begin():
            if refused:
                with pytest.raises(Conflict):
                    publications.publish(s, SYSTEM, YEAR, 5)
                return
            publications.publish(s, SYSTEM, YEAR, 5)
        self.read_comparisons()

    def withdraw(self, code):
        with self.factory() as s, s.begin():
            answering.withdraw(s, SYSTEM, code, YEAR)

    def knowledge(self) -> Knowledge:
        with self.factory() as s:
            groups = {
                g.code: {d.value: g.group_value(d) for d in register.GROUP_COLUMNS}
                for g in register.gemeenten(s)
            }
            snapshots = publications.snapshots(s, YEAR)
        return Knowledge(
            groups=groups,
            participants={
                x.publication.number: {c.code: c.named for c in x.contributors} for x in snapshots
            },
            named_scores={
                x.publication.number: {c.code: c.scores for c in x.contributors if c.named}
                for x in snapshots
            },
            named_answers={
                x.publication.number: {c.code: c.answers for c in x.contributors if c.named}
                for x in snapshots
            },
        )

    def read_comparisons(self):
        """What every participating officer sees now (and could keep)."""
        knowledge = self.knowledge()
        latest = max(knowledge.participants)
        with self.factory() as s:
            for code in knowledge.participants[latest]:
                for group in PeerGroup:
                    peer = comparison.peer_comparison(s, officer(code), self.ids[code], group, 5)
                    body = msgspec.json.decode(msgspec.json.encode(comparison_of(peer, 5)))
                    self.figures += from_comparison(body, code, knowledge, latest)

    def read_everything(self) -> Knowledge:
        knowledge = self.knowledge()
        analyst = bearer(self.tokens["analist"])
        for number in sorted(knowledge.participants):
            params = {"publicatie": number}
            body = self.client.get(BASE, params=params, headers=analyst).json()
            api = from_tables(body, "api")
            self.figures += api
            self.shares += shares_from_tables(body, "api")
            for fmt in ("csv", "xlsx", "json"):
                exported = self.export(fmt, number)
                assert set(map(strip_source, exported)) == set(map(strip_source, api)), fmt
                self.figures += exported
            for region, token in self.regions().items():
                view = self.client.get(BASE, params=params, headers=bearer(token)).json()
                assert view["totaal"]["groep"] == region
                self.figures += from_tables(view, f"regio:{region}", total_dimension="riec")
            self.read_dashboard(number, api)
        if self.pdf:
            self.read_pdf(max(knowledge.participants))
        return knowledge

    def export(self, fmt, number):
        response = self.client.get(
            f"{BASE}/export",
            params={"format": fmt, "publicatie": number},
            headers=bearer(self.tokens["analist"]),
        )
        assert response.status_code == 200, response.text
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(response.text)))
        elif fmt == "json":
            rows = json.loads(response.content)["rijen"]
        else:
            book = load_workbook(io.BytesIO(response.content))
            rows = []
            for sheet in book.worksheets[1:]:
                header = [c.value for c in sheet[1]]
                if "onderdeel" in header:
                    rows += [
                        dict(zip(header, r, strict=True))
                        for r in sheet.iter_rows(min_row=2, values_only=True)
                    ]
        return from_rows(rows, fmt, number)

    def regions(self) -> dict[str, str]:
        """A coordinator's token for every RIEC region."""
        if not self.regional_tokens:
            with self.factory() as s, s.begin():
                for i, region in enumerate(register.riec_regions(s)):
                    email = f"regio-{i}@riec.test"
                    accounts.add_user(s, SYSTEM, email, "regio", PASSWORD, region=region)
                    self.regional_tokens[region] = token_service.create(
                        s, SYSTEM, owner_email=email
                    )
        return self.regional_tokens

    def read_dashboard(self, number, api):
        page = self.client.get("/benchmark", params={"jaar": YEAR, "publicatie": number})
        assert page.status_code == 200, page.text[:500]
        soup = BeautifulSoup(page.text, "html.parser")
        shown = from_dashboard(soup, number, self.labels(), "dashboard")
        assert set(map(strip_source, shown)) <= set(map(strip_source, api))
        assert shown  # the parser reads the tables
        self.figures += shown
        self.shares += shares_from_dashboard(soup, number, list(ANSWER_CODES), "dashboard")

    def read_pdf(self, number):
        with self.factory() as s:
            pdf = national_pdf(s, SYSTEM, YEAR, number)
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
        shown = from_pdf_text(text, number)
        breakdown_totals = {
            strip_source(f)
            for f in self.figures
            if f.source == "api"
            and f.publication == number
            and f.dimension != "alle"
            and f.key == "totaal/totaal"
        }
        assert {strip_source(f) for f in shown} == breakdown_totals  # every row read back
        self.figures += shown

    def labels(self) -> dict[str, str]:
        names = {"Basisniveau": "totaal/totaal", "Verdieping": "verdieping/totaal"}
        names |= {f"{d.code}. {d.titel}": f"domein/{d.code}" for d in self.questionnaire.domeinen}
        names |= {label: f"pijler/{key}" for key, label in PILLAR_LABELS.items()}
        return names

    def attack(self):
        knowledge = self.read_everything()
        sources = {f.source.split(":")[0] for f in self.figures}
        expected = {"api", "csv", "xlsx", "json", "dashboard", "vergelijking"}
        assert expected | ({"pdf"} if self.pdf else set()) <= sources  # every output is read
        assert {s.source for s in self.shares} == {"api", "dashboard"}
        return attack(self.figures, self.shares, knowledge)


PILLAR_LABELS = {}


def strip_source(f: Figure) -> tuple:
    return (f.publication, f.dimension, f.group, f.key, f.median, f.q1, f.q3, f.at_target)


@pytest.fixture
def world(factory, client, tokens, questionnaire):
    from assess import labels

    PILLAR_LABELS.update({str(k): v for k, v in labels.PILLARS.items()})
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "kijker@vng.nl", "analist", PASSWORD)
    login(client, "kijker@vng.nl")
    pdf = factory.kw["bind"].dialect.name == "sqlite"  # the same HTML on both backends
    return World(factory, client, questionnaire, dict(tokens), pdf)


def login(client, email):
    page = BeautifulSoup(client.get("/inloggen").text, "html.parser")
    token = page.find("input", {"name": "_csrf_token"})["value"]
    client.post(
        "/inloggen",
        data={"email": email, "wachtwoord": PASSWORD, "volgende": "/start", "_csrf_token": token},
    )


def in_group(world, column, value, n, skip=0):
    with world.factory() as s:
        codes = s.scalars(
            select(register.GROUP_COLUMNS[column].class_.code)
            .where(register.GROUP_COLUMNS[column] == value)
            .order_by(register.GROUP_COLUMNS[column].class_.code)
        ).all()
    return list(codes[skip : skip + n])


# --- the scenarios ------------------------------------------------------------------------------


def test_nested_safety_region_riec_and_province(world):
    """Hilversum alone in Gooi en Vechtstreek; RIEC Midden-Nederland is Utrecht's five and
    Hilversum; Groningen's five are the same set as province and RIEC Noord-Nederland."""
    from assess.framework.vocabulary import Grouping as G

    world.submit(["GM0402"])  # Hilversum
    world.submit(in_group(world, G.SAFETY_REGION, "Utrecht", 5))
    world.submit(in_group(world, G.SAFETY_REGION, "Groningen", 5))
    world.submit(in_group(world, G.SAFETY_REGION, "Kennemerland", 8))
    world.submit(in_group(world, G.SAFETY_REGION, "Zaanstreek-Waterland", 6))
    world.publish()
    assert world.attack() == []
    assert any(f.source == "regio:Noord-Holland" for f in world.figures)


def test_a_joiner_and_a_leaver_between_publications(world):
    from assess.framework.vocabulary import Grouping as G

    world.submit(in_group(world, G.PROVINCE, "Gelderland", 14))
    world.submit(in_group(world, G.PROVINCE, "Zeeland", 6))
    world.publish()
    world.submit(in_group(world, G.PROVINCE, "Zeeland", 1, skip=6))  # one joins
    world.publish(refused=True)
    world.submit(in_group(world, G.PROVINCE, "Limburg", 4))  # five since the first
    world.publish()
    world.withdraw(in_group(world, G.PROVINCE, "Gelderland", 1)[0])  # one leaves
    world.publish(refused=True)
    assert world.attack() == []


def test_a_group_named_but_for_one(world):
    from assess.framework.vocabulary import Grouping as G

    drenthe = in_group(world, G.PROVINCE, "Drenthe", 6)
    world.submit(drenthe[:5], sharing="benoemd")
    world.submit(drenthe[5:])
    world.submit(in_group(world, G.PROVINCE, "Noord-Brabant", 15))
    world.publish()
    assert world.attack() == []


def test_groups_of_exactly_k(world):
    from assess.framework.vocabulary import Grouping as G

    for province in ("Friesland", "Overijssel", "Flevoland"):
        world.submit(in_group(world, G.PROVINCE, province, 5))
    world.submit(in_group(world, G.PROVINCE, "Zuid-Holland", 5), profile="2")  # all at target
    world.publish()
    assert world.attack() == []


def test_two_questionnaire_versions_in_one_year(world, questionnaires_shipped):
    from assess.framework.vocabulary import Grouping as G

    older = questionnaires_shipped[0]
    world.submit(in_group(world, G.PROVINCE, "Utrecht", 6), version=older)
    world.submit(in_group(world, G.PROVINCE, "Utrecht", 8, skip=6))
    world.submit(in_group(world, G.PROVINCE, "Groningen", 3))
    world.publish()
    with world.factory() as s:
        [tables] = [x.publication for x in publications.snapshots(s, YEAR)]
    assert tables.version == questionnaires_shipped[-1].versie  # one population
    assert world.attack() == []


def test_an_officer_cannot_step_in_and_out_of_a_group(world):
    from assess.framework.vocabulary import Grouping as G

    overijssel = in_group(world, G.PROVINCE, "Overijssel", 11)
    world.submit(overijssel)
    world.submit(in_group(world, G.PROVINCE, "Gelderland", 5))
    world.publish()
    response = world.client.put(
        f"/api/v1/zelfevaluaties/{world.ids[overijssel[0]]}/deling",
        json={"deling": "prive"},
        headers=bearer(world.tokens["beheerder"]),
    )
    assert response.status_code in (403, 404)  # not even a beheerder through the API
    with world.factory() as s, s.begin(), pytest.raises(Conflict):
        answering.set_sharing(s, officer(overijssel[0]), world.ids[overijssel[0]], Sharing.PRIVATE)
    assert world.attack() == []


def test_the_attacker_breaks_an_unprotected_publication(world, monkeypatch):
    """The same attacks find the first release's leak when the joint control is off."""
    from assess.framework import publication
    from assess.framework.disclosure import Protection
    from assess.framework.vocabulary import Grouping as G

    monkeypatch.setattr(
        publication, "protect", lambda items, k: Protection(frozenset(), frozenset())
    )
    world.submit(["GM0402"])  # Hilversum
    world.submit(in_group(world, G.SAFETY_REGION, "Utrecht", 5))
    world.submit(in_group(world, G.SAFETY_REGION, "Kennemerland", 12))
    world.publish()
    found = world.attack()
    assert any(b.gemeenten == {"GM0402"} for b in found), found
