"""The benchmark through the API, the exports and the dashboard: publications, on crafted data."""

from __future__ import annotations

import csv
import io
import json
import time

import pikepdf
import pyotp
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import select, update
from test_report import painted_content, reached_mcids, structure_elements

from assess.db.models import Assessment, Municipality
from assess.errors import InvalidInput
from assess.services import accounts, publications, second_factor
from assess.services import tokens as token_service

from conftest import SYSTEM, bearer, submit_quickly

YEAR = 2025
BASE = f"/api/v1/benchmarks/{YEAR}"
# Utrecht: twelve shared anonymously and one by name; Flevoland: two; Drenthe: one private.
TOTP_SECRET = "MFRGGZDFMZTWQ2LKMFRGGZDFMZTWQ2LK"  # the beheerder's authenticator app
UTRECHT_LEVELS = (0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3)


def submit(session, questionnaire, code, level, sharing="geanonimiseerd", year=YEAR):
    return submit_quickly(session, questionnaire, year, {code: str(level)}, sharing)[code]


def codes(session, province, n, skip=0):
    return session.scalars(
        select(Municipality.code)
        .filter_by(province=province)
        .order_by(Municipality.code)
        .offset(skip)
        .limit(n)
    ).all()


@pytest.fixture
def crafted(factory, questionnaire):
    with factory() as s, s.begin():
        utrecht = codes(s, "Utrecht", 13)
        for code, level in zip(utrecht, UTRECHT_LEVELS, strict=False):
            submit(s, questionnaire, code, level)
        submit(s, questionnaire, utrecht[12], 3, "benoemd")
        for code in codes(s, "Flevoland", 2):
            submit(s, questionnaire, code, 0)
        submit(s, questionnaire, codes(s, "Drenthe", 1)[0], 3, sharing="prive")


@pytest.fixture
def published(factory, crafted):
    with factory() as s, s.begin():
        publications.publish(s, SYSTEM, YEAR, 5)


def groups(body, dimension):
    return {
        g["groep"]: g
        for i in body["indelingen"]
        if i["indeling"] == dimension
        for g in i["groepen"]
    }


def total_figure(group):
    return next(c for c in group["cijfers"] if c["onderdeel"] == "totaal")


def test_nothing_is_served_before_the_first_publication(client, tokens, crafted):
    response = client.get(BASE, headers=bearer(tokens["analist"]))
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "nog niet gepubliceerd" in response.json()["detail"]


def test_a_beheerder_publishes_and_later_submissions_change_nothing(
    client, tokens, factory, crafted, questionnaire
):
    made = client.post(f"{BASE}/publicaties", headers=bearer(tokens["beheerder"]))
    assert made.status_code == 201, made.text
    assert made.json()["nummer"] == 1 and made.json()["deelnemers"] == "10–19"
    before = client.get(BASE, headers=bearer(tokens["analist"])).json()
    assert before["publicatie"] == 1 and before["gepubliceerdOp"] == made.json()["gepubliceerdOp"]
    with factory() as s, s.begin():
        submit(s, questionnaire, codes(s, "Drenthe", 1, skip=1)[0], 2)
    after = client.get(BASE, headers=bearer(tokens["analist"])).json()
    assert after == before
    listed = client.get(f"{BASE}/publicaties", headers=bearer(tokens["analist"])).json()
    assert [p["nummer"] for p in listed] == [1]


def test_only_a_beheerder_publishes(client, tokens, crafted):
    for who in ("analist", "medewerker"):
        response = client.post(f"{BASE}/publicaties", headers=bearer(tokens[who]))
        assert response.status_code == 403
    assert client.get(BASE, headers=bearer(tokens["analist"])).status_code == 404


def test_figures_match_hand_computed_ones(client, tokens, published):
    body = client.get(BASE, headers=bearer(tokens["analist"])).json()
    total = body["totaal"]
    assert total["n"] == "10–19"  # fifteen, as a band; the private one never counts
    # basis totals: 0, 50 x4, 100 x6 and 100 (Utrecht), 100 (named), 0, 0 (Flevoland)
    figure = total_figure(total)
    assert (figure["mediaan"], figure["kwartiel1"], figure["kwartiel3"]) == (100, 50, 100)
    assert figure["aandeelOpDoel"] == 55  # 8 of 15 = 53.3%, rounded to 5
    assert groups(body, "provincie")["Drenthe"]["n"] == "0"
    assert [b["naam"] for b in body["benoemd"]] and body["benoemd"][0]["totaalscore"] == 100


