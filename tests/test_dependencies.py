"""Every third-party package the application imports is a declared dependency: `make run`
installs the project without its dev extra, so a package only a test tool pulls in would
break a fresh machine (as `requests` once did)."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Test code, test helpers and the benchmarks run with the dev extra installed.
NOT_APPLICATION = {"tests", "testing", "bench", ".venv", "node_modules"}


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return {
        normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in project["dependencies"]
    }


def application_files():
    for path in ROOT.rglob("*.py"):
        parts = set(path.relative_to(ROOT).parts)
        if not parts & NOT_APPLICATION and path.name != "conftest.py":
            yield path


def imported_top_levels(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_every_imported_package_is_a_declared_dependency():
    local = {path.name for path in ROOT.iterdir() if path.is_dir() or path.suffix == ".py"}
    local |= {path.stem for path in ROOT.glob("*.py")}
    providers = packages_distributions()
    wanted = declared()
    missing = {}
    for path in application_files():
        for name in imported_top_levels(path) - local - set(sys.stdlib_module_names):
            dists = {normal(dist) for dist in providers.get(name, [name])}
            if not dists & wanted and not any(_required_by(dist, wanted) for dist in dists):
                missing.setdefault(name, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported but not declared in pyproject.toml: {missing}"


def _required_by(dist: str, wanted: set[str]) -> bool:
    """A package that a declared dependency brings (Django brings asgiref, Celery kombu)."""
    from importlib.metadata import PackageNotFoundError, requires

    for parent in wanted:
        try:
            needs = requires(parent) or []
        except PackageNotFoundError:
            continue
        always = [need for need in needs if "extra ==" not in need]
        if any(normal(re.split(r"[<>=!~\[; (]", need, maxsplit=1)[0]) == dist for need in always):
            return True
    return False
