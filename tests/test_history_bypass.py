"""SECURITY.md T35 (lint part): nothing writes audited models behind history's back.

``QuerySet.update()``, ``bulk_create()`` and ``bulk_update()`` write no history rows, so
application code must not call them on querysets. A helper whose name ends in
``_with_history`` may, because it writes the history rows itself.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Every top-level package but the tests and the bench.
APPS = sorted(
    init.parent.name
    for init in ROOT.glob("*/__init__.py")
    if init.parent.name not in {"tests", "bench"}
)
BULK = {"bulk_create", "bulk_update"}
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "select_related"}


def app_sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = set(path.relative_to(ROOT).parts)
            if not parts & {"tests", "migrations", "testing"}:
                yield path


def _chain_names(node) -> set[str]:
    """Attribute and call names along a receiver chain such as X.objects.filter(...)."""
    names = set()
    while True:
        if isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
            node = node.value
        else:
            return names


def offences(source: str) -> list[int]:
    tree = ast.parse(source)
    allowed_lines = set()
    for func in ast.walk(tree):
        if isinstance(func, ast.FunctionDef) and func.name.endswith("_with_history"):
            allowed_lines.update(range(func.lineno, (func.end_lineno or func.lineno) + 1))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        on_queryset = method == "update" and _chain_names(node.func.value) & QUERYSET_HINTS
        if (method in BULK or on_queryset) and node.lineno not in allowed_lines:
            found.append(node.lineno)
    return found


@pytest.mark.parametrize("path", list(app_sources()), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_history_bypass(path):
    assert offences(path.read_text()) == [], f"{path}: QuerySet.update()/bulk_* on a model"


def test_the_lint_catches_bypasses():
    code = (
        "def a():\n    Incident.objects.filter(pk=1).update(status='x')\n"
        "def b():\n    Incident.objects.bulk_create([])\n"
        "def c():\n    fields.update({'x'})\n"
        "def d_with_history():\n    Incident.objects.filter(pk=1).update(status='x')\n"
    )
    assert offences(code) == [2, 4]