def test_a_small_province_cannot_be_recovered_from_the_total(client, tokens, published):
    body = client.get(BASE, params={"groep": "provincie"}, headers=bearer(tokens["analist"])).json()
    provinces = groups(body, "provincie")
    assert provinces["Flevoland"]["onderdrukt"] == "klein"
    assert provinces["Flevoland"]["cijfers"] == []
    # Flevoland alone would be the total minus Utrecht: Utrecht is withheld as well.
    assert provinces["Utrecht"]["onderdrukt"] == "aanvullend"
    assert provinces["Utrecht"]["cijfers"] == []
    assert [i["indeling"] for i in body["indelingen"]] == ["provincie"]


def test_exports_carry_the_same_figures(client, tokens, published):
    headers = bearer(tokens["beheerder"])
    response = client.get(f"{BASE}/export", params={"format": "csv"}, headers=headers)
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="benchmark-mensenhandel-2025.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    utrecht = [r for r in rows if r["indeling"] == "provincie" and r["groep"] == "Utrecht"]
    assert utrecht == [{**utrecht[0], "n": "10–19", "onderdrukt": "aanvullend", "mediaan": ""}]
    excel = client.get(f"{BASE}/export", params={"format": "csv-excel"}, headers=headers)
    assert (
        'filename="benchmark-mensenhandel-2025-excel.csv"' in (excel.headers["content-disposition"])
    )
    assert excel.content.startswith(b"\xef\xbb\xbfindeling;groep;n;") and b"\r\n" in excel.content
    as_excel = list(csv.DictReader(io.StringIO(excel.content.decode("utf-8-sig")), delimiter=";"))
    assert as_excel == rows  # the same figures, only separated for Dutch Excel
    book = load_workbook(
        io.BytesIO(client.get(f"{BASE}/export", params={"format": "xlsx"}, headers=headers).content)
    )
    assert book.sheetnames[:2] == ["Leesmij", "alle"]
    sheet = book["alle"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == sheet.dimensions
    header = [c.value for c in sheet[1]]
    share = sheet.cell(row=2, column=header.index("aandeelOpDoel") + 1)
    assert share.number_format == '0" %"'
    assert sheet.cell(row=2, column=header.index("mediaan") + 1).number_format == "General"
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert (first["n"], first["mediaan"], first["aandeelOpDoel"]) == ("10–19", 100, 55)
    provinces = {r[1].value: r for r in book["provincie"].iter_rows(min_row=2)}
    assert provinces["Flevoland"][3].value == "klein"
    data = json.loads(
        client.get(f"{BASE}/export", params={"format": "json"}, headers=headers).content
    )
    assert (data["jaar"], data["publicatie"], len(data["benoemd"])) == (YEAR, 1, 1)
    assert data["benoemd"][0]["totaalscore"] == 100  # a whole number, as on the dashboard


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/benchmarks/2019", 404),
        (f"{BASE}?groep=wijk", 400),
        (f"{BASE}?publicatie=0", 400),
        (f"{BASE}?publicatie=9", 404),
        (f"{BASE}/export?format=pdf", 400),
    ],
)
def test_bad_requests_are_clear_problems(client, tokens, published, path, status):
    response = client.get(path, headers=bearer(tokens["analist"]))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


@pytest.mark.parametrize("who", ["medewerker", "ander"])
def test_officers_get_403_on_the_benchmark(client, tokens, published, who):
    for path in (BASE, f"{BASE}/export?format=csv", f"{BASE}/publicaties"):
        assert client.get(path, headers=bearer(tokens[who])).status_code == 403


