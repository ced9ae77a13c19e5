"""The names shown for the framework's values, in Dutch (translated where they are shown).

One place for every page, the PDF and the API, so a pillar or a theme is called the same
everywhere. The API shows them in Dutch; pages and reports pass them through `_()`.
"""

from __future__ import annotations

from typing import Final

from assess.access import Sharing
from assess.framework.schema import Exploitation, Pillar, Plateau, TargetGroup, Theme
from assess.framework.scoring import Verdict
from assess.framework.vocabulary import ActionStatus
from assess.i18n import N_

PILLARS: Final = {
    Pillar.REGIE: N_("Regie en borging"),
    Pillar.ZORG: N_("Zorg"),
    Pillar.SIGNALERING: N_("Signalering"),
    Pillar.HANDHAVING: N_("Handhaving"),
}
THEMES: Final = {  # the five themes of the VNG Kader aanpak mensenhandel (2021)
    Theme.BELEID: N_("Beleidsmatige basis"),
    Theme.SIGNALERING: N_("Signalerend vermogen"),
    Theme.BEWUSTWORDING: N_("Bewustwording"),
    Theme.SAMENWERKING: N_("Samenwerking in keten en regio"),
    Theme.OPVANG: N_("Opvang en hulpverlening"),
}
PLATEAUS: Final = {Plateau.BASIS: N_("Basis"), Plateau.VERDIEPING: N_("Verdieping")}
FORMS: Final = {
    Exploitation.SEKSUEEL: N_("Seksuele uitbuiting"),
    Exploitation.ARBEID: N_("Arbeidsuitbuiting"),
    Exploitation.CRIMINEEL: N_("Criminele uitbuiting"),
    Exploitation.ORGAANVERWIJDERING: N_("Orgaanverwijdering"),
    Exploitation.GEDWONGEN_HUWELIJK: N_("Gedwongen huwelijk"),
    Exploitation.ILLEGALE_ADOPTIE: N_("Illegale adoptie"),
    Exploitation.DRAAGMOEDERSCHAP: N_("Uitbuiting van draagmoederschap"),
}
GROUPS: Final = {
    TargetGroup.MINDERJARIGEN: N_("Minderjarigen"),
    TargetGroup.AMV: N_("Alleenstaande minderjarige vreemdelingen"),
    TargetGroup.ARBEIDSMIGRANTEN: N_("Arbeidsmigranten"),
    TargetGroup.ZONDER_VERBLIJFSSTATUS: N_("Slachtoffers zonder verblijfsstatus"),
    TargetGroup.SEKSWERKERS: N_("Sekswerkers"),
    TargetGroup.JEUGDZORG: N_("Jongeren in de jeugdzorg"),
    TargetGroup.ASIEL: N_("Asielzoekers en ontheemden"),
    TargetGroup.DADERS: N_("Daders en jongeren die dader én slachtoffer zijn"),
}
LEVELS: Final = {
    0: N_("Afwezig"),
    1: N_("In ontwikkeling"),
    2: N_("Basis"),
    3: N_("Verdieping"),
}
VERDICTS: Final = {
    Verdict.REACHED: N_("Basisniveau bereikt"),
    Verdict.MOSTLY: N_("Grotendeels op basisniveau"),
    Verdict.PARTLY: N_("Deels op basisniveau"),
    Verdict.BELOW: N_("Grotendeels onder het basisniveau"),
}
SHARING: Final = {
    Sharing.PRIVATE: N_("Privé"),
    Sharing.ANONYMISED: N_("Geanonimiseerd"),
    Sharing.NAMED: N_("Met naam voor VNG"),
}
SHARING_MEANS: Final = {  # what a sharing level means, where an officer chooses and confirms it
    Sharing.PRIVATE: N_(
        "Alleen voor uw eigen gemeente. Uw scores tellen niet mee in vergelijkingen en in de "
        "landelijke benchmark. Niemand buiten uw gemeente ziet iets."
    ),
    Sharing.ANONYMISED: N_(
        "Uw scores tellen anoniem mee in vergelijkingen en de landelijke benchmark, alleen in "
        "groepen van minstens vijf gemeenten. Niemand ziet uw naam, antwoorden of toelichtingen."
    ),
    Sharing.NAMED: N_(
        "Zoals geanonimiseerd, en VNG en de regiocoördinator van uw RIEC-regio mogen uw "
        "zelfevaluatie met naam inzien: de antwoorden, toelichtingen en onderbouwingen. Andere "
        "gemeenten zien nog steeds alleen anonieme groepscijfers."
    ),
}

ACTION_STATUS: Final = {
    ActionStatus.PLANNED: N_("gepland"),
    ActionStatus.STARTED: N_("bezig"),
    ActionStatus.DONE: N_("gereed"),
    ActionStatus.DROPPED: N_("vervallen"),
}
