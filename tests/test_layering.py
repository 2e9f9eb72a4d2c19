"""The import rules between the layers, checked on the source with ``ast``.

states -> standard library and ``transitions`` only; workflow -> states; storage -> states,
workflow, SQLAlchemy, Alembic; notifications -> states, workflow (and the template and mail
libraries it is built on); config -> everything but cli and web; cli -> anything; web ->
everything but cli (and FastAPI with pydantic).
Relative imports (``from ..states.case import X``) count as the package they name; imports
inside functions count too.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "beteiligung"
LAYERS = ("states", "workflow", "storage", "notifications", "config", "cli", "web")
INTERNAL = (*LAYERS, "web")
STDLIB = "<stdlib>"

# layer -> (allowed layers of this package, allowed third-party top-level modules or "*")
ALLOWED: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "states": (frozenset({"states"}), frozenset({"transitions"})),
    "workflow": (frozenset({"states", "workflow"}), frozenset()),
    "storage": (frozenset({"states", "workflow", "storage"}),
                frozenset({"sqlalchemy", "alembic"})),
    "notifications": (frozenset({"states", "workflow", "notifications"}),
                      frozenset({"jinja2", "aiosmtplib", "icalendar", "holidays", "apscheduler"})),
    "config": (frozenset({"states", "workflow", "storage", "notifications", "config"}),
               frozenset({"*"})),
    "cli": (frozenset(INTERNAL), frozenset({"*"})),
    "web": (frozenset({"states", "workflow", "storage", "notifications", "config", "web"}),
            frozenset({"fastapi", "starlette", "pydantic", "uvicorn", "argon2", "jinja2"})),
}


@dataclass(frozen=True)
class Import:
    line: int
    target: str  # a layer name, STDLIB, or a third-party top-level module
    text: str


def _module_package(path: Path) -> list[str]:
    """The package a file's relative imports start from, e.g. ['beteiligung', 'states']."""
    parts = [PACKAGE, *path.relative_to(ROOT).with_suffix("").parts]
    return parts[:-1]  # a module's package; for __init__.py, the package it initialises


def _classify(dotted: list[str]) -> str:
    if not dotted:
        return PACKAGE
    if dotted[0] == PACKAGE:
        return dotted[1] if len(dotted) > 1 else PACKAGE
    if dotted[0] in sys.stdlib_module_names:
        return STDLIB
    return dotted[0]


def imports_of(source: str, path: Path) -> list[Import]:
    """Every import in ``source`` (as if it were the file ``path``) with what it points to."""
    found: list[Import] = []
    for node in ast.walk(ast.parse(source, str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(Import(node.lineno, _classify(alias.name.split(".")),
                                    f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            text = f"from {'.' * node.level}{node.module or ''} import " + ", ".join(
                a.name for a in node.names)
            if node.level == 0:
                base: list[str] = []
            else:
                package = _module_package(path)
                base = package[:len(package) - (node.level - 1)]
            dotted = base + (node.module.split(".") if node.module else [])
            target = _classify(dotted)
            if target == PACKAGE:  # "from .. import states": each name is what is imported
                for alias in node.names:
                    found.append(Import(node.lineno, _classify([*dotted, alias.name]), text))
            else:
                found.append(Import(node.lineno, target, text))
    return found


def violations(layer: str, source: str, path: Path) -> list[str]:
    layers, third_party = ALLOWED[layer]
    wrong = []
    for item in imports_of(source, path):
        if item.target == STDLIB:
            continue
        if item.target in INTERNAL or item.target == PACKAGE:
            ok = item.target in layers
        else:
            ok = "*" in third_party or item.target in third_party
        if not ok:
            wrong.append(f"{path.relative_to(ROOT)}:{item.line}: {item.text} "
                         f"(points to {item.target})")
    return wrong


def _files(layer: str) -> list[Path]:
    return sorted((ROOT / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_point_the_right_way(layer):
    files = _files(layer)
    assert files, f"no Python files under {layer}/"
    wrong = [v for path in files
             for v in violations(layer, path.read_text(encoding="utf-8"), path)]
    assert wrong == [], "imports against the layering:\n" + "\n".join(wrong)


# --- the checker itself


def _check(layer: str, source: str, name: str = "module.py") -> list[str]:
    return violations(layer, source, ROOT / layer / name)


@pytest.mark.parametrize(("layer", "source"), [
    ("states", "from ..storage.sql import SqlUnitOfWork\n"),
    ("states", "from ..workflow import core\n"),
    ("states", "import sqlalchemy\n"),
    ("states", "from beteiligung.config.settings import Settings\n"),
    ("states", "def f():\n    from .. import workflow\n"),
    ("workflow", "from ..storage import sql\n"),
    ("workflow", "from sqlalchemy import select\n"),
    ("workflow", "import transitions\n"),
    ("workflow", "from ..config.bootstrap import build_env\n"),
    ("storage", "from ..config.settings import Settings\n"),
    ("storage", "from ..notifications import outbox\n"),
    ("storage", "import jinja2\n"),
    ("notifications", "from ..storage.sql import SqlUnitOfWork\n"),
    ("notifications", "from ..config import settings\n"),
    ("config", "from ..cli.main import main\n"),
    ("config", "from ..web import app\n"),
    ("config", "import beteiligung.cli.render\n"),
])
def test_checker_finds_a_wrong_import(layer, source):
    assert len(_check(layer, source)) == 1


@pytest.mark.parametrize(("layer", "source"), [
    ("states", "from __future__ import annotations\nimport tomllib\nfrom .case import Case\n"),
    ("states", "from transitions import Machine\nfrom zoneinfo import ZoneInfo\n"),
    ("workflow", "from ..states.case import Case\nfrom .ports import NewEvent\n"),
    ("workflow", "from .. import states\n"),
    ("storage", "from sqlalchemy import select\nfrom alembic import op\n"
                "from ..workflow.audit import chain\nfrom beteiligung.storage.schema import B\n"),
    ("notifications", "from ..workflow.ports import NewEvent\nimport jinja2\n"),
    ("config", "import platformdirs\nfrom ..storage.engine import make_engine\n"
               "from ..notifications import outbox\n"),
    ("cli", "from ..config.bootstrap import build_env\nfrom ..storage import sql\n"),
])
def test_checker_allows_a_right_import(layer, source):
    assert _check(layer, source) == []


def test_relative_imports_resolve_from_nested_packages():
    path = ROOT / "storage" / "migrations" / "versions" / "0002_x.py"
    assert [i.target for i in imports_of("from ...schema import T\n", path)] == ["storage"]
    assert [i.target for i in imports_of("from ....states import case\n", path)] == ["states"]
    init = ROOT / "workflow" / "__init__.py"
    assert [i.target for i in imports_of("from ..states import case\n", init)] == ["states"]
    assert [i.target for i in imports_of("from . import core\n", init)] == ["workflow"]
