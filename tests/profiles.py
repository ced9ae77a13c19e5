"""Three realistic municipalities, answered from their public policy documents.

Each profile says which plan it follows and where an answer rests on that plan; answers the
published parts of the plans do not settle are what a municipality of that kind typically
reports, and marked so ('aangenomen'). Codes: "0"-"3", "nvt", "onbekend"; an R after the code
means 'regionaal geregeld'. The golden tests (test_golden_profiles.py) argue each top five.
"""

from __future__ import annotations

from assess.framework.answers import Answer


def answers(spec: dict[str, str]) -> dict[str, Answer]:
    result = {}
    for qid, code in spec.items():
        regional = code.endswith("R")
        code = code.removesuffix("R")
        note = "Niet van toepassing in dit profiel." if code == "nvt" else ""
        result[qid] = Answer(code, regional, note)
    return result


# A large city, after the plans of Den Haag ('Naar een stad zonder uitbuiting. Actieprogramma
# Mensenhandel 2020-2023': voorkomen, bestrijden en beschermen; seksuele, arbeids- en criminele
# uitbuiting; zorg én veiligheid; aangeboden aan de raad) and Haarlemmermeer ('Aanpak
# mensenhandel 2024 tot 2027', vastgesteld door het college, ter informatie aan de raad, volgt
# het VNG Kader), and Amsterdam's training of balie- en loketmedewerkers, GGD-handhavers and
# woninginspecteurs. The city is a centrumgemeente: care and shelter are its own.
LARGE_CITY = {
    "A1": "3",  # actieprogramma met pijlers, doelen en acties
    "A2": "2",  # seksuele, arbeids- en criminele uitbuiting
    "A3": "1",  # aangenomen: richtlijn verkend, nog niet verwerkt
    "A4": "2",
    "A5": "2",  # aangenomen: eigen begrotingspost
    "A6": "2",
    "A7": "2",
    "A8": "1",  # aangenomen: inkoop noemt arbeidsomstandigheden alleen algemeen
    "B1": "2",
    "B2": "2",
    "B3": "1",  # aangenomen: signalen in meerdere systemen, niet geteld
    "B4": "2",
    "B5": "3",  # training van balie, handhaving, GGD en woninginspectie
    "B6": "2",
    "B7": "3",  # een week tegen mensenhandel voor inwoners
    "B8": "2",
    "B9": "1",
    "B10": "2",
    "C1": "3",  # centrumgemeente met eigen zorgcoördinatie
    "C2": "2",
    "C3": "2",
    "C4": "2",
    "C5": "1",  # aangenomen: alleen contact met Nidos in concrete gevallen
    "C6": "2",
    "C7": "1",  # aangenomen: nazorg hangt af van de hulpverlener
    "C8": "2",
    "C9": "1",
    "C10": "2",
    "C11": "1",
    "D1": "2",
    "D2": "2",
    "D3": "2",
    "D4": "2",
    "D5": "1",
    "D6": "2",
    "D7": "1",
    "D8": "1",  # aangenomen: opvang bij sluitingen per actie geregeld
    "D9": "2",  # criminele uitbuiting in het programma
    "D10": "1",
    "E1": "2",
    "E2": "2",
    "E3": "2",
    "E4": "2",
    "E5": "2",
    "E6": "3",
    "E7": "2",
    "E8": "2",
    "E9": "2",
    "E10": "1",  # aangenomen: opvang ontheemden zonder afspraken over signalen
    "E11": "onbekend",
    "E12": "nvt",
    "F1": "2",
    "F2": "2",
    "F3": "1",
    "F4": "1",  # aangenomen: eerste actieprogramma, evaluatie gepland
    "F5": "2",  # aangeboden aan de raad
    "F6": "2",
}

