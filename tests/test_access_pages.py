"""Access matrix of the HTML pages and downloads: every page x every role x own/other
gemeente x every kind of assessment (see access_world.py for the world).

The pages call the same use cases as the API, so the expectations are the API's: a page of
an assessment the role may not read is a 404, a change it may not make a 403, and a refused
change leaves the database as it was. No body shows a marker, id, name or earlier year the
role may not see.
"""

from __future__ import annotations

import pytest
from access_world import (
    BENCHMARK_ROLES,
    FAKE_PDF,
    KINDS,
    MEDEWERKERS,
    OWN,
    ROLES,
    USERS,
    Item,
    World,
    assert_benchmark_shows_only_aggregates,
    assert_nothing_foreign,
    assessment_count,
    gemeente,
    header_years,
    hidden_years,
    home,
    item_cells,
    may_read,
    new_sharing,
    published,
    readable_text,
    snapshot,
)
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow

READS = [
    "GET-overzicht",
    "GET-domein",
    "GET-indienen",
    "GET-ingediend",
    "GET-resultaten",
    "GET-rapport",
]
WRITES = ["POST-domein", "POST-vraag", "POST-regio", "POST-indienen"]
PAGES = READS + WRITES
SIGNED_IN_PAGES = ["/start", "/account", "/benchmark/methode"]
BENCHMARK_PAGES = ["dashboard", "csv", "json", "xlsx"]
BENCHMARK_YEARS = ["geanonimiseerd", "benoemd", "prive"]


def request_page(world: World, role: str, page: str, item: Item):
    client, base = world.as_role(role), f"/zelfevaluaties/{item.id}"
    form = {"_csrf_token": world.csrf(role)}
    if page == "GET-overzicht":
        return client.get(base, follow_redirects=False)
    if page == "GET-domein":
        return client.get(f"{base}/domein/A", follow_redirects=False)
    if page == "GET-indienen":
        return client.get(f"{base}/indienen", follow_redirects=False)
    if page == "GET-ingediend":
        return client.get(f"{base}/ingediend", follow_redirects=False)
    if page == "GET-resultaten":
        return client.get(f"{base}/resultaten", follow_redirects=False)
    if page == "GET-rapport":
        return client.get(f"{base}/rapport.pdf", follow_redirects=False)
    answer = {"antwoord-A1": "0", "toelichting-A1": "OVERSCHREVEN"}
    if page == "POST-domein":
        return client.post(f"{base}/domein/A", data={**form, **answer}, follow_redirects=False)
    if page == "POST-vraag":
        return client.post(f"{base}/vraag/A1", data={**form, **answer}, follow_redirects=False)
    if page == "POST-regio":
        data = {**form, "regio": "ANDERE REGIO", "terug": "A"}
        return client.post(f"{base}/regio", data=data, follow_redirects=False)
    if page == "POST-indienen":
        data = {**form, "deling": new_sharing(item), "bevestigd": "ja"}
        return client.post(f"{base}/indienen", data=data, follow_redirects=False)
    raise AssertionError(page)


def page_expected(role: str, page: str, item: Item) -> int:
    if role not in USERS:
        return 303  # to the sign-in page
    if not may_read(role, item):
        return 404
    if page == "GET-overzicht":
        return 303  # to the domain pages or the results
    if page == "GET-ingediend":
        return 200 if item.submitted else 303  # back to the review
    if page in READS:
        return 200
    if role in BENCHMARK_ROLES:
        return 403
    # an officer on its own gemeente's assessment
    if page == "POST-indienen":
        if item.submitted:
            return 303  # a second click on the button is harmless
        return 303 if item.complete else 409
    if page == "POST-regio":
        return 409 if item.submitted else 303
    return 409 if item.submitted else 200


def changes(role: str, page: str, item: Item) -> bool:
    """Whether this request, when it succeeds, is meant to change the assessment."""
    if page not in WRITES or page_expected(role, page, item) >= 400 or role not in USERS:
        return False
    return not item.submitted


