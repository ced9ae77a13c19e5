"""The national benchmark through the API, the exports and the dashboard, on crafted data."""

from __future__ import annotations

import csv
import io
import json

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from sqlalchemy import select

from assess.access import Sharing
from assess.db.models import Municipality
from assess.errors import InvalidInput
from assess.framework.answers import Answer
from assess.services import accounts, answering, assessments
from assess.services import tokens as token_service

from conftest import SYSTEM, bearer

YEAR = 2025
BASE = f"/api/v1/benchmarks/{YEAR}"


def submit(session, questionnaire, code, level, sharing="geanonimiseerd"):
    item = answering.start(session, SYSTEM, code, YEAR)
    for q in questionnaire.questions():
        answering.save_answer(session, SYSTEM, item.id, q.id, Answer(str(level)))
    answering.submit(session, SYSTEM, item.id, Sharing(sharing))


@pytest.fixture
def crafted(factory, questionnaire):
    """Utrecht province: 6 assessments; Flevoland: 2 (too few); 1 private in Drenthe."""
    with factory() as s, s.begin():

        def codes(province, n):
            return s.scalars(
                select(Municipality.code)
                .filter_by(province=province)
                .order_by(Municipality.code)
                .limit(n)
            ).all()

        for code, level in zip(codes("Utrecht", 6), (0, 1, 1, 2, 2, 3), strict=True):
            submit(s, questionnaire, code, level, "benoemd" if level == 3 else "geanonimiseerd")
        for code in codes("Flevoland", 2):
            submit(s, questionnaire, code, 0)
        submit(s, questionnaire, codes("Drenthe", 1)[0], 3, sharing="prive")


def groups(body, dimension):
    return {
        g["groep"]: g
        for i in body["indelingen"]
        if i["indeling"] == dimension
        for g in i["groepen"]
    }


def test_aggregates_match_hand_computed_figures(client, tokens, crafted):
    body = client.get(BASE, headers=bearer(tokens["analist"])).json()
    total = body["totaal"]
    assert total["n"] == 8  # the private one never counts
    figure = next(c for c in total["cijfers"] if c["onderdeel"] == "totaal")
    # totals: 0, 50, 50, 100, 100, 100 (Utrecht) and 0, 0 (Flevoland)
    assert (figure["mediaan"], figure["kwartiel1"], figure["kwartiel3"]) == (50, 0, 100)
    assert figure["aandeelOpDoel"] == 0.375
    assert groups(body, "provincie")["Drenthe"]["n"] == 0
    riec = groups(body, "riec")["Midden-Nederland"]  # Utrecht and Flevoland together
    assert (riec["n"], riec["onderdrukt"]) == (8, None)
    assert next(c for c in riec["cijfers"] if c["onderdeel"] == "totaal")["mediaan"] == 50


def test_a_small_province_cannot_be_recovered_from_the_total(client, tokens, crafted):
    body = client.get(BASE, params={"groep": "provincie"}, headers=bearer(tokens["analist"])).json()
    provinces = groups(body, "provincie")
    assert provinces["Flevoland"]["onderdrukt"] == "klein"
    assert provinces["Flevoland"]["cijfers"] == []
    # Flevoland alone would be total minus Utrecht: Utrecht is suppressed as well.
    assert provinces["Utrecht"]["onderdrukt"] == "aanvullend"
    assert provinces["Utrecht"]["cijfers"] == []
    assert [i["indeling"] for i in body["indelingen"]] == ["provincie"]


def test_exports_carry_the_same_suppression(client, tokens, crafted):
    headers = bearer(tokens["beheerder"])
    response = client.get(f"{BASE}/export", params={"format": "csv"}, headers=headers)
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="benchmark-mensenhandel-2025.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    utrecht = [r for r in rows if r["indeling"] == "provincie" and r["groep"] == "Utrecht"]
    assert utrecht == [{**utrecht[0], "n": "6", "onderdrukt": "aanvullend", "mediaan": ""}]
    book = load_workbook(
        io.BytesIO(client.get(f"{BASE}/export", params={"format": "xlsx"}, headers=headers).content)
    )
    assert book.sheetnames[:2] == ["Leesmij", "alle"]
    sheet = book["alle"]
    assert sheet.freeze_panes == "A2"
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert first["n"] == 8 and first["mediaan"] == 50 and first["aandeel_op_doel"] == 0.375
    provinces = {r[1].value: r for r in book["provincie"].iter_rows(min_row=2)}
    assert provinces["Flevoland"][3].value == "klein"
    data = json.loads(
        client.get(f"{BASE}/export", params={"format": "json"}, headers=headers).content
    )
    assert data["jaar"] == YEAR and len(data["benoemd"]) == 1
    assert data["benoemd"][0]["totaalscore"] == 100


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/benchmarks/2019", 404),
        (f"{BASE}?groep=wijk", 400),
        (f"{BASE}/export?format=pdf", 400),
    ],
)
def test_bad_requests_are_clear_problems(client, tokens, crafted, path, status):
    response = client.get(path, headers=bearer(tokens["analist"]))
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["detail"]