def test_a_publication_waits_for_enough_newcomers(
    client, tokens, factory, published, questionnaire
):
    headers = bearer(tokens["beheerder"])
    with factory() as s, s.begin():
        newcomers = codes(s, "Drenthe", 7, skip=1)
        for code in newcomers[:2]:
            submit(s, questionnaire, code, 2)
    refused = client.post(f"{BASE}/publicaties", headers=headers)
    assert refused.status_code == 409
    assert "minstens 5 bij zijn gekomen" in refused.json()["detail"]
    with factory() as s, s.begin():
        for code in newcomers[2:]:
            submit(s, questionnaire, code, 2)
    made = client.post(f"{BASE}/publicaties", headers=headers)
    assert made.status_code == 201 and made.json()["nummer"] == 2
    first = client.get(BASE, params={"publicatie": 1}, headers=headers).json()
    assert first["publicatie"] == 1 and first["totaal"]["n"] == "10–19"
    assert client.get(BASE, headers=headers).json()["totaal"]["n"] == "20–29"


def test_a_year_without_shared_submissions_cannot_be_published(client, tokens, crafted):
    response = client.post(
        "/api/v1/benchmarks/2024/publicaties", headers=bearer(tokens["beheerder"])
    )
    assert response.status_code == 409
    assert "geen ingediende, gedeelde" in response.json()["detail"]


def login(client, email, totp_secret=None):
    client.cookies.clear()
    page = BeautifulSoup(client.get("/inloggen").text, "html.parser")
    token = page.find("input", {"name": "_csrf_token"})["value"]
    client.post(
        "/inloggen",
        data={
            "email": email,
            "wachtwoord": "kraanvogel-lantaarn-7",
            "volgende": "/start",
            "_csrf_token": token,
        },
    )
    if totp_secret:
        code = pyotp.TOTP(totp_secret).now()
        client.post("/inloggen/code", data={"code": code, "_csrf_token": token})


def add_beheerder(session):
    """b@vng.nl, with the authenticator app set up (the code of now is left for signing in)."""
    boss = accounts.add_user(session, SYSTEM, "b@vng.nl", "beheerder", "kraanvogel-lantaarn-7")
    earlier = pyotp.TOTP(TOTP_SECRET).at(time.time() - 30)
    second_factor.enable(session, accounts.active_principal(session, boss.id), TOTP_SECRET, earlier)


def csrf(client, path):
    page = BeautifulSoup(client.get(path).text, "html.parser")
    return page.find("input", {"name": "_csrf_token"})["value"]


