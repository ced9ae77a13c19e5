"""Browser tests: the officer's whole journey, keyboard use, and axe-core on every page type.

Playwright drives Debian's Chromium (/usr/bin/chromium) against the real app, served by
uvicorn on a free 127.0.0.1 port with a fresh demo database. axe-core is vendored in
tests/browser/axe-core/ (nothing is fetched at run time). Screenshots of every page type,
at desktop and mobile width, go to $ASSESS_SCREENSHOTS (default: a pytest temp dir).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pyotp
import pytest
import uvicorn
from playwright.sync_api import Browser, Page, Response, expect, sync_playwright
from sqlalchemy import select

from assess.app import create_app
from assess.config import Settings
from assess.db.migrate import upgrade
from assess.db.models import Assessment
from assess.db.session import make_engine, session_factory, transaction
from assess.framework.vocabulary import Status
from assess.services import accounts
from assess.services.demo import DEMO_MUNICIPALITY, DEMO_USERS, prepare

from conftest import SYSTEM

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = Path(__file__).parent / "browser" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS = {
    "desktop": {"width": 1280, "height": 900},
    "mobile": {"width": 320, "height": 740},
    "phone": {"width": 375, "height": 740},
}
# Words inside table cells, captions and headers that the layout breaks across lines (a
# break after a hyphen is a normal one), and how far the page scrolls sideways.
LAYOUT_PROBLEMS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main td, main th, main caption')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\\s-]+-?/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (tops.size > 1) broken.push(m[0]);
      }
    }
  }
  return {sideways: document.documentElement.scrollWidth - window.innerWidth, broken};
}"""
PASSWORD = "browser-test-wachtwoord"
TIMEOUT_MS = 15_000

MISSING = f"{CHROMIUM} is missing (Debian's chromium package); .ci/run installs it with apt"
# Where the browser is required (CI sets ASSESS_REQUIRE_BROWSER), a missing one fails the tests.
REQUIRED = bool(os.environ.get("ASSESS_REQUIRE_BROWSER"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists() and not REQUIRED, reason=MISSING),
]


def test_chromium_is_there_where_it_is_required():
    assert CHROMIUM.exists() or not REQUIRED, MISSING


@dataclass(frozen=True)
class LiveServer:
    url: str
    year: int
    # A medewerker for the accessibility walk, of a gemeente with a submitted assessment
    # last year and none yet this year (the journey's demo medewerker changes Zwolle's).
    a11y_user: str


ADMINISTRATOR = "beheer@test.zelfscan.nl"
ANALYST = next(u for u in DEMO_USERS if u.role == "analist")


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("browser-data")
    year = datetime.now(UTC).year
    engine = make_engine(f"sqlite:///{data_dir / 'assess.db'}")
    upgrade(engine)
    with transaction(session_factory(engine)) as session:
        prepare(session, SYSTEM, year, 5)
        had_last_year = select(Assessment.municipality_code).where(
            Assessment.year == year - 1, Assessment.status == Status.SUBMITTED
        )
        has_this_year = select(Assessment.municipality_code).where(Assessment.year == year)
        code = session.scalar(
            had_last_year.where(
                Assessment.municipality_code.not_in(has_this_year),
                Assessment.municipality_code != DEMO_MUNICIPALITY,
            ).order_by(Assessment.municipality_code)
        )
        assert code is not None, "the demo data should leave some gemeenten open this year"
        a11y_user = "toegankelijkheid@test.zelfscan.nl"
        accounts.add_user(session, SYSTEM, a11y_user, "medewerker", PASSWORD, code)
        accounts.add_user(session, SYSTEM, ADMINISTRATOR, "beheerder", PASSWORD)
    engine.dispose()

    app = create_app(Settings(data_dir=data_dir, secret_key="t" * 32, secure_cookies=False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", ws="none", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", year, a11y_user)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("ASSESS_SCREENSHOTS")
    target = Path(configured) if configured else tmp_path_factory.mktemp("screenshots")
    target.mkdir(parents=True, exist_ok=True)
    return target


def new_page(
    browser: Browser, live_server: LiveServer, width: str = "desktop", *, axe: bool = False
) -> Page:
    """A page of a fresh context. `axe`: let the test inject axe-core, which the pages'
    Content-Security-Policy (no inline script) rightly refuses; every other test runs under it."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=WIDTHS[width],
        locale="nl-NL",
        timezone_id="UTC",
        bypass_csp=axe,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def log_in(page: Page, email: str, password: str, then: str = "**/start") -> None:
    page.goto("/inloggen")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(then)


def axe_violations(page: Page) -> list[dict[str, Any]]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags},
                                       resultTypes: ["violations"]})""",
        WCAG_TAGS,
    )
    return result["violations"]