# A mid-sized municipality whose policy covers one form of exploitation, after Zwolle's
# 'Preventieplan loverboys' (only sexual exploitation of young girls, a chain approach, a
# teaching kit for schools, mostly paid by the province) and Utrecht's pilots that all aim at
# sexual exploitation (registration of sex workers, more enforcement). The prostitution side is
# in order; labour and criminal exploitation are out of sight.
ONE_FORM = {
    "A1": "2",  # vastgesteld plan, alleen over seksuele uitbuiting
    "A2": "0",  # één vorm
    "A3": "0",
    "A4": "2",
    "A5": "1",  # vooral provinciaal projectgeld
    "A6": "2",
    "A7": "1",  # aangenomen: beleidslijn alleen voor horeca en seksbedrijven, niet toegepast
    "A8": "0",
    "B1": "1",  # aangenomen: beleidsmedewerker doet het erbij
    "B2": "1",  # signalen gaan naar een werkgroep, niet op papier
    "B3": "1",
    "B4": "0",
    "B5": "1",  # aangenomen: alleen het jeugdteam getraind
    "B6": "1",  # alleen seksuele uitbuiting van minderjarigen
    "B7": "1",
    "B8": "2",  # leskist voor scholen
    "B9": "0",
    "B10": "1",
    "C1": "2R",
    "C2": "2R",
    "C3": "1R",
    "C4": "2R",  # ketenaanpak voor meisjes
    "C5": "onbekend",
    "C6": "onbekend",
    "C7": "1R",
    "C8": "1R",
    "C9": "0",
    "C10": "1R",
    "C11": "0",
    "D1": "2",
    "D2": "2",
    "D3": "1",
    "D4": "0",  # geen instructie voor toezichthouders buiten de prostitutie
    "D5": "0",
    "D6": "1",
    "D7": "0",
    "D8": "1",
    "D9": "0",  # criminele uitbuiting komt in het plan niet voor
    "D10": "0",
    "E1": "2",
    "E2": "2R",
    "E3": "2",
    "E4": "0",  # geen contact met de Nederlandse Arbeidsinspectie
    "E5": "2R",
    "E6": "2",
    "E7": "2R",
    "E8": "1R",
    "E9": "1",
    "E10": "1",
    "E11": "nvt",
    "E12": "nvt",
    "F1": "1",
    "F2": "1",
    "F3": "1",
    "F4": "1",
    "F5": "2",
    "F6": "1R",
}

# A small municipality that arranges much through its region, after Bergeijk and Eersel (which
# adopted the regional plan of Oost-Brabant, written by a regional working group with police,
# OM, zorgcoördinatie, Taskforce-RIEC and the ketenregisseur), the joint plan of Heemstede,
# Bloemendaal and Zandvoort, and Moerdijk's share in the regional zorgcoördinatie (EUR 4.218).
# The region carries care, the picture and the barrier model; the local basics lag behind.
SMALL_REGIONAL = {
    "A1": "2",  # regionaal plan, door het college vastgesteld
    "A2": "2",
    "A3": "0",
    "A4": "1",  # aangenomen: ambtelijk belegd, niet in de portefeuilleverdeling
    "A5": "2R",  # bijdrage aan de regionale zorgcoördinatie
    "A6": "2",
    "A7": "1R",  # regionale Bibob-beleidslijn zonder risicobranches voor mensenhandel
    "A8": "0",
    "B1": "1",  # aangenomen: aandachtsfunctionaris zonder uren
    "B2": "0",  # aangenomen: geen interne meldroute
    "B3": "onbekend",
    "B4": "0",
    "B5": "1R",
    "B6": "1R",
    "B7": "1",
    "B8": "1R",
    "B9": "0",
    "B10": "1R",
    "C1": "2R",
    "C2": "2R",
    "C3": "2R",
    "C4": "1R",  # de regionale route noemt alleen seksuele uitbuiting
    "C5": "onbekend",
    "C6": "2R",
    "C7": "1R",
    "C8": "2R",
    "C9": "1R",
    "C10": "1R",
    "C11": "1R",
    "D1": "nvt",  # geen seksbedrijven, geen aanvragen
    "D2": "nvt",
    "D3": "1R",
    "D4": "1R",  # regionale actiedagen, geen eigen instructie
    "D5": "1",
    "D6": "1R",
    "D7": "2R",  # barrièremodel van de regio
    "D8": "0",
    "D9": "1R",
    "D10": "1R",
    "E1": "2",
    "E2": "2R",
    "E3": "1",
    "E4": "1",
    "E5": "2R",
    "E6": "2",  # regionale tafel mensenhandel
    "E7": "2R",
    "E8": "2R",
    "E9": "0",
    "E10": "0",
    "E11": "nvt",
    "E12": "nvt",
    "F1": "2R",  # beeld van het RIEC
    "F2": "1R",
    "F3": "0",
    "F4": "1R",
    "F5": "1",
    "F6": "1R",
}
