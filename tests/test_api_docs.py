"""docs/api.md stays true: every curl example in it runs against the app and gives its status.

The guide's ```sh blocks hold curl commands, each preceded by a comment `# verwacht: NNN`. They
run in document order through the test client, as a medewerker of OWN: `$TOKEN` is that
medewerker's token and `$ID` the id that the guide's own create step (a 201 on
POST /api/v1/gemeenten/{gemeentecode}/zelfevaluaties) returned. Other commands in the blocks
(such as `uv run assess token create`) are not run, and may not contain curl.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

import pytest

from conftest import ROOT

GUIDE = ROOT / "docs" / "api.md"
HOST = "http://127.0.0.1:8000"
EXPECTED = re.compile(r"#\s*verwacht:\s*(?P<status>\d{3})\s*")
VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)\}|(?P<name>\w+))")
CREATE = re.compile(r"/api/v1/gemeenten/GM[0-9]{4}/zelfevaluaties")
QUIET_FLAGS = {"-i", "-s", "-si", "-is", "--include", "--silent"}


@dataclass(frozen=True)
class Example:
    line: int
    command: str
    status: int


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None


def sh_blocks(text: str) -> list[tuple[int, list[str]]]:
    """(line number of the first line, lines) of each ```sh block."""
    blocks, current, start = [], None, 0
    for number, line in enumerate(text.splitlines(), 1):
        if current is None and line.strip() == "```sh":
            current, start = [], number + 1
        elif current is not None and line.strip() == "```":
            blocks.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
    assert current is None, f"{GUIDE.name}: the ```sh block from line {start} is not closed"
    return blocks


def commands(start: int, lines: list[str]) -> list[tuple[int, str]]:
    """Logical shell lines (backslash continuations joined), with their first line number."""
    found, parts, first = [], [], 0
    for number, line in enumerate(lines, start):
        if not parts:
            first = number
        if line.endswith("\\"):
            parts.append(line[:-1])
            continue
        parts.append(line)
        found.append((first, " ".join(part.strip() for part in parts)))
        parts = []
    assert not parts, f"{GUIDE.name}:{first}: a command ends in a backslash"
    return found


def examples(text: str) -> tuple[list[Example], list[str]]:
    """The curl examples in order, and a problem per example without exactly one expectation."""
    found: list[Example] = []
    problems: list[str] = []
    for start, lines in sh_blocks(text):
        expected: tuple[int, int] | None = None
        for line, command in commands(start, lines):
            where = f"{GUIDE.name}:{line}"
            if match := EXPECTED.fullmatch(command):
                if expected is not None:
                    problems.append(f"{where}: a second '# verwacht' before one curl command")
                expected = (line, int(match["status"]))
            elif not command or command.startswith("#"):
                continue
            elif command.startswith("curl "):
                if expected is None:
                    problems.append(f"{where}: curl without '# verwacht: NNN' above it")
                else:
                    found.append(Example(line, command, expected[1]))
                expected = None
            elif "curl" in command:
                problems.append(f"{where}: curl must start the command, to be run: {command}")
        if expected is not None:
            problems.append(f"{GUIDE.name}:{expected[0]}: '# verwacht' without a curl command")
    return found, problems


def expand(command: str, variables: dict[str, str]) -> str:
    """Replace $NAME and ${NAME} as the shell would: not inside single quotes."""
    out, quote, i = [], None, 0
    while i < len(command):
        char = command[i]
        if char == "\\" and quote != "'":
            out.append(command[i : i + 2])
            i += 2
            continue
        if char in "'\"" and quote in (None, char):
            quote = None if quote else char
        elif char == "$" and quote != "'" and (match := VARIABLE.match(command, i)):
            name = match["braced"] or match["name"]
            if name not in variables:
                raise AssertionError(f"${name} is not known here (known: {sorted(variables)})")
            out.append(variables[name])
            i = match.end()
            continue
        out.append(char)
        i += 1
    return "".join(out)


def parse_curl(command: str) -> Request:
    """The request a curl command sends; only the options the guide may use."""
    words = shlex.split(command)
    assert words[0] == "curl", command
    method, url, headers, body = None, None, {}, None
    rest = iter(words[1:])
    for word in rest:
        if word in ("-X", "--request"):
            method = next(rest)
        elif word in ("-H", "--header"):
            name, colon, value = next(rest).partition(":")
            assert colon, f"header without a colon in: {command}"
            headers[name.strip()] = value.strip()
        elif word in ("-d", "--data", "--data-raw"):
            body = next(rest)
            assert not (word != "--data-raw" and body.startswith("@")), "no @file bodies"
        elif word in QUIET_FLAGS:
            pass
        elif word.startswith("-"):
            raise AssertionError(f"curl option {word} is not supported by this test: {command}")
        else:
            assert url is None, f"two URLs in: {command}"
            url = word
    assert url and url.startswith(f"{HOST}/api/v1"), f"the URL must start with {HOST}/api/v1"
    if body is not None and not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = "application/x-www-form-urlencoded"  # what curl sends
    default = "POST" if body is not None else "GET"
    return Request(method or default, url.removeprefix(HOST), headers, body)


def test_every_curl_example_states_its_expected_status():
    found, problems = examples(GUIDE.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)
    assert len(found) >= 10, "the guide lost its examples, or this test cannot find them"


def test_the_examples_parse_as_a_shell_would():
    assert expand("""-H "Bearer $TOKEN" -d '{"a": "$ID"}' ${ID}""", {"TOKEN": "t", "ID": "i"}) == (
        """-H "Bearer t" -d '{"a": "$ID"}' i"""
    )
    request = parse_curl(
        f"""curl -s -H 'If-Match: "1"' -d '{{"jaar": 2026}}' {HOST}/api/v1/gemeenten"""
    )
    assert request == Request(
        "POST",
        "/api/v1/gemeenten",
        {"If-Match": '"1"', "Content-Type": "application/x-www-form-urlencoded"},
        '{"jaar": 2026}',
    )
    with pytest.raises(AssertionError, match="not supported"):
        parse_curl(f"curl -L {HOST}/api/v1/gemeenten")


def test_every_example_in_the_guide_gives_the_status_it_promises(client, tokens):
    found, problems = examples(GUIDE.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)
    variables = {"TOKEN": tokens["medewerker"]}
    for example in found:
        where = f"{GUIDE.name}:{example.line}"
        try:
            request = parse_curl(expand(example.command, variables))
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None
        content = request.body.encode() if request.body is not None else None
        response = client.request(
            request.method, request.path, headers=request.headers, content=content
        )
        assert response.status_code == example.status, (
            f"{where}: expected {example.status}, got {response.status_code}\n"
            f"{example.command}\n{response.text[:1000]}"
        )
        if (
            request.method == "POST"
            and CREATE.fullmatch(request.path)
            and response.status_code == 201
        ):
            variables.setdefault("ID", response.json()["id"])
    assert "ID" in variables, "the guide never creates a zelfevaluatie"