def test_dashboard_shows_the_publication_and_lets_a_beheerder_publish(client, factory, crafted):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "x@vng.nl", "analist", "kraanvogel-lantaarn-7")
        add_beheerder(s)
        accounts.add_user(s, SYSTEM, "y@zwolle.nl", "medewerker", "kraanvogel-lantaarn-7", "GM0193")
    login(client, "y@zwolle.nl")
    assert client.get("/benchmark").status_code == 403
    login(client, "x@vng.nl")
    empty = BeautifulSoup(client.get("/benchmark").text, "html.parser")
    assert "nog geen benchmark gepubliceerd" in empty.get_text()
    assert not empty.select("form.publish-form")  # an analyst does not publish
    login(client, "b@vng.nl", TOTP_SECRET)
    done = client.post(
        f"/benchmark/{YEAR}/publiceren",
        data={"_csrf_token": csrf(client, "/benchmark")},
        follow_redirects=False,
    )
    assert done.status_code == 303
    login(client, "x@vng.nl")
    page = BeautifulSoup(client.get(f"/benchmark?jaar={YEAR}").text, "html.parser")
    assert page.h1.get_text(strip=True) == f"Landelijke benchmark {YEAR}"
    assert "Publicatie 1, gepubliceerd op" in page.select_one("p.publicatie").get_text()
    rows = {
        r.th.get_text(strip=True): r.get_text(" ", strip=True)
        for r in page.select("table[data-indeling=provincie] tbody tr")
    }
    assert "niet getoond" in rows["Flevoland"] and "niet getoond" in rows["Utrecht"]
    [named] = page.select("ul.named li a")
    assert client.get(named["href"]).status_code == 200  # the analyst opens the named one
    assert [a["href"] for a in page.select(".in-page-nav a")] == [
        f"#{s['aria-labelledby']}" for s in page.select("main section")
    ]
    first = page.select_one("#tabel-vragen tbody th")
    assert first.select_one(".question-id").get_text() == "A1"
    assert first.select_one(".question-text[lang=nl]").get_text().strip()
    download = client.get(f"/benchmark/{YEAR}/export/xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_a_publication_without_changes_is_refused_on_the_dashboard(client, factory, crafted):
    with factory() as s, s.begin():
        add_beheerder(s)
        publications.publish(s, SYSTEM, YEAR, 5)
    login(client, "b@vng.nl", TOTP_SECRET)
    refused = client.post(
        f"/benchmark/{YEAR}/publiceren", data={"_csrf_token": csrf(client, "/benchmark")}
    )
    assert refused.status_code == 409
    page = BeautifulSoup(refused.text, "html.parser")
    assert "niets veranderd" in page.select_one("[role=alert]").get_text()


def test_regional_coordinator_sees_only_groups_inside_the_region(client, factory, questionnaire):
    with factory() as s, s.begin():
        oost = s.scalars(
            select(Municipality.code)
            .filter_by(riec="Oost-Nederland")
            .order_by(Municipality.code)
            .limit(12)
        ).all()
        for code in oost:
            submit(s, questionnaire, code, 2)
        for code in codes(s, "Noord-Holland", 10):
            submit(s, questionnaire, code, 1)
        publications.publish(s, SYSTEM, YEAR, 5)
        accounts.add_user(
            s, SYSTEM, "r@riec.nl", "regio", "kraanvogel-lantaarn-7", region="Oost-Nederland"
        )
        token = token_service.create(s, SYSTEM, owner_email="r@riec.nl")
    body = client.get(BASE, headers=bearer(token)).json()
    assert body["totaal"]["groep"] == "Oost-Nederland" and body["totaal"]["n"] == "10–19"
    dimensions = {i["indeling"] for i in body["indelingen"]}
    assert dimensions == {"grootteklasse", "provincie", "veiligheidsregio"}
    assert groups(body, "grootteklasse") == {}  # size classes span the country
    assert set(groups(body, "provincie")) == {"Gelderland", "Overijssel"}
    assert body["antwoordverdeling"] == [] and body["benoemd"] == []


def test_a_regional_coordinator_needs_a_known_region(session):
    with pytest.raises(InvalidInput) as caught:
        accounts.add_user(
            session, SYSTEM, "r@x.nl", "regio", "kraanvogel-lantaarn-7", region="Atlantis"
        )
    assert "regio" in caught.value.invalid_params


def test_national_report_pdf_carries_the_suppression(factory, published):
    from pypdf import PdfReader

    from assess.services.reports import national_pdf

    with factory() as s:
        pdf = national_pdf(s, SYSTEM, YEAR)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert f"Landelijke benchmark {YEAR}" in text
    assert "Flevoland minder dan 5 niet getoond: minder dan 5 geanonimiseerde" in text
    assert "Utrecht 10–19 niet getoond: onderdrukt zodat geen gemeente" in text
    assert "Inhoud Samenvatting" in text and "De mediaan van de basisscore is" in text
    assert "zelf gerapporteerd door gemeenten, niet getoetst" in text
    assert "Demodata" not in text  # real (test) submissions, nothing synthetic
    with pikepdf.open(io.BytesIO(pdf)) as tagged:  # PDF/UA: as in the municipal report
        tree = tagged.Root.StructTreeRoot
        assert [e for e in structure_elements(tree.K) if e.S == pikepdf.Name.TOC]
        reached = reached_mcids(tree)
        for _, page, _, marks in painted_content(tagged):
            mcid = next((m for _, m in reversed(marks) if m is not None), None)
            assert any(t == "/Artifact" for t, _ in marks) or (page, mcid) in reached
    with factory() as s, s.begin():
        s.execute(update(Assessment).where(Assessment.year == YEAR).values(synthetic=True))
    with factory() as s:
        demo = PdfReader(io.BytesIO(national_pdf(s, SYSTEM, YEAR))).pages[0].extract_text()
    assert "Demodata: deze benchmark rust (ook) op synthetische" in " ".join(demo.split())
