"""Translations: the English catalog is complete, compiled and faithful; pages follow the user."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from sqlalchemy import select

from assess import i18n
from assess.access import USER_ROLES
from assess.db.models import User
from assess.framework.benchmark import compare
from assess.framework.schema import Pillar
from assess.framework.vocabulary import Grouping, PeerGroup, Status
from assess.services import accounts, register
from assess.web.errors import DETAILS, TITLES

from conftest import OWN, SYSTEM

ROOT = Path(__file__).parent.parent
LOCALE = ROOT / "assess" / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "messages.po"
MO = LOCALE / "en" / "LC_MESSAGES" / "messages.mo"
POT = LOCALE / "messages.pot"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|%%|\{\w*\}")


def load_po(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def forms(text: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A message's forms: one, or singular and plural (ngettext)."""
    return tuple(text) if isinstance(text, tuple | list) else (text,)


def msgids(catalog: Catalog) -> set[str]:
    return {forms(message.id)[0] for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """A fresh extraction with the project's babel.cfg, as the documented command does it."""
    target = tmp_path_factory.mktemp("i18n") / "messages.pot"
    config = str(ROOT / "babel.cfg")
    CommandLineInterface().run(
        ["pybabel", "--quiet", "extract", "-F", config, "-o", str(target), str(ROOT)]
    )
    return load_po(target)


@pytest.fixture(scope="module")
def english() -> Catalog:
    return load_po(PO)


def test_every_extracted_text_has_an_english_translation(extracted, english):
    fresh, translated = msgids(extracted), msgids(english)
    assert len(fresh) > 200
    assert sorted(fresh - translated) == [], "run pybabel extract and update (docs/development.md)"
    assert sorted(translated - fresh) == [], "the catalog holds texts the code no longer has"
    untranslated = [
        m.id for m in english if m.id and not all(t.strip() for t in forms(m.string or ""))
    ]
    assert untranslated == []
    fuzzy = [m.id for m in english if m.id and m.fuzzy]
    assert fuzzy == []


def test_the_template_is_up_to_date(extracted):
    assert msgids(load_po(POT)) == msgids(extracted)


def test_the_compiled_catalog_matches_the_po_file(english):
    with MO.open("rb") as f:
        compiled = read_mo(f)
    expected = {forms(m.id): forms(m.string) for m in english if m.id}
    assert {forms(m.id): forms(m.string) for m in compiled if m.id} == expected, (
        "run pybabel compile"
    )


def test_translations_keep_their_placeholders(english):
    for message in english:
        if message.id:
            wanted = sorted(PLACEHOLDER.findall(forms(message.id)[0]))
            for text in forms(message.string):
                assert sorted(PLACEHOLDER.findall(text)) == wanted, message.id
    assert [error for error in english.check() if error[1]] == []


def test_values_shown_with_a_dynamic_msgid_are_in_the_catalog(english):
    shown = {
        *(role.value for role in USER_ROLES),
        Status.CONCEPT,
        Status.SUBMITTED,
        *(pillar.value for pillar in Pillar),
        *TITLES.values(),
        *DETAILS.values(),
        *(register.GROUPING_LABELS[Grouping(group.value)] for group in PeerGroup),
    }
    assert sorted(shown - msgids(english)) == []


def test_python_texts_translate_in_the_request_language_only():
    message = "Het token is ingetrokken."
    assert i18n.gettext(message) == message  # the API and the CLI stay Dutch
    with i18n.language("en"):
        assert i18n.gettext(message) == "The token has been revoked."
        reason = compare(None, [], None, 5, i18n.gettext("alle gemeenten"), i18n.gettext).reason
        assert reason is not None
        assert reason.startswith("Too little comparison data in all municipalities: at least 5")
    with i18n.language("xx"):  # unknown codes fall back to Dutch
        assert i18n.current_language() == "nl"


def test_the_framework_does_not_depend_on_the_web_translations():
    for path in (ROOT / "assess" / "framework").glob("*.py"):
        assert "assess.i18n" not in path.read_text(encoding="utf-8"), path.name


# --- pages ------------------------------------------------------------------------------

PASSWORD = "kraanvogel-lantaarn-7"


def html(response) -> BeautifulSoup:
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def csrf(client, path: str) -> str:
    return html(client.get(path)).find("input", {"name": "_csrf_token"})["value"]


def sign_in(client) -> None:
    response = client.post(
        "/inloggen",
        data={
            "email": "taal@zwolle.nl",
            "wachtwoord": PASSWORD,
            "volgende": "/start",
            "_csrf_token": csrf(client, "/inloggen"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303


def choose(client, language: str) -> BeautifulSoup:
    response = client.post(
        "/taal",
        data={"taal": language, "terug": "/account", "_csrf_token": csrf(client, "/account")},
    )
    return html(response)


def headings(page: BeautifulSoup) -> list[str]:
    return [h.get_text(" ", strip=True) for h in page.select("h1, h2")]


@pytest.fixture
def officer(client, factory):
    with factory() as s, s.begin():
        accounts.add_user(s, SYSTEM, "taal@zwolle.nl", "medewerker", PASSWORD, OWN)
    sign_in(client)
    return client


def test_an_officer_switches_the_pages_to_english_and_back(officer):
    year = datetime.now(UTC).year
    start = html(officer.get("/start"))
    assert start.html["lang"] == "nl"
    assert "Zelfscan mensenhandel: Zwolle" in headings(start)

    account = choose(officer, "en")
    assert account.html["lang"] == "en"
    assert headings(account)[1:] == [
        "Language",
        "Change password",
        "Two-step verification",
        "API tokens",
    ]
    assert "Signed in as" in account.get_text()
    assert "(officer, Zwolle, GM0193)" in account.get_text()
    assert account.find("input", {"name": "taal", "value": "en"}).has_attr("checked")

    start = html(officer.get("/start"))
    assert start.html["lang"] == "en"
    assert headings(start) == ["Human Trafficking Self-Scan: Zwolle", "Self-assessments"]
    assert start.find("button", {"type": "submit"}, string=f"Start the {year} self-assessment")
    assert start.select_one("nav a[href='/account']").get_text(strip=True) == "Account"
    assert "Your municipality does not have any self-assessments yet." in start.get_text()

    accessibility = html(officer.get("/toegankelijkheid"))
    assert headings(accessibility)[0] == "Accessibility"
    assert "at 200% zoom" in accessibility.get_text()

    account = choose(officer, "nl")
    assert account.html["lang"] == "nl"
    assert headings(account)[1:] == [
        "Taal",
        "Wachtwoord wijzigen",
        "Tweestapsverificatie",
        "API-tokens",
    ]
    start = html(officer.get("/start"))
    assert start.html["lang"] == "nl"
    assert "Zelfscan mensenhandel: Zwolle" in headings(start)
    assert "Uw gemeente heeft nog geen zelfevaluaties." in start.get_text()


def test_the_language_is_kept_with_the_user(officer):
    choose(officer, "en")
    officer.post("/uitloggen", data={"_csrf_token": csrf(officer, "/account")})
    assert html(officer.get("/")).html["lang"] == "nl"  # signed out: Dutch
    sign_in(officer)
    assert html(officer.get("/start")).html["lang"] == "en"
    error = officer.get("/zelfevaluaties/00000000-0000-0000-0000-000000000000/domein/A")
    assert error.status_code == 404
    page = BeautifulSoup(error.text, "html.parser")
    assert page.h1.get_text(strip=True) == "Not found"
    assert "Self-assessment 00000000-0000-0000-0000-000000000000 does not exist." in page.text


@pytest.mark.parametrize("path", ["/", "/toegankelijkheid", "/inloggen", "/start", "/bestaat-niet"])
def test_every_page_has_the_signed_in_header_and_the_language_switch(officer, path):
    response = officer.get(path)
    assert response.status_code == (404 if path == "/bestaat-niet" else 200)
    page = BeautifulSoup(response.text, "html.parser")
    header = page.select_one("header")
    assert "taal@zwolle.nl" in header.select_one(".site-user").get_text()
    affiliation = header.select_one(".site-user__affiliation")
    assert affiliation.get_text() == "Zwolle" and affiliation["lang"] == "nl"
    assert header.select_one("form[action='/uitloggen'] button")
    assert not header.select("a[href='/inloggen']")
    switch = header.select_one("form[action='/taal']")
    assert switch.select_one("input[name=taal]")["value"] == "en"
    assert switch.select_one("input[name=terug]")["value"] == path
    assert switch.button["lang"] == "en" and "English" in switch.button.get_text()


def test_the_header_switch_keeps_the_page_and_the_accounts_language(officer, factory):
    token = csrf(officer, "/")
    back = officer.post(
        "/taal",
        data={"taal": "en", "terug": "/benchmark/methode?x=1", "_csrf_token": token},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/benchmark/methode?x=1"
    with factory() as s:
        assert s.scalar(select(User.language).filter_by(email="taal@zwolle.nl")) == "en"
    elsewhere = officer.post(
        "/taal",
        data={"taal": "nl", "terug": "//evil.example", "_csrf_token": token},
        follow_redirects=False,
    )
    assert elsewhere.headers["location"] == "/start"


def test_a_visitor_switches_language_without_signing_in(client):
    home = html(client.get("/"))
    assert home.select_one("header .site-user") is None
    token = home.find("input", {"name": "_csrf_token"})["value"]
    client.post("/taal", data={"taal": "en", "terug": "/", "_csrf_token": token})
    english = html(client.get("/toegankelijkheid"))
    assert english.html["lang"] == "en"
    assert english.select_one("header a[href='/inloggen']").get_text() == "Sign in"


def test_dutch_questionnaire_text_in_english_pages_is_marked_dutch(officer):
    """WCAG 3.1.2: a screen reader reads the questions with a Dutch voice."""
    choose(officer, "en")
    start = html(officer.get("/start"))
    token = start.select_one("form[action='/zelfevaluaties'] input[name=_csrf_token]")["value"]
    page = html(officer.post("/zelfevaluaties", data={"_csrf_token": token}))
    assert page.html["lang"] == "en"
    assert page.select_one("h1 span[lang=nl]").get_text().strip()
    legends = page.select("fieldset[data-vraag] > legend")
    assert legends and all(legend.select_one("span[lang=nl]") for legend in legends)
    level_texts = page.select("fieldset[data-vraag] label span[lang=nl]")
    assert len(level_texts) == 4 * len(legends)
