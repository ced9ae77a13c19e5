"""The shipped questionnaire covers the framework the issue names."""

from __future__ import annotations

from collections import Counter

from assess.framework.schema import Exploitation, Pillar, Plateau, TargetGroup, Theme


def test_identity_and_size(questionnaire):
    assert (questionnaire.id, questionnaire.versie) == ("zelfscan-mensenhandel", "2026.1")
    assert [d.code for d in questionnaire.domeinen] == list("ABCDEF")
    assert 40 <= len(questionnaire.questions()) <= 60


def test_ids_are_stable_and_sequential_per_domain(questionnaire):
    for domain in questionnaire.domeinen:
        assert [q.id for q in domain.vragen] == [
            f"{domain.code}{i}" for i in range(1, len(domain.vragen) + 1)
        ]


def test_every_theme_at_both_plateaus(questionnaire):
    combos = Counter((q.thema, q.plateau) for q in questionnaire.questions())
    missing = [(t, p) for t in Theme for p in Plateau if not combos[(t, p)]]
    assert missing == []


def test_every_pillar_is_well_represented(questionnaire):
    pillars = Counter(q.pijler for q in questionnaire.questions())
    assert all(pillars[p] >= 8 for p in Pillar), pillars


def test_every_form_of_exploitation_and_special_group(questionnaire):
    forms = {f for q in questionnaire.questions() for f in q.uitbuitingsvormen}
    groups = {g for q in questionnaire.questions() for g in q.doelgroepen}
    assert forms == set(Exploitation)
    assert groups == set(TargetGroup)


def test_ibp_and_ccv_elements_are_declared(questionnaire):
    sources = {s.id: s for s in questionnaire.bronnen}
    assert {
        "beleid",
        "aandachtsfunctionaris",
        "signalering",
        "opvang-nazorg",
        "zorgcoordinatie",
    } <= set(sources["ibp-5-11"].onderdelen)
    assert {"actieve-signalering", "aanspreekpunt", "beleid-regelgeving"} <= set(
        sources["ccv-basisniveau"].onderdelen
    )


def test_recommendations_differ_per_level(questionnaire):
    for q in questionnaire.questions():
        texts = [q.aanbevelingen[level] for level in sorted(q.aanbevelingen)]
        assert len(set(texts)) == len(texts), q.id


def test_nvt_only_where_it_can_truly_not_apply(questionnaire):
    allowed = [q.id for q in questionnaire.questions() if q.nvt_toegestaan]
    assert 0 < len(allowed) <= len(questionnaire.questions()) // 4
