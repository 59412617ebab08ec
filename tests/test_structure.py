"""The code's shape: small modules and no import cycle between the project's modules."""

import ast
import tomllib
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
# Every top-level package of the project (each app, the kit, the bench), found, not listed.
PACKAGES = tuple(
    sorted(init.parent.name for init in ROOT.glob("*/__init__.py") if init.parent.name != "tests")
)
MAX_LINES = 600


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def top_level_imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported when ``path`` is imported (function bodies left out)."""
    imported = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        imported |= {name for name in names if name in modules}
    return imported


def test_no_module_is_longer_than_the_limit():
    long = {
        name: count
        for name, path in project_modules().items()
        if (count := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules (over {MAX_LINES} lines): {long}"


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    cycles, state = [], {}

    def visit(name, trail):
        state[name] = "open"
        for target in sorted(graph[name]):
            if state.get(target) == "open":
                cycles.append(trail[trail.index(target) :] + [target])
            elif target not in state:
                visit(target, [*trail, target])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return cycles


def test_no_import_cycle_between_project_modules():
    modules = project_modules()
    graph = {name: top_level_imports(path, modules) - {name} for name, path in modules.items()}

    cycles = find_cycles(graph)

    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_cycle_finder_sees_top_level_cycles_only(tmp_path):
    (tmp_path / "a.py").write_text("import b\n")
    (tmp_path / "b.py").write_text("from c import x\n\n\ndef later():\n    import a\n")
    (tmp_path / "c.py").write_text("from a import y\n")
    modules = {name: tmp_path / f"{name}.py" for name in "abc"}
    graph = {name: top_level_imports(path, modules) for name, path in modules.items()}

    assert graph == {"a": {"b"}, "b": {"c"}, "c": {"a"}}
    assert find_cycles(graph) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": {"b"}, "b": set()}) == []


def test_every_package_with_tests_is_in_the_test_command():
    testpaths = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["pytest"][
        "ini_options"
    ]["testpaths"]
    with_tests = {package for package in PACKAGES if (ROOT / package / "tests").is_dir()}
    assert with_tests - set(testpaths) == set()