def describe(name: str, violations: list[dict[str, Any]]) -> str:
    lines = []
    for v in violations:
        lines.append(f"{name}: {v['id']} ({v['impact']}): {v['help']}")
        lines += [f"    {node['target']}: {node['failureSummary']!r}" for node in v["nodes"][:5]]
        if len(v["nodes"]) > 5:
            lines.append(f"    ... and {len(v['nodes']) - 5} more")
    return "\n".join(lines)


# --- the journey ------------------------------------------------------------------------


def test_journey_login_autosave_reload_submit_results(browser: Browser, live_server: LiveServer):
    year = live_server.year
    officer = next(u for u in DEMO_USERS if u.municipality == DEMO_MUNICIPALITY)
    page = new_page(browser, live_server)
    log_in(page, officer.email, officer.password)

    expect(page.get_by_role("heading", level=1)).to_contain_text("Zwolle")
    page.get_by_role("button", name=f"Start de zelfevaluatie {year}").click()
    page.wait_for_url(re.compile(r"/zelfevaluaties/[0-9a-f-]+/domein/A$"))
    base = page.url.rsplit("/domein/", 1)[0]
    expect(page.get_by_role("heading", level=1)).to_contain_text("A.")
    expect(page.locator("[data-vooringevuld]").first).to_contain_text("Overgenomen van vorig jaar")

    # Autosave: choose level 0 for A1 (a sure gap later) and type a toelichting.
    question = page.locator("#vraag-A1")
    expect(question.locator("[data-vooringevuld]")).to_have_count(1)
    note = "Browsertest: het netwerk is in opbouw."
    with page.expect_response(lambda r: r.url.endswith("/vraag/A1")) as saved:
        question.locator("#antwoord-A1-0").check()
    assert saved.value.ok, saved.value.text()
    expect(question.locator(".save-state")).to_contain_text("Opgeslagen")
    with page.expect_response(lambda r: r.url.endswith("/vraag/A1")) as saved:
        question.get_by_label("Toelichting", exact=True).fill(note)
    assert saved.value.ok, saved.value.text()
    assert parse_qs(saved.value.request.post_data or "")["toelichting-A1"] == [note]
    expect(question.locator(".save-state")).to_contain_text("Opgeslagen")
    expect(question.locator("[data-vooringevuld]")).to_have_count(0)

    # A document: using the empty row offers another, and the title and link are saved.
    document = "Browsertest: raadsbesluit aanpak mensenhandel"
    expect(question.locator("[data-document]")).to_have_count(1)
    question.get_by_label("Titel van document 1").fill(document)
    expect(question.locator("[data-document]")).to_have_count(2)
    link = "https://lokaleregelgeving.overheid.nl/"

    def saves_the_link(response: Response) -> bool:  # leaving the toelichting saved it before
        sent = parse_qs(response.request.post_data or "")
        return response.url.endswith("/vraag/A1") and sent.get("document-url-A1") == [link]

    with page.expect_response(saves_the_link) as saved:
        question.get_by_label("Link (niet verplicht) van document 1").fill(link)
    assert saved.value.ok, saved.value.text()
    assert parse_qs(saved.value.request.post_data or "")["document-titel-A1"] == [document]
    expect(question.get_by_label("Titel van document 2")).to_have_value("")

    # Confirming one of last year's answers saves it alone: no reload, the focus stays.
    first_prefilled = page.locator("fieldset[data-vraag]:has([data-vooringevuld])").first
    other = page.locator(f"#vraag-{first_prefilled.get_attribute('data-vraag')}")
    with page.expect_response(lambda r: "/vraag/" in r.url) as confirmed:
        other.get_by_role("button", name=re.compile(r"^Bevestig [A-Z]\d+$")).click()
    assert confirmed.value.ok, confirmed.value.text()
    expect(other.locator(".save-state")).to_contain_text("Bevestigd")
    expect(other.locator("input[type=radio]:checked")).to_be_focused()
    # Choosing last year's answer again confirms nothing, and says how to.
    next_prefilled = page.locator("fieldset[data-vraag]:has([data-vooringevuld])").first
    third = page.locator(f"#vraag-{next_prefilled.get_attribute('data-vraag')}")
    third.locator("input[type=radio]:checked").click()
    expect(third.locator(".save-state")).to_contain_text("Kies Bevestig")
    expect(third.locator("[data-vooringevuld]")).to_have_count(1)

    page.reload()
    expect(page.locator("#antwoord-A1-0")).to_be_checked()
    expect(page.locator("#toelichting-A1")).to_have_value(note)
    expect(page.locator("#vraag-A1 [data-vooringevuld]")).to_have_count(0)
    expect(page.locator("#documenten-A1")).to_have_value(document)

    # Every domain: answer what is still open, then confirm the page with its main button.
    codes = [
        link.split("/domein/")[1]
        for link in page.locator("nav.sidebar a[href*='/domein/']").evaluate_all(
            "links => links.map(a => a.getAttribute('href'))"
        )
    ]
    assert codes[0] == "A" and len(codes) >= 2
    for position, code in enumerate(codes):
        page.wait_for_url(re.compile(f"{base}/domein/{code}$"))
        confirm_all = page.get_by_role(
            "button", name="Bevestig alle vooraf ingevulde antwoorden op deze pagina"
        )
        if confirm_all.count():  # saving alone confirms nothing: this button does
            confirm_all.click()
            expect(page.locator("[data-vooringevuld]")).to_have_count(0)
        for open_question in page.locator("fieldset[data-vraag]:not(:has(input:checked))").all():
            open_question.locator("input[value='2']").check()
        last = position == len(codes) - 1
        label = (
            "Opslaan en controleren"
            if last
            else f"Opslaan en verder naar domein {codes[position + 1]}"
        )
        page.get_by_role("button", name=label, exact=True).click()

    page.wait_for_url(f"{base}/indienen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer uw antwoorden")
    expect(page.locator(".open-questions, .confirm-questions")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("Alle vragen zijn beantwoord")
    page.get_by_label("Geanonimiseerd (aanbevolen)").check()
    page.get_by_role("button", name="Verder naar indienen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bevestig het indienen")
    page.get_by_role("button", name="Ja, dien de zelfevaluatie in").click()
    page.wait_for_url(f"{base}/ingediend")
    expect(page.get_by_role("heading", level=1)).to_have_text("Zelfevaluatie ingediend")
    page.get_by_role("link", name="Naar de resultaten").click()

    page.wait_for_url(f"{base}/resultaten")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Resultaten Zwolle {year}")
    expect(page.locator("#tabel-domeinen tbody tr")).to_have_count(len(codes))
    expect(page.locator("ol.gaps > li").first).to_be_visible()
    expect(page.locator("#tekort-A1")).to_contain_text("A1.")
    expect(page.locator("li#documenten-A1 a")).to_have_text(document)
    comparison = page.locator("section[aria-labelledby=vergelijking]")
    expect(comparison.get_by_role("heading", level=2)).to_have_text(
        "Vergelijking met andere gemeenten"
    )
    expect(comparison.locator("section.peer")).to_have_count(4)
    expect(comparison.locator("section.peer table").first).to_be_visible()
    page.context.close()


def test_keyboard_skip_link_moves_focus_to_main(browser: Browser, live_server: LiveServer):
    page = new_page(browser, live_server)
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({cls: document.activeElement.className, text: document.activeElement.textContent})"
    )
    assert "utrecht-skip-link" in focused["cls"], focused
    assert focused["text"].strip() == "Direct naar de inhoud"
    box = page.locator(".utrecht-skip-link").bounding_box()
    assert box and box["width"] > 1 and box["height"] > 1, "the focused skip link is visible"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'inhoud'")
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
    page.context.close()


