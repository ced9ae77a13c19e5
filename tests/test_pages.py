"""The officer's pages through the real app, checked on their parsed HTML."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from assess.framework.answers import Answer
from assess.framework.throttle import PER_ACCOUNT
from assess.services import accounts, answering, answers, assessments

from conftest import OTHER, OWN, SYSTEM, submit_quickly

YEAR = datetime.now(UTC).year
PASSWORD = "kraanvogel-lantaarn-7"


def html(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


def csrf(client, path="/inloggen") -> str:
    return html(client.get(path)).find("input", {"name": "_csrf_token"})["value"]


def login(client, email, password=PASSWORD):
    return client.post(
        "/inloggen",
        data={
            "email": email,
            "wachtwoord": password,
            "volgende": "/start",
            "_csrf_token": csrf(client),
        },
        follow_redirects=False,
    )


@pytest.fixture
def users(factory):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "m@zwolle.nl", "medewerker", PASSWORD, OWN)
        accounts.add_user(s, SYSTEM, "m@deventer.nl", "medewerker", PASSWORD, OTHER)
        accounts.add_user(s, SYSTEM, "a@vng.nl", "analist", PASSWORD)


@pytest.fixture
def officer(client, users):
    assert login(client, "m@zwolle.nl").status_code == 303
    return client


def post(client, path, data, **kwargs):
    return client.post(path, data={**data, "_csrf_token": csrf(client, "/account")}, **kwargs)


def start(client) -> str:
    response = post(client, "/zelfevaluaties", {}, follow_redirects=False)
    assert response.status_code == 303
    return re.search(r"/zelfevaluaties/([0-9a-f-]{36})/", response.headers["location"]).group(1)


def test_pages_need_a_login_and_come_back_after_it(client, users):
    response = client.get("/start", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/inloggen?volgende=/start"


def test_wrong_login_never_says_whether_the_email_exists(client, users):
    known = html(login(client, "m@zwolle.nl", "fout"))
    unknown = html(login(client, "niemand@zwolle.nl", "fout"))
    message = "Deze combinatie van e-mailadres en wachtwoord kennen we niet."
    for page in (known, unknown):
        link = page.select_one("#foutoverzicht[autofocus] [role=alert] li a")
        assert link.get_text(strip=True) == message and link["href"] == "#email"
        assert page.title.get_text().startswith("Fout: Inloggen")
    assert known.find("input", {"name": "email"})["value"] == "m@zwolle.nl"


def test_failed_logins_are_rate_limited(client, users):
    for _ in range(PER_ACCOUNT.failures):
        login(client, "m@zwolle.nl", "fout")
    blocked = login(client, "m@zwolle.nl", PASSWORD)
    assert blocked.status_code == 429
    assert "Probeer het over 1 minuut opnieuw" in blocked.text
    assert 0 < int(blocked.headers["retry-after"]) <= 60


def test_forms_without_csrf_token_are_refused(client, users):
    response = client.post("/inloggen", data={"email": "m@zwolle.nl", "wachtwoord": PASSWORD})
    assert response.status_code == 403


def test_session_cookie_is_httponly_and_samesite(client, users):
    response = login(client, "m@zwolle.nl")
    cookie = next(
        v
        for k, v in response.headers.multi_items()
        if k == "set-cookie" and v.startswith("zelfscan_sessie")
    )
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")


def test_start_page_shows_the_gemeente_and_starts_this_year(officer):
    page = html(officer.get("/start"))
    assert "Zwolle" in page.h1.get_text()
    assert page.find("button", string=re.compile(f"Start de zelfevaluatie {YEAR}"))
    item = start(officer)
    page = html(officer.get("/start"))
    assert page.find("button", string=re.compile("Start de zelfevaluatie")) is None
    row = page.select("table tbody tr")[0]
    assert row.th.get_text(strip=True) == str(YEAR)
    assert f"/zelfevaluaties/{item}/domein/A" in str(row)


def test_domain_page_has_every_question_with_its_levels(officer, questionnaire):
    item = start(officer)
    page = html(officer.get(f"/zelfevaluaties/{item}/domein/D"))
    domain = next(d for d in questionnaire.domeinen if d.code == "D")
    fieldsets = page.select("fieldset.question")
    assert [f["data-vraag"] for f in fieldsets] == [q.id for q in domain.vragen]
    for fieldset, question in zip(fieldsets, domain.vragen, strict=True):
        values = [r["value"] for r in fieldset.select("input[type=radio]")]
        expected = ["0", "1", "2", "3", *(["nvt"] if question.nvt_toegestaan else []), "onbekend"]
        assert values == expected
        assert bool(fieldset.select("input[type=checkbox]")) == question.regionaal_toegestaan
        assert question.uitleg in fieldset.get_text(" ", strip=True)
        labels = [label.get_text(" ", strip=True) for label in fieldset.select("label")]
        assert any(question.niveaus[2] in label for label in labels)
        sources = questionnaire.sources_of(question)
        listed = [li.get_text(" ", strip=True) for li in fieldset.select("details.sources li")]
        assert len(listed) == len(sources)
        assert all(s.titel in li for s, li in zip(sources, listed, strict=True))
        links = {a["href"] for a in fieldset.select("details.sources a")}
        assert links == {s.url for s in sources if s.url} | {questionnaire.handbook().url}
        guidance = fieldset.select_one("details.sources").get_text(" ", strip=True)
        assert f"Oppakken met: {question.met_wie}" in guidance
    current = page.select_one("[aria-current=page]")
    assert current.get_text(" ", strip=True).startswith("D.")


def test_plain_form_post_saves_and_keeps_typed_text_on_errors(officer, factory, questionnaire):
    item = start(officer)
    allowed = next(q for q in questionnaire.questions() if q.nvt_toegestaan)
    path = f"/zelfevaluaties/{item}/domein/{allowed.id[0]}"
    bad = post(
        officer,
        path,
        {
            f"antwoord-{allowed.id}": "nvt",
            f"bewijs-{allowed.id}": "notitie",
            "ga_naar": "",
        },
    )
    assert bad.status_code == 400
    fieldset = html(bad).select_one(f"#vraag-{allowed.id}")
    assert fieldset.select_one(".utrecht-form-field-error-message").get_text(strip=True) == (
        "Licht toe waarom deze vraag niet van toepassing is."
    )
    assert fieldset.find("input", {"name": f"bewijs-{allowed.id}"})["value"] == "notitie"
    assert fieldset.find("input", {"value": "nvt"}).has_attr("checked")
    summary = html(bad).select_one("main #foutoverzicht")
    assert "Niet opgeslagen" in summary.h2.get_text()
    [link] = summary.select("li a")
    assert link["href"] == f"#toelichting-{allowed.id}"
    assert html(bad).select_one(link["href"]).name == "textarea"  # the link leads to the field
    assert link.get_text().startswith(f"{allowed.id}: Licht toe")
    assert html(bad).title.get_text().startswith("Fout: ")
    with factory() as s:
        assert assessments.get(s, SYSTEM, item).answers == {}
    good = post(
        officer,
        path,
        {
            f"antwoord-{allowed.id}": "nvt",
            "ga_naar": "",
            f"toelichting-{allowed.id}": "Geen seksbranche in de gemeente.",
        },
    )
    assert good.status_code == 200
    assert "Uw antwoorden zijn opgeslagen." in good.text
    with factory() as s:
        saved = assessments.get(s, SYSTEM, item).answer_values()
    assert saved == {allowed.id: Answer("nvt", False, "Geen seksbranche in de gemeente.", "")}


def test_a_colleagues_answer_on_the_same_question_is_shown_and_the_input_kept(officer):
    item = start(officer)
    path = f"/zelfevaluaties/{item}/domein/A"
    # a colleague saves A1 and A2 while this page shows both unanswered (version 0)
    post(officer, path, {"antwoord-A1": "1", "antwoord-A2": "2", "ga_naar": ""})
    stale = post(
        officer,
        path,
        {
            "antwoord-A1": "3",
            "toelichting-A1": "mijn tekst",
            "versie-A1": "0",
            "antwoord-A2": "2",
            "versie-A2": "0",
            "ga_naar": "",
        },
    )
    assert stale.status_code == 409
    page = html(stale)
    clash = page.select_one("#botsing-A1")
    assert "anders beantwoord: 1 In ontwikkeling" in clash.get_text(" ", strip=True)
    assert page.select_one("#botsing-A2") is None  # the same answer is no clash
    assert page.find("textarea", {"name": "toelichting-A1"}).get_text() == "mijn tekst"
    assert page.find("input", {"id": "antwoord-A1-3"}).has_attr("checked")
    assert page.find("input", {"name": "versie-A1"})["value"] == "1"  # saving again keeps mine
    kept = post(
        officer,
        path,
        {"antwoord-A1": "3", "toelichting-A1": "mijn tekst", "versie-A1": "1", "ga_naar": ""},
    )
    assert kept.status_code == 200 and "Uw antwoorden zijn opgeslagen." in kept.text


def test_autosave_saves_one_answer_and_shows_a_colleagues_answer(officer):
    item = start(officer)
    url = f"/zelfevaluaties/{item}/vraag/A2"
    token = csrf(officer, "/account")
    headers = {"x-csrftoken": token}
    ok = officer.post(url, data={"antwoord-A2": "2", "versie-A2": "0"}, headers=headers)
    assert ok.status_code == 200 and ok.json() | {"totaal": 0} == {
        "versie": 1,
        "beantwoord": 1,
        "totaal": 0,
    }
    other = officer.post(
        f"/zelfevaluaties/{item}/vraag/A3",
        data={"antwoord-A3": "1", "versie-A3": "0"},
        headers=headers,
    )
    assert other.status_code == 200  # another question: never a conflict
    stale = officer.post(url, data={"antwoord-A2": "3", "versie-A2": "0"}, headers=headers)
    assert stale.status_code == 412
    body = stale.json()
    assert body["versie"] == 1 and body["huidig"]["code"] == "2" and body["melding"]
    invalid = officer.post(
        url, data={"toelichting-A2": "zonder antwoord", "versie-A2": "1"}, headers=headers
    )
    assert invalid.status_code == 400 and "antwoord" in invalid.json()["fouten"]


def test_another_gemeentes_assessment_is_a_404_page(client, users, factory):
    with factory() as s, s.begin():
        foreign = answering.start(s, SYSTEM, OTHER, YEAR).id
    login(client, "m@zwolle.nl")
    for path in ("domein/A", "indienen", "resultaten"):
        response = client.get(f"/zelfevaluaties/{foreign}/{path}")
        assert response.status_code == 404
        assert "text/html" in response.headers["content-type"]
        assert "Deventer" not in response.text


def test_review_lists_open_questions_and_submit_freezes(officer, factory, questionnaire):
    item = start(officer)
    page = html(officer.get(f"/zelfevaluaties/{item}/indienen"))
    links = [a["href"] for a in page.select(".open-questions a")]
    assert len(links) == len(questionnaire.questions())
    assert links[0] == f"/zelfevaluaties/{item}/domein/A#vraag-A1"
    assert page.find("button", string="Verder naar indienen").has_attr("disabled")
    with factory() as s, s.begin():
        for q in questionnaire.questions():
            answers.save(s, SYSTEM, item, q.id, Answer("2"))
    page = html(officer.get(f"/zelfevaluaties/{item}/indienen"))
    assert [i["value"] for i in page.select("input[name=deling]")] == [
        "prive",
        "geanonimiseerd",
        "benoemd",
    ]
    assert not page.select("input[name=deling][checked]")  # privacy by default: no choice made
    unchosen = post(officer, f"/zelfevaluaties/{item}/indienen", {})
    assert unchosen.status_code == 400 and not html(unchosen).select("input[name=deling][checked]")
    with factory() as s:
        assert assessments.get(s, SYSTEM, item).status == "concept"
    review = html(officer.get(f"/zelfevaluaties/{item}/indienen"))
    rows = review.select(".summary-list__row")
    assert len(rows) == len(questionnaire.questions())  # every answer, by domain
    first = review.select_one("#antwoord-A1")
    assert "2 Basis" in first.select_one(".summary-list__value").get_text()
    assert first.select_one(".summary-list__actions a")["href"] == (
        f"/zelfevaluaties/{item}/domein/A#vraag-A1"
    )
    asked = post(officer, f"/zelfevaluaties/{item}/indienen", {"deling": "benoemd"})
    assert asked.status_code == 200
    confirm = html(asked)
    assert confirm.h1.get_text() == "Bevestig het indienen"
    assert "regiocoördinator" in confirm.select_one(".summary-list").get_text()
    assert confirm.select_one("input[name=bevestigd]")["value"] == "ja"
    with factory() as s:
        assert assessments.get(s, SYSTEM, item).status == "concept"  # not yet
    done = post(
        officer,
        f"/zelfevaluaties/{item}/indienen",
        {"deling": "benoemd", "bevestigd": "ja"},
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/zelfevaluaties/{item}/ingediend"
    submitted = html(officer.get(done.headers["location"]))
    assert submitted.select_one(".confirmation-panel h1").get_text() == "Zelfevaluatie ingediend"
    assert submitted.select_one(f"a[href='/zelfevaluaties/{item}/resultaten']")
    again = post(
        officer,
        f"/zelfevaluaties/{item}/indienen",
        {"deling": "prive", "bevestigd": "ja"},
        follow_redirects=False,
    )
    assert again.status_code == 303  # a double submit is harmless
    with factory() as s:
        stored = assessments.get(s, SYSTEM, item)
        assert (stored.status, stored.sharing) == ("ingediend", "benoemd")
    review = html(officer.get(f"/zelfevaluaties/{item}/indienen"))
    assert "Ingediend op" in review.get_text() and "m@zwolle.nl" in review.get_text()
    assert len(review.select(".summary-list__row")) == len(questionnaire.questions())
    assert not review.select(".summary-list__actions")  # nothing to change any more
    domain = html(officer.get(f"/zelfevaluaties/{item}/domein/A"))
    assert all(r.has_attr("disabled") for r in domain.select("input[type=radio]"))


def test_results_show_charts_with_text_alternatives_gaps_and_comparison(
    officer, factory, questionnaire
):
    item = start(officer)
    with factory() as s, s.begin():
        for q in questionnaire.questions():
            answers.save(s, SYSTEM, item, q.id, Answer("2"))
        answers.save(s, SYSTEM, item, "A1", Answer("0"))
        answers.save(s, SYSTEM, item, "B3", Answer("onbekend"))
    page = html(officer.get(f"/zelfevaluaties/{item}/resultaten"))
    for svg in page.select("svg.chart-svg"):
        assert svg["role"] == "img" and svg.title.get_text() and svg.desc.get_text()
    domains = [r.th.get_text(strip=True) for r in page.select("#tabel-domeinen tbody tr")]
    assert domains == [f"{d.code}. {d.titel}" for d in questionnaire.domeinen]
    gaps = [li["id"] for li in page.select("li.gap")]
    assert gaps == ["tekort-A1"]  # 'weet ik niet' is no gap: it is to find out
    assert [li["id"] for li in page.select("ul.unknowns li")] == ["uitzoeken-B3"]
    assert questionnaire.question("B3").uitzoeken in page.get_text()
    assert questionnaire.question("A1").aanbevelingen[0] in page.get_text()
    verdict = page.select_one("p.verdict")
    assert verdict["data-oordeel"] == "grotendeels" and "Grotendeels op basisniveau" in verdict.text
    for table in ("#tabel-themas", "#tabel-vormen", "#tabel-doelgroepen", "#tabel-eigen-regio"):
        assert page.select(f"{table} tbody tr"), table
    peer_headings = [h.get_text(" ", strip=True) for h in page.select("section.peer h3")]
    assert len(peer_headings) == 4 and peer_headings[-1].startswith("Alle gemeenten")
    suppressed = page.select("section.peer .utrecht-alert")
    assert len(suppressed) == 4  # nothing published yet for the year
    assert all("nog niet gepubliceerd" in a.get_text() for a in suppressed)


def test_account_changes_password_and_manages_tokens(officer):
    wrong = post(
        officer, "/account/wachtwoord", {"huidig": "fout", "nieuw": "kort", "herhaling": "kort"}
    )
    assert wrong.status_code == 400
    errors = {
        e.find_parent(class_="utrecht-form-field").find("input")["name"]: e.get_text(strip=True)
        for e in html(wrong).select(".utrecht-form-field-error-message")
    }
    assert errors["huidig"] == "Het huidige wachtwoord klopt niet."
    assert errors["nieuw"].startswith("Een wachtwoord heeft minstens 12 tekens")
    created = html(post(officer, "/account/tokens", {"naam": "koppeling", "verloopt": ""}))
    token = created.select_one("code.new-token").get_text()
    assert token.startswith("zsm_")
    assert (
        officer.get(
            f"/api/v1/gemeenten/{OWN}/zelfevaluaties", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 200
    )
    form = created.select_one("form[action$='/intrekken']")
    revoked = post(officer, form["action"], {})
    assert "Het token is ingetrokken." in revoked.text
    assert (
        officer.get(
            f"/api/v1/gemeenten/{OWN}/zelfevaluaties", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 401
    )
    assert token not in officer.get("/account").text  # shown once


def test_analyst_start_page_explains_the_role(client, users):
    login(client, "a@vng.nl")
    page = html(client.get("/start"))
    assert "analist" in page.get_text()


def test_last_years_answers_are_confirmed_only_explicitly(officer, factory, questionnaire):
    with factory() as s, s.begin():
        submit_quickly(s, questionnaire, YEAR - 1, {OWN: "2"})
    item = start(officer)
    path = f"/zelfevaluaties/{item}/domein/A"
    page = html(officer.get(path))
    form = {
        i["name"]: i.get("value", "")
        for i in page.select("form[data-autosave] input")
        if i.get("type") not in ("radio", "checkbox") or i.has_attr("checked")
    }
    form.pop("_csrf_token")
    assert page.select_one("button[name=bevestig_alle]")

    def prefilled() -> set[str]:
        with factory() as s:
            view = assessments.get(s, SYSTEM, item)
        return {q for q, a in view.answers.items() if a.prefilled and q.startswith("A")}

    domain_a = {q.id for q in questionnaire.questions() if q.id.startswith("A")}
    saved = post(officer, path, {**form, "ga_naar": "B"}, follow_redirects=False)
    assert saved.status_code == 303 and prefilled() == domain_a  # 'save and next' confirms nothing
    one = post(officer, path, {**form, "alleen": "A1"}, follow_redirects=False)
    assert one.headers["location"] == f"{path}#vraag-A1"  # back at the question
    assert prefilled() == domain_a - {"A1"}
    every = post(officer, path, {**form, "bevestig_alle": "ja", "ga_naar": ""})
    assert every.status_code == 200 and prefilled() == set()
    assert not html(every).select_one("button[name=bevestig_alle]")


def test_fonts_and_icon_are_served_from_here(client):
    page = html(client.get("/"))
    assert page.select_one("link[rel=icon]")["href"] == "/static/favicon.svg"
    assert client.get("/static/favicon.svg").headers["content-type"].startswith("image/svg")
    assert client.get("/favicon.ico", follow_redirects=False).headers["location"] == (
        "/static/favicon.svg"
    )
    for sheet in page.select("link[rel=stylesheet][href*=noto]"):
        css = client.get(sheet["href"]).text
        for font in re.findall(r"url\(\./(files/[^)]+\.woff2)\)", css):
            folder = sheet["href"].rsplit("/", 1)[0]
            assert client.get(f"{folder}/{font}").status_code == 200, font
    assert len(page.select("link[rel=stylesheet][href*=noto]")) == 3
