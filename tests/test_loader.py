"""The questionnaire loader: every problem reported with its location and a plain sentence."""

from __future__ import annotations

import itertools

import pytest

from assess.framework.loader import (
    Problem,
    QuestionnaireInvalid,
    carried_over,
    parse_questionnaire,
)

from conftest import DATA

MINI = (DATA / "mini.yaml").read_text(encoding="utf-8")


def problems_of(text: str, earlier=()) -> list[Problem]:
    with pytest.raises(QuestionnaireInvalid) as caught:
        parse_questionnaire(text, earlier)
    return caught.value.problems


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_file_parses_into_domains_and_questions():
    q = parse_questionnaire(MINI)
    assert [d.code for d in q.domeinen] == ["A", "B"]
    assert [x.id for x in q.questions()] == ["A1", "A2", "B1"]
    assert q.question("A1").gewicht == 3
    assert q.question("A2").doel == 2  # default target


def test_yaml_syntax_error_gives_line():
    text = MINI + "\n  - : ["
    [problem] = problems_of(text)
    assert problem.line == len(text.splitlines())
    assert problem.message.startswith("geen geldige YAML")


def test_unknown_key_is_an_error_with_path_and_line():
    text = MINI.replace("        gewicht: 3\n", "        gewicht: 3\n        gewigt: 2\n")
    [problem] = problems_of(text)
    assert problem.path == "domeinen[0].vragen[0].gewigt"
    assert "onbekend veld 'gewigt'" in problem.message
    assert problem.line == line_of(text, "gewigt")


def test_every_bad_question_is_reported_not_just_the_first():
    text = MINI.replace("pijler: zorg", "pijler: zorgg").replace("gewicht: 3", "gewicht: drie")
    found = {(p.path, p.message) for p in problems_of(text)}
    assert ("domeinen[0].vragen[1].pijler", "onbekende waarde 'zorgg'") in found
    assert ("domeinen[0].vragen[0].gewicht", "verwacht een getal, gevonden tekst") in found


def test_unquoted_version_is_explained():
    [problem] = problems_of(MINI.replace('versie: "2026.1"', "versie: 2026.1"))
    assert (problem.path, problem.line) == ("versie", 2)
    assert problem.message == "verwacht tekst, gevonden een getal"


def test_missing_field_names_it():
    [problem] = problems_of(MINI.replace("        uitleg: Een vast aanspreekpunt.\n", ""))
    assert problem.path == "domeinen[0].vragen[1].uitleg"
    assert problem.message == "verplicht veld 'uitleg' ontbreekt"


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [
        ("id: A2", "id: A1", "domeinen", "vraag-id 'A1' komt meer dan eens voor"),
        ("id: B1", "id: A9", "domeinen[1].vragen[0].id", "vraag 'A9' hoort bij domein B"),
        ("2: Vaak.,", "", "domeinen[1].vragen[0].niveaus", "beschrijving ontbreekt voor niveau 2"),
        ("doel: 3", "doel: 4", "domeinen[1].vragen[0].doel", "doel 4 ligt niet tussen 0 en 3"),
        (
            ", 2: Nog meer.",
            "",
            "domeinen[1].vragen[0].aanbevelingen",
            "aanbeveling ontbreekt voor niveau 2",
        ),
        (
            "1: Laat het beleid vaststellen.",
            "1: Laat het beleid vaststellen.\n          2: Te veel.",
            "domeinen[0].vragen[0].aanbevelingen",
            "aanbeveling voor niveau 2 is overbodig: dat niveau haalt het doel",
        ),
        (
            "bronnen: [ibp]",
            "bronnen: [ibx]",
            "domeinen[1].vragen[0].bronnen[0]",
            "onbekende bron 'ibx'",
        ),
        (
            '"ibp#beleid"',
            '"ibp#budget"',
            "domeinen[0].vragen[0].bronnen[0]",
            "bron 'ibp' heeft geen onderdeel 'budget'",
        ),
        (
            "actielijnen: [4]",
            "actielijnen: [7]",
            "domeinen[0].vragen[0].actielijnen[0]",
            "onbekende actielijn 7",
        ),
        (
            "\nbronnen:",
            "\nhandboek: kompass\nbronnen:",
            "handboek",
            "onbekende bron 'kompass'",
        ),
        (
            '["ibp#aandachtsfunctionaris"]',
            "[ibp]",
            "bronnen[0].onderdelen.aandachtsfunctionaris",
            "onderdeel 'aandachtsfunctionaris' van bron 'ibp' wordt door geen vraag gedekt",
        ),
    ],
)
def test_meaning_checks(old, new, path, message):
    assert old in MINI
    found = problems_of(MINI.replace(old, new))
    assert (path, message) in {(p.path, p.message) for p in found}
    assert all(p.line for p in found)