@pytest.mark.parametrize(("role", "page", "side", "kind"), item_cells(ROLES, PAGES))
def test_assessment_page(world, role, page, side, kind):
    item = world.items[gemeente(role, side), kind]
    expected = page_expected(role, page, item)
    before = snapshot(world, item.id)
    response = request_page(world, role, page, item)
    assert response.status_code == expected, response.text[:2000]
    text = response.text
    assert_nothing_foreign(world, role, text, echoed=item.id)
    if not changes(role, page, item):
        assert snapshot(world, item.id) == before, "a read or refused request changed data"
    if role not in USERS:
        assert response.headers["location"].startswith("/inloggen?volgende=")
        return
    if expected == 200 and page in ("GET-resultaten", "GET-rapport"):
        shown = header_years(text) - {item.year}
        hidden = hidden_years(role, item, world)
        assert not shown & hidden, f"{role} sees the years {sorted(shown & hidden)}"
    if page == "GET-rapport" and expected == 200:
        assert response.content.startswith(FAKE_PDF)
    if page == "POST-indienen" and expected == 303 and not item.submitted:
        assert snapshot(world, item.id)[0][:2] == ("ingediend", new_sharing(item))


def test_a_refused_submission_keeps_the_sharing_level(world):
    """The first of the two bugs of issue 10: a refused submit used to save the new level."""
    item = world.items[OWN, "concept"]
    before = snapshot(world, item.id)
    response = request_page(world, "medewerker", "POST-indienen", item)
    assert response.status_code == 409
    soup = BeautifulSoup(response.text, "html.parser")
    assert "Beantwoord alle vragen" in soup.select_one(".utrecht-alert").get_text()
    assert snapshot(world, item.id) == before


def test_results_of_a_named_year_show_no_private_earlier_year(world):
    """The second bug: an analyst saw the municipality's unshared earlier years."""
    item = world.items[OWN, "benoemd"]
    response = request_page(world, "analist", "GET-resultaten", item)
    assert response.status_code == 200
    assert header_years(response.text) == {item.year}
    own = request_page(world, "medewerker", "GET-resultaten", item)
    assert KINDS["geanonimiseerd"][0] in header_years(own.text)  # the officer does see it


# --- pages that are not about one assessment --------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", SIGNED_IN_PAGES)
def test_signed_in_pages(world, role, path):
    response = world.as_role(role).get(path, follow_redirects=False)
    if role not in USERS:
        assert response.status_code == 303
        assert response.headers["location"] == f"/inloggen?volgende={path}"
        return
    assert response.status_code == 200, response.text[:2000]
    assert_nothing_foreign(world, role, response.text)
    if path == "/start" and role in MEDEWERKERS:
        listed = {a["href"].split("/")[2] for a in _assessment_links(response.text)}
        own = {str(i.id) for i in world.items.values() if i.code == home(role)}
        assert listed == own


def _assessment_links(html: str):
    soup = BeautifulSoup(html, "html.parser")
    return [a for a in soup.select("main a[href^='/zelfevaluaties/']")]


@pytest.mark.parametrize("role", ROLES)
def test_starting_an_assessment(world, role):
    code = home(role)
    before = {c: assessment_count(world, c) for c in world.names}
    client = world.as_role(role)
    response = client.post(
        "/zelfevaluaties", data={"_csrf_token": world.csrf(role)}, follow_redirects=False
    )
    if role not in USERS:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/inloggen")
    elif code is None:  # only officers start one, for their own gemeente
        assert response.status_code == 404
    else:
        assert response.status_code == 303
        assert response.headers["location"].endswith("/domein/A")
        before[code] += 1
    assert {c: assessment_count(world, c) for c in world.names} == before


def benchmark_page_expected(world: World, role: str, year: int) -> int:
    if role not in USERS:
        return 303
    if role in MEDEWERKERS:
        return 403
    return 200 if published(year) else 404


@pytest.mark.parametrize("kind", BENCHMARK_YEARS)
@pytest.mark.parametrize("page", BENCHMARK_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_benchmark_pages(world, role, page, kind):
    year = KINDS[kind][0]
    client = world.as_role(role)
    if page == "dashboard":
        response = client.get("/benchmark", params={"jaar": year}, follow_redirects=False)
    else:
        response = client.get(f"/benchmark/{year}/export/{page}", follow_redirects=False)
    expected = benchmark_page_expected(world, role, year)
    assert response.status_code == expected, response.text[:2000]
    if expected == 200:
        assert_benchmark_shows_only_aggregates(world, role, year, readable_text(response))
    elif role in USERS:
        assert_nothing_foreign(world, role, response.text)
