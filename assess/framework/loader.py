"""Load and validate a questionnaire file, reporting every problem with its location.

Pure: takes text, returns a Questionnaire or raises QuestionnaireInvalid with a list of
Problems. The CLI prints them as `file:line: path: message`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import msgspec
import yaml

from assess.framework.messages import in_dutch
from assess.framework.schema import LEVELS, Domain, Question, Questionnaire

PathPart = str | int


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None

    def render(self, filename: str) -> str:
        where = f"{filename}:{self.line}" if self.line else filename
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class QuestionnaireInvalid(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} probleem/problemen in de vragenlijst")
        self.problems = problems


class _StrictLoader(yaml.SafeLoader):
    """YAML without silently dropped content: a key given twice in one mapping is an error
    (PyYAML would keep the last value and say nothing)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"de sleutel '{key}' staat twee keer in hetzelfde object",
                    key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep)


def parse_questionnaire(text: str, earlier: Iterable[Questionnaire] = ()) -> Questionnaire:
    """Parse YAML text into a Questionnaire, checking structure and meaning.

    `earlier` holds other known versions, used to check the mapping to a previous version.
    """
    try:
        root = yaml.compose(text, Loader=_StrictLoader)
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader
    except RecursionError:
        raise QuestionnaireInvalid(
            [Problem("", "het bestand is te diep genest om te lezen")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(exc, "problem", None) or str(exc)
        raise QuestionnaireInvalid([Problem("", f"geen geldige YAML: {reason}", line)]) from exc
    if not isinstance(data, dict):
        raise QuestionnaireInvalid([Problem("", "het bestand moet een YAML-object bevatten", 1)])

    problems = _structure_problems(data)
    questionnaire = None
    if not problems:
        questionnaire = msgspec.convert(data, Questionnaire)
        problems = list(_meaning_problems(questionnaire, list(earlier)))
    if problems:
        raise QuestionnaireInvalid([_with_line(p, root) for p in problems])
    assert questionnaire is not None
    return questionnaire


# --- structure -------------------------------------------------------------------------


def _structure_problems(data: dict[str, Any]) -> list[Problem]:
    """Convert level by level so that one bad question does not hide the others."""
    domains = data.get("domeinen")
    if not isinstance(domains, list) or not all(isinstance(d, dict) for d in domains):
        return _convert_problems(data, Questionnaire, "")
    placeholder = [{**d, "vragen": [_PLACEHOLDER_QUESTION]} for d in domains]
    problems = _convert_problems({**data, "domeinen": placeholder}, Questionnaire, "")
    for i, domain in enumerate(domains):
        questions = domain.get("vragen")
        if not isinstance(questions, list):
            continue
        for j, question in enumerate(questions):
            problems += _convert_problems(question, Question, f"domeinen[{i}].vragen[{j}]")
    return problems


_PLACEHOLDER_QUESTION = {
    "id": "A1",
    "vraag": "-",
    "uitleg": "-",
    "pijler": "zorg",
    "thema": "beleid",
    "plateau": "basis",
    "niveaus": {0: "-"},
    "aanbevelingen": {},
    "bronnen": ["-"],
}


def _convert_problems(data: Any, kind: type, prefix: str) -> list[Problem]:
    try:
        msgspec.convert(data, kind)
    except msgspec.ValidationError as exc:
        return [_translate(str(exc), prefix)]
    return []


_AT = re.compile(r"^(?P<msg>.*?)(?: - at (?P<key>`key` in )?`(?P<path>[^`]*)`)?$", re.S)
_FIELD = re.compile(r"Object (?:contains unknown|missing required) field `(.+)`")


def _translate(raw: str, prefix: str) -> Problem:
    """Turn a msgspec message into a Dutch sentence and a path without the leading `$`."""
    match = _AT.match(raw)
    assert match is not None
    message, path = match["msg"], match["path"] or "$"
    field = _FIELD.match(message)
    if field:
        path = f"{path}.{field.group(1)}"
    dutch = in_dutch(message) + (" (in een sleutel)" if match["key"] else "")
    return Problem(_join(prefix, path.removeprefix("$").removeprefix(".")), dutch)


def _join(prefix: str, rest: str) -> str:
    if not prefix:
        return rest
    if not rest:
        return prefix
    return f"{prefix}{rest}" if rest.startswith("[") else f"{prefix}.{rest}"


# --- meaning ---------------------------------------------------------------------------


def _meaning_problems(q: Questionnaire, earlier: list[Questionnaire]) -> Iterator[Problem]:
    source_parts = {s.id: set(s.onderdelen) for s in q.bronnen}
    yield from _duplicates((s.id for s in q.bronnen), "bronnen", "bron")
    yield from _duplicates((a.code for a in q.actielijnen), "actielijnen", "actielijn")
    yield from _duplicates((d.code for d in q.domeinen), "domeinen", "domeincode")
    yield from _duplicates((x.id for x in q.questions()), "domeinen", "vraag-id")
    action_lines = {a.code for a in q.actielijnen}
    covered: set[tuple[str, str]] = set()
    for i, domain in enumerate(q.domeinen):
        for j, question in enumerate(domain.vragen):
            at = f"domeinen[{i}].vragen[{j}]"
            yield from _question_problems(domain, question, at, source_parts, action_lines)
            for ref in question.bronnen:
                source_id, _, part = ref.partition("#")
                covered.add((source_id, part))
    for i, source in enumerate(q.bronnen):
        for part in source.onderdelen:
            if (source.id, part) not in covered:
                yield Problem(
                    f"bronnen[{i}].onderdelen.{part}",
                    f"onderdeel '{part}' van bron '{source.id}' wordt door geen vraag gedekt",
                )
    if q.handboek is not None and q.handboek not in source_parts:
        yield Problem("handboek", f"onbekende bron '{q.handboek}'")
    if q.vorige_versie is not None:
        yield from _mapping_problems(q, earlier)


def _duplicates(values: Iterable[Any], path: str, what: str) -> Iterator[Problem]:
    seen: set[Any] = set()
    for value in values:
        if value in seen:
            yield Problem(path, f"{what} '{value}' komt meer dan eens voor")
        seen.add(value)


def _question_problems(
    domain: Domain,
    question: Question,
    at: str,
    source_parts: dict[str, set[str]],
    action_lines: set[int],
) -> Iterator[Problem]:
    if not question.id.startswith(domain.code):
        yield Problem(f"{at}.id", f"vraag '{question.id}' hoort bij domein {domain.code}")
    missing = [level for level in LEVELS if level not in question.niveaus]
    extra = sorted(set(question.niveaus) - set(LEVELS))
    if missing:
        yield Problem(f"{at}.niveaus", f"beschrijving ontbreekt voor niveau {_levels(missing)}")
    if extra:
        yield Problem(f"{at}.niveaus", f"niveau {_levels(extra)} bestaat niet (alleen 0 t/m 3)")
    if question.doel not in LEVELS:
        yield Problem(f"{at}.doel", f"doel {question.doel} ligt niet tussen 0 en 3")
    else:
        yield from _recommendation_problems(question, at)
    for k, ref in enumerate(question.bronnen):
        source, _, part = ref.partition("#")
        if source not in source_parts:
            yield Problem(f"{at}.bronnen[{k}]", f"onbekende bron '{source}'")
        elif part and part not in source_parts[source]:
            yield Problem(f"{at}.bronnen[{k}]", f"bron '{source}' heeft geen onderdeel '{part}'")
    for k, code in enumerate(question.actielijnen):
        if code not in action_lines:
            yield Problem(f"{at}.actielijnen[{k}]", f"onbekende actielijn {code}")


def _recommendation_problems(question: Question, at: str) -> Iterator[Problem]:
    below = [level for level in LEVELS if level < question.doel]
    lacking = [level for level in below if level not in question.aanbevelingen]
    surplus = sorted(set(question.aanbevelingen) - set(below))
    if lacking:
        yield Problem(
            f"{at}.aanbevelingen", f"aanbeveling ontbreekt voor niveau {_levels(lacking)}"
        )
    if surplus:
        yield Problem(
            f"{at}.aanbevelingen",
            f"aanbeveling voor niveau {_levels(surplus)} is overbodig: dat niveau haalt het doel",
        )


def _levels(levels: list[int]) -> str:
    return ", ".join(str(level) for level in levels)


def _mapping_problems(q: Questionnaire, earlier: list[Questionnaire]) -> Iterator[Problem]:
    previous = q.vorige_versie
    assert previous is not None
    at = "vorige_versie.vragen"
    if _version_key(previous.versie) >= _version_key(q.versie):
        yield Problem(
            "vorige_versie.versie", f"versie {previous.versie} is niet ouder dan {q.versie}"
        )
    own_ids = {x.id for x in q.questions()}
    successors = previous.successors()
    for old_id, successor in successors.items():
        if successor.naar is not None and successor.naar not in own_ids:
            yield Problem(f"{at}.{old_id}", f"vraag '{successor.naar}' bestaat niet")
        if successor.naar is None and not successor.reden:
            yield Problem(f"{at}.{old_id}", "geef de reden waarom de vraag vervalt")
        if successor.naar is not None and not successor.overnemen and not successor.reden:
            yield Problem(f"{at}.{old_id}", "geef de reden waarom het antwoord niet overgaat")
    carried = (s.naar for s in successors.values() if s.carries_over)
    yield from _duplicates(carried, at, "vraag die een overgenomen antwoord krijgt,")
    old = next((e for e in earlier if e.id == q.id and e.versie == previous.versie), None)
    if old is None:
        return
    old_ids = [x.id for x in old.questions()]
    for old_id in successors:
        if old_id not in old_ids:
            yield Problem(f"{at}.{old_id}", f"versie {old.versie} heeft geen vraag '{old_id}'")
    for old_id in old_ids:
        if old_id not in successors:
            yield Problem(
                at, f"vraag '{old_id}' van versie {old.versie} ontbreekt: koppel of laat vervallen"
            )


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def carried_over(
    newer: Questionnaire, older: Questionnaire, known: Iterable[Questionnaire] = ()
) -> dict[str, str]:
    """This version's question ids -> the ids in `older` whose answers carry over to them.

    The same version maps every question to itself. A newer version follows its
    `vorige_versie` back, through the versions in `known`, to `older`: only questions whose
    meaning was kept carry an answer. Without a way back, questions keep their own ids.
    """
    if newer.versie == older.versie:
        return {x.id: x.id for x in newer.questions()}
    versions = {v.versie: v for v in (*known, older, newer) if v.id == newer.id}
    mapping = {x.id: x.id for x in newer.questions()}
    current = newer
    while _version_key(current.versie) > _version_key(older.versie):
        previous = current.vorige_versie
        if previous is None or previous.versie not in versions:
            break
        back = {s.naar: old for old, s in previous.successors().items() if s.carries_over}
        mapping = {new: back[mid] for new, mid in mapping.items() if mid in back}
        current = versions[previous.versie]
    if current.versie == older.versie:
        return mapping
    old_ids = {x.id for x in older.questions()}  # no way back: the same ids carry over
    return {new: mid for new, mid in mapping.items() if mid in old_ids}


# --- locations -------------------------------------------------------------------------

_SEGMENT = re.compile(r"\.?([^.\[\]]+)|\[(\d+|\.\.\.)\]")


def _with_line(problem: Problem, root: yaml.Node | None) -> Problem:
    if problem.line is not None or root is None:
        return problem
    node = root
    for name, index in _SEGMENT.findall(problem.path):
        child = _child(node, name or index, by_index=not name)
        if child is None:
            break
        node = child
    return Problem(problem.path, problem.message, node.start_mark.line + 1)


def _child(node: yaml.Node, segment: str, by_index: bool) -> yaml.Node | None:
    if isinstance(node, yaml.SequenceNode) and by_index and segment.isdigit():
        items: list[yaml.Node] = node.value
        return items[int(segment)] if int(segment) < len(items) else None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if str(key.value) == segment:
                child: yaml.Node = value
                return child
    return None