def versioned(version: str, mapping: str = "") -> str:
    return MINI.replace('versie: "2026.1"', f'versie: "{version}"') + mapping


OLD = parse_questionnaire(versioned("2025.1"))


def test_mapping_to_previous_version_is_checked():
    mapping = (
        '\nvorige_versie:\n  versie: "2025.1"\n  vragen:\n'
        "    A1: A2\n    A2: A2\n    X9: B1\n    B1: {naar: C1}\n"
    )
    found = {(p.path, p.message) for p in problems_of(versioned("2026.1", mapping), [OLD])}
    assert found == {
        ("vorige_versie.vragen.X9", "versie 2025.1 heeft geen vraag 'X9'"),
        ("vorige_versie.vragen.B1", "vraag 'C1' bestaat niet"),
        (
            "vorige_versie.vragen",
            "vraag die een overgenomen antwoord krijgt, 'A2' komt meer dan eens voor",
        ),
    }


def test_every_old_question_is_mapped_or_dropped_with_a_reason():
    mapping = (
        '\nvorige_versie:\n  versie: "2025.1"\n  vragen:\n'
        "    A1: A1\n    A2: {naar: A2, overnemen: false}\n"
    )
    found = {(p.path, p.message) for p in problems_of(versioned("2026.1", mapping), [OLD])}
    assert found == {
        ("vorige_versie.vragen.A2", "geef de reden waarom het antwoord niet overgaat"),
        (
            "vorige_versie.vragen",
            "vraag 'B1' van versie 2025.1 ontbreekt: koppel of laat vervallen",
        ),
    }
    dropped = mapping.replace("A2: {naar: A2, overnemen: false}", "A2: {}") + "    B1: B1\n"
    found = {(p.path, p.message) for p in problems_of(versioned("2026.1", dropped), [OLD])}
    assert found == {("vorige_versie.vragen.A2", "geef de reden waarom de vraag vervalt")}


def test_mapping_must_point_to_an_older_version():
    mapping = '\nvorige_versie:\n  versie: "2027.1"\n  vragen: {}\n'
    [problem] = problems_of(MINI + mapping)
    assert problem.message == "versie 2027.1 is niet ouder dan 2026.1"


def test_answers_carry_over_only_where_the_meaning_was_kept():
    mapping = (
        '\nvorige_versie:\n  versie: "2025.1"\n  vragen:\n'
        "    A1: A2\n    A2: {naar: A1, overnemen: false, reden: andere niveaus}\n"
        "    B1: {reden: vervallen}\n"
    )
    new = parse_questionnaire(versioned("2026.1", mapping), [OLD])
    assert carried_over(new, OLD) == {"A2": "A1"}
    assert carried_over(new, new) == {"A1": "A1", "A2": "A2", "B1": "B1"}


def test_answers_carry_over_across_several_versions():
    middle = parse_questionnaire(
        versioned(
            "2025.2",
            '\nvorige_versie:\n  versie: "2025.1"\n  vragen:\n    A1: A2\n    A2: A1\n    B1: B1\n',
        ),
        [OLD],
    )
    newest = parse_questionnaire(
        versioned(
            "2026.1",
            '\nvorige_versie:\n  versie: "2025.2"\n  vragen:\n'
            "    A1: A1\n    A2: A2\n    B1: {reden: vervallen}\n",
        ),
        [OLD, middle],
    )
    assert carried_over(newest, OLD, [middle]) == {"A1": "A2", "A2": "A1"}
    # without the version in between, the same ids are the best guess
    assert carried_over(newest, OLD) == {"A1": "A1", "A2": "A2", "B1": "B1"}


def test_the_shipped_versions_map_every_question(questionnaires_shipped):
    for earlier, later in itertools.pairwise(questionnaires_shipped):
        assert later.vorige_versie.versie == earlier.versie
        successors = later.vorige_versie.successors()
        assert set(successors) == {q.id for q in earlier.questions()}
        carried = carried_over(later, earlier)
        assert len(carried) >= 30 and set(carried.values()) <= {q.id for q in earlier.questions()}


def test_problem_renders_file_line_path_and_message():
    assert Problem("doel", "te hoog", 7).render("v.yaml") == "v.yaml:7: doel: te hoog"
    assert Problem("", "leeg").render("v.yaml") == "v.yaml: leeg"
