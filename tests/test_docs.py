"""The docs stay true: every command and setting is documented, every linked file exists."""

from __future__ import annotations

import re

import click
import pytest

from assess.cli import cli
from assess.config import SETTING_NAMES

from conftest import ROOT

DOCS = ROOT / "docs"


def command_paths(group: click.Group, prefix: str = "") -> list[str]:
    paths = []
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            paths += command_paths(command, f"{prefix}{name} ")
        else:
            paths.append(f"{prefix}{name}")
    return paths


@pytest.mark.parametrize("command", command_paths(cli))
def test_every_cli_command_has_a_section(command):
    headings = re.findall(r"^## `([^`]*)`", (DOCS / "cli.md").read_text(), re.M)
    assert any(h == command or h.startswith(command + " ") for h in headings), command


def test_every_documented_command_exists():
    headings = re.findall(r"^## `([^`]*)`", (DOCS / "cli.md").read_text(), re.M)
    known = command_paths(cli)
    for heading in headings:
        words = heading.split()
        assert " ".join(words[:2]) in known or words[0] in known, heading


def environment_variables() -> set[str]:
    """Every ASSESS_* variable that the code, the tests or CI read."""
    sources = [*(ROOT / "assess").rglob("*.py"), *(ROOT / "tests").glob("*.py"), ROOT / ".ci/run"]
    text = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    return set(re.findall(r"\bASSESS_[A-Z][A-Z_]*\b", text))


@pytest.mark.parametrize("name", sorted({*SETTING_NAMES, *environment_variables()}))
def test_every_setting_is_documented(name):
    assert f"`{name}`" in (DOCS / "settings.md").read_text()


def test_readme_gives_the_two_commands_first():
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh", 1)[1].split("```", 1)[0]
    assert "uv run assess demo" in first_block and "uv run pytest" in first_block


@pytest.mark.parametrize("document", ["README.md", *(f"docs/{p.name}" for p in DOCS.glob("*.md"))])
def test_relative_links_point_to_files(document):
    path = ROOT / document
    for target in re.findall(r"\]\(([^)#:]+)\)", path.read_text()):
        assert (path.parent / target).exists(), f"{document} links to missing {target}"


def test_ci_runs_the_readme_test_command():
    assert "uv run pytest" in (ROOT / ".ci" / "run").read_text()
