"""The layers stay as docs/development.md draws them: imports one way, small modules, no
access decisions or SQL in the web layer, and every module on the map."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "assess"
MAX_LINES = 450
MODULES = sorted(
    p
    for p in PACKAGE.rglob("*.py")
    if "migrations" not in p.parts and p.name != "check_gemeenten.py"
)


def name_of(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in found if name.startswith("assess")}


def layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_imports_run_one_way(path):
    module, used = name_of(path), imports(path)
    if layer(module) == "framework":
        assert all(layer(m) == "framework" for m in used), (module, used)
    if module == "assess.access":
        assert all(layer(m) == "framework" for m in used), used
    if layer(module) in ("services", "framework", "db"):
        assert not {m for m in used if layer(m) in ("web", "cli")}, (module, used)
    if layer(module) == "web":
        assert not any(m.startswith("assess.db.models") for m in used), (module, used)
    if module.startswith("assess.web.pages"):
        assert not any(m.startswith("assess.web.api") for m in used), (module, used)


@pytest.mark.parametrize("path", MODULES, ids=name_of)
def test_modules_stay_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name_of(path)} has {lines} lines"


WEB = sorted((PACKAGE / "web").rglob("*.py"))


@pytest.mark.parametrize("path", [p for p in WEB if p.name != "auth.py"], ids=name_of)
def test_web_handlers_decide_no_access_and_run_no_sql(path):
    """Roles are checked in the use cases (and by the guards in auth.py), SQL runs in services."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            assert node.attr != "role", f"{name_of(path)}:{node.lineno} checks a role"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id not in ("select", "update", "delete", "insert"), (
                f"{name_of(path)}:{node.lineno} runs SQL"
            )


def test_every_service_and_web_module_is_on_the_map():
    text = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    for path in [*(PACKAGE / "services").glob("*.py"), *(PACKAGE / "web").glob("*.py")]:
        if path.name == "__init__.py":
            continue
        assert path.stem in text, f"{path.relative_to(ROOT)} is missing from docs/development.md"
