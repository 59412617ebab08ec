"""Meta-tests over the whole project: they pick up new apps, models and routes by themselves."""

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.mixins import ListModelMixin
from simple_history.models import HistoricalChanges, registered_models

# Models that carry no history, each with the reason.
HISTORY_EXEMPT = {
    # A counter bumped on every new record; each record that takes a number is audited.
    "itsm.NumberSequence",
    # An append-only log of sent notifications; rows are never edited.
    "itsm.NotificationLog",
}


def project_app_configs():
    """The apps whose code lives in this repository (not Django's or a library's)."""
    base = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(base) and not path.is_relative_to(base / ".venv"):
            yield config


def project_models():
    """Concrete models of the project apps, without m2m through tables or history tables."""
    for config in project_app_configs():
        for model in config.get_models():  # auto-created through models are left out
            if model._meta.proxy or issubclass(model, HistoricalChanges):
                continue
            yield model


MODELS = sorted(project_models(), key=lambda model: model._meta.label)


def test_every_project_app_is_found():
    labels = {config.label for config in project_app_configs()}

    assert {"itsm", "incidents", "problems", "changes", "requests_app"} <= labels
    assert not labels & {"auth", "admin", "knox", "simple_history"}


def test_the_history_exemptions_are_real_models():
    labels = {model._meta.label for model in MODELS}

    assert labels >= HISTORY_EXEMPT, f"stale exemptions: {HISTORY_EXEMPT - labels}"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_model_has_history(model):
    historied = model._meta.db_table in registered_models
    if model._meta.label in HISTORY_EXEMPT:
        assert not historied, f"{model._meta.label} has history now: drop its exemption"
    else:
        assert historied, f"{model._meta.label} needs history = audit_history()"


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label)
def test_every_model_is_in_the_admin(model):
    assert admin.site.is_registered(model), f"{model._meta.label} is missing from the admin"


def api_views(patterns=None, prefix=""):
    """(route, view class, viewset actions) for every DRF view in the URLconf."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from api_views(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
            yield route, entry.callback.cls, getattr(entry.callback, "actions", None)


def list_views():
    found = {}
    for route, view, actions in api_views():
        is_list = actions is None or "list" in actions.values()
        if route.startswith("api/v1/") and issubclass(view, ListModelMixin) and is_list:
            found.setdefault(view, route)
    return sorted(found.items(), key=lambda item: item[1])


LIST_VIEWS = list_views()


def test_the_api_walk_finds_the_list_endpoints():
    names = {view.__name__ for view, _route in LIST_VIEWS}

    assert {"TeamViewSet", "CategoryViewSet", "PriorityMatrixViewSet"} <= names


@pytest.mark.parametrize(("view", "route"), LIST_VIEWS, ids=[v.__name__ for v, _ in LIST_VIEWS])
def test_every_api_list_has_a_filterset(view, route):
    assert getattr(view, "filterset_class", None), f"{view.__name__} at {route} has no filterset"


# --- Shared modules do not name record apps ---------------------------------------------------

SHARED = Path(settings.BASE_DIR) / "itsm"

# Places in itsm/ that may name record apps, each with the reason.
MAY_NAME_APPS = {
    # Root URL files include each app's URLs, as in any Django project.
    "urls.py": lambda path: path.name == "urls.py",
    # INSTALLED_APPS and the Celery beat schedule list the apps.
    "settings": lambda path: "settings" in path.relative_to(SHARED).parts,
    "celery.py": lambda path: path.relative_to(SHARED).parts == ("celery.py",),
    # Tests exercise the real record types.
    "tests": lambda path: "tests" in path.relative_to(SHARED).parts,
    # Migrations are frozen history, never edited.
    "migrations": lambda path: "migrations" in path.relative_to(SHARED).parts,
}

TEXT_SUFFIXES = {".py", ".html", ".txt", ".js", ".css", ".json", ".md"}


def record_app_names() -> set[str]:
    """Labels and module names of every project app that is not the shared ``itsm``."""
    names = set()
    for config in project_app_configs():
        if config.label != "itsm":
            names |= {config.label, config.name.split(".")[0]}
    return names


def naming_pattern(names) -> re.Pattern:
    # The name as an app label ("incidents"), a dotted path ("incidents.demo.load"), a URL
    # namespace ("incidents:list") or a template or static path ("incidents/detail.html").
    # A name alone or followed by a full stop is prose ("saved the changes.").
    alternatives = "|".join(sorted(map(re.escape, names)))
    return re.compile(rf"^({alternatives})$|(?<![\w-])({alternatives})(?=[.:][A-Za-z_]|/)")


def _docstrings(tree) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def _names_in_string(node, skip: set[int], pattern: re.Pattern) -> bool:
    is_text = isinstance(node, ast.Constant) and isinstance(node.value, str)
    return is_text and id(node) not in skip and bool(pattern.search(node.value))


def python_mentions(source: str, names: set[str], pattern: re.Pattern) -> list[tuple[int, str]]:
    """Imports of record apps and strings that name one (docstrings and comments aside)."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        modules = []
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and not node.level:
            modules = [node.module or ""]
        elif _names_in_string(node, skip, pattern):
            found.append((node.lineno, node.value[:60]))
        found += [(node.lineno, m) for m in modules if m.split(".")[0] in names]
    return sorted(found)


def text_mentions(text: str, pattern: re.Pattern) -> list[tuple[int, str]]:
    return [
        (number, line.strip()[:60])
        for number, line in enumerate(text.splitlines(), 1)
        if pattern.search(line)
    ]


def shared_files():
    for path in sorted(SHARED.rglob("*")):
        if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        if not any(exempt(path) for exempt in MAY_NAME_APPS.values()):
            yield path


def app_mentions_in_shared_modules() -> list[str]:
    names = record_app_names()
    pattern = naming_pattern(names)
    found = []
    for path in shared_files():
        where = path.relative_to(settings.BASE_DIR)
        if pattern.search(str(path.relative_to(SHARED))):
            found.append(f"{where}: the file is named after a record app")
        text = path.read_text()
        if path.suffix == ".py":
            hits = python_mentions(text, names, pattern)
        else:
            hits = text_mentions(text, pattern)
        found += [f"{where}:{line}: {what!r}" for line, what in hits]
    return found


def test_the_record_apps_are_found():
    assert {"incidents", "problems", "changes", "requests_app"} <= record_app_names()


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("from incidents.models import Incident", True),
        ("import changes.tasks", True),
        ("LOADERS = ['incidents.demo.load']", True),
        ("URL = 'problems:list'", True),
        ("TEMPLATE = 'requests_app/detail.html'", True),
        ("apps.get_model('changes', 'Change')", True),
        ("text = f'{n} changes'", False),
        ("text = 'Saved the changes.'", False),
        ("'''Status changes go through services.'''", False),
        ("# incidents.demo is loaded by its app", False),
        ("record_changes = delta.changes", False),
    ],
)
def test_the_app_name_check_tells_naming_from_prose(text, named):
    names = {"incidents", "problems", "changes", "requests_app"}

    assert bool(python_mentions(text, names, naming_pattern(names))) is named


def test_no_shared_module_names_a_record_app():
    found = app_mentions_in_shared_modules()

    assert not found, (
        "Shared modules in itsm/ must not name record apps; let the app register what it "
        "contributes from its AppConfig (itsm.registry, itsm.roles, itsm.demo, "
        "itsm.portal.home):\n  " + "\n  ".join(found)
    )
