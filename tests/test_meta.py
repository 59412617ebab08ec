"""Meta-tests over the whole project: they pick up new apps, models and routes by themselves."""

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