@pytest.mark.parametrize("who", ["medewerker", "ander"])
def test_officers_get_403_on_the_benchmark(client, tokens, crafted, who):
    for path in (BASE, f"{BASE}/export?format=csv"):
        assert client.get(path, headers=bearer(tokens[who])).status_code == 403


def test_dashboard_for_analysts_only(client, factory, crafted):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "x@vng.nl", "analist", "wachtwoord-123")
        accounts.add_user(s, SYSTEM, "y@zwolle.nl", "medewerker", "wachtwoord-123", "GM0193")

    def login(email):
        client.cookies.clear()
        page = BeautifulSoup(client.get("/inloggen").text, "html.parser")
        token = page.find("input", {"name": "_csrf_token"})["value"]
        client.post(
            "/inloggen",
            data={
                "email": email,
                "wachtwoord": "wachtwoord-123",
                "volgende": "/start",
                "_csrf_token": token,
            },
        )

    login("y@zwolle.nl")
    assert client.get("/benchmark").status_code == 403
    login("x@vng.nl")
    page = BeautifulSoup(client.get(f"/benchmark?jaar={YEAR}").text, "html.parser")
    assert page.h1.get_text(strip=True) == f"Landelijke benchmark {YEAR}"
    rows = {
        r.th.get_text(strip=True): r.get_text(" ", strip=True)
        for r in page.select("table[data-indeling=provincie] tbody tr")
    }
    assert "niet getoond" in rows["Flevoland"] and "niet getoond" in rows["Utrecht"]
    assert [li.get_text(" ", strip=True) for li in page.select("ul.named li")] == [
        next(t for t in [li.get_text(" ", strip=True) for li in page.select("ul.named li")])
    ]
    empty = client.get("/benchmark?jaar=2019")
    assert empty.status_code == 404 and "geen ingediende, gedeelde" in empty.text
    download = client.get(f"/benchmark/{YEAR}/export/xlsx")
    assert download.status_code == 200 and download.content[:2] == b"PK"


def test_regional_coordinator_sees_only_the_region(client, factory, questionnaire):
    with factory() as s, s.begin():
        oost = s.scalars(
            select(Municipality.code)
            .filter_by(riec="Oost-Nederland")
            .order_by(Municipality.code)
            .limit(5)
        ).all()
        for code in oost:
            submit(s, questionnaire, code, 2, "benoemd")
        submit(s, questionnaire, "GM0363", 1, "benoemd")  # Amsterdam: another region
        accounts.add_user(
            s, SYSTEM, "r@riec.nl", "regio", "wachtwoord-123", region="Oost-Nederland"
        )
        token = token_service.create(s, SYSTEM, owner_email="r@riec.nl")
        ids = {
            code: assessments.of_gemeente(s, SYSTEM, code)[0][0].id for code in (oost[0], "GM0363")
        }
    body = client.get(BASE, headers=bearer(token)).json()
    assert body["totaal"]["n"] == 5
    assert set(groups(body, "riec")) == {"Oost-Nederland"}
    assert (
        client.get(f"/api/v1/zelfevaluaties/{ids[oost[0]]}", headers=bearer(token)).status_code
        == 200
    )
    foreign = client.get(f"/api/v1/zelfevaluaties/{ids['GM0363']}", headers=bearer(token))
    assert foreign.status_code == 404 and "GM0363" not in foreign.text
    assert (
        client.get("/api/v1/gemeenten/GM0363/zelfevaluaties", headers=bearer(token)).status_code
        == 404
    )


def test_a_regional_coordinator_needs_a_known_region(session):
    with pytest.raises(InvalidInput) as caught:
        accounts.add_user(session, SYSTEM, "r@x.nl", "regio", "wachtwoord-123", region="Atlantis")
    assert "regio" in caught.value.invalid_params


def test_national_report_pdf_carries_the_suppression(factory, crafted):
    from pypdf import PdfReader

    from assess.services.reports import national_pdf

    with factory() as s:
        pdf = national_pdf(s, SYSTEM, YEAR, 5)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    text = " ".join(text.split())
    assert f"Landelijke benchmark {YEAR}" in text
    assert "Flevoland 2 niet getoond: minder dan 5 zelfevaluaties" in text
    assert "Utrecht 6 niet getoond: onderdrukt zodat een kleine groep niet terug te rekenen is" in (
        text
    )