# --- accessibility: axe-core on every page type, with screenshots ----------------------


def test_vendored_axe_core_reports_a_planted_violation(browser: Browser):
    """The checks below are only worth something if axe-core runs and can fail."""
    page = browser.new_page()
    page.set_content(
        '<html lang="nl"><head><title>t</title></head>'
        '<body><main><img src="data:,"><p style="color:#ccc">grijs</p></main></body></html>'
    )
    ids = {v["id"] for v in axe_violations(page)}
    assert page.evaluate("axe.version").startswith("4.")
    assert {"image-alt", "color-contrast"} <= ids, ids
    page.close()


def test_accessibility_every_page_type(
    browser: Browser, live_server: LiveServer, screenshots: Path
):
    """Each page type, at desktop and at mobile width: a screenshot, and axe-core's verdict."""
    page = new_page(browser, live_server, axe=True)
    report: list[str] = []
    checked: list[str] = []

    def check(name: str) -> None:
        page.wait_for_load_state("load")
        checked.append(name)
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            shot = screenshots / f"{len(checked):02d}-{name}-{width}.png"
            page.screenshot(path=shot, full_page=True)
            violations = axe_violations(page)
            if violations:
                report.append(describe(f"{name} at {width} width ({page.url})", violations))
            if width != "desktop":
                layout = page.evaluate(LAYOUT_PROBLEMS)
                if layout["sideways"] > 0 or layout["broken"]:
                    report.append(f"{name} at {width} width: {layout}")
        page.set_viewport_size(WIDTHS["desktop"])

    page.goto("/")
    check("home")
    page.goto("/toegankelijkheid")
    check("toegankelijkheid")
    page.goto("/inloggen")
    check("inloggen")

    log_in(page, live_server.a11y_user, PASSWORD)
    start_button = page.get_by_role("button", name=f"Start de zelfevaluatie {live_server.year}")
    expect(start_button).to_be_visible()
    check("start")
    results_link = page.get_by_role("link", name=f"Resultaten {live_server.year - 1}")
    results_url = results_link.get_attribute("href")
    assert results_url

    page.goto("/account")
    check("account")

    page.goto("/start")
    start_button.click()
    page.wait_for_url(re.compile(r"/domein/A$"))
    base = page.url.rsplit("/domein/", 1)[0]
    check("domein-bewerken")

    # A validation error from the plain form: 'Niet van toepassing' without a toelichting.
    page.goto(f"{base}/domein/D")
    question = page.locator("fieldset[data-vraag]:has(input[value=nvt])").first
    question.locator("textarea").fill("")
    question.locator("input[value=nvt]").check()
    with page.expect_response(
        lambda r: r.request.method == "POST" and "/domein/D" in r.url
    ) as posted:
        page.get_by_role("button", name="Opslaan", exact=True).click()
    assert posted.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Niet opgeslagen")
    expect(question.locator(".utrecht-form-field-error-message")).to_be_visible()
    # The GOV.UK pattern: the error summary has the focus, "Fout:" leads the title.
    expect(page.locator("#foutoverzicht")).to_be_focused()
    assert page.title().startswith("Fout: ")
    page.locator("#foutoverzicht li a").first.click()
    expect(question.locator("textarea")).to_be_in_viewport()
    check("domein-fout")

    page.goto(f"{base}/indienen")
    check("indienen")
    page.goto(results_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text(str(live_server.year - 1))
    check("resultaten")
    page.context.clear_cookies()
    log_in(page, ANALYST.email, ANALYST.password)
    page.goto("/benchmark")
    expect(page.get_by_role("heading", level=1)).to_contain_text("benchmark")
    check("benchmark")
    page.goto("/benchmark/methode")
    check("benchmark-methode")
    response = page.goto("/bestaat-niet")
    assert response is not None and response.status == 404
    check("niet-gevonden")

    # The second factor: a beheerder sets it up at the first sign-in, then gives codes.
    page.context.clear_cookies()
    log_in(page, ADMINISTRATOR, PASSWORD, then="**/inloggen/instellen")
    check("tweestaps-instellen")
    secret = page.locator(".totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code uit de app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Tweestapsverificatie aanzetten").click()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    check("herstelcodes")
    page.context.clear_cookies()
    log_in(page, ADMINISTRATOR, PASSWORD, then="**/inloggen/code")
    check("inloggen-code")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url("**/start")
    page.goto("/beheer/gebruikers")
    check("beheer-gebruikers")
    page.get_by_role("link", name=f"Rol wijzigen {ANALYST.email}").click()
    page.get_by_label("Rol", exact=True).select_option("medewerker")  # without a gemeente
    page.get_by_role("button", name="Rol wijzigen").click()
    expect(page.locator("#foutoverzicht")).to_be_focused()
    check("beheer-rol-wijzigen")
    page.context.close()

    assert len(checked) == 17
    assert not report, "axe-core (WCAG 2.1 A/AA) or the layout check failed:\n" + "\n".join(report)
