"""Meta-tests over the staff console; new record types and new admins are picked up alone.

- Every record type's admin offers each transition the way its table says: a button page
  unless the transition opts out of "admin", a bulk action exactly when it does not opt
  out of "admin_bulk", each asking for the table's inputs.
- Every registered changelist has a query budget that does not grow with its rows.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import NoReverseMatch, reverse

from itsm.registry import record_types
from itsm.testing.queries import count_queries
from tests.admin_rows import ROW_MAKERS, add_rows

pytestmark = pytest.mark.django_db

RECORD_TYPES = record_types()
ADMINS = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
# A ceiling per changelist load (session, user, permissions, count, page, filters...), so
# a constant but wasteful pattern is caught too.
CHANGELIST_BUDGET = 12


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def table_fields(transition) -> set[str]:
    return {spec.name for spec in transition.all_inputs()}


def test_every_record_type_is_found():
    assert "incidents.incident" in {rt.label for rt in RECORD_TYPES}


def page_problems(client, record, transition) -> list[str]:
    """What is wrong with the button page of ``transition`` on ``record``."""
    try:
        url = admin_url(type(record), "transition", record.pk, transition.name)
    except NoReverseMatch:
        return [f"{transition.name}: the admin has no transition pages"]
    response = client.get(url)
    if "admin" in transition.not_in:
        if response.status_code != 404:
            return [f"{transition.name}: opts out of the admin but its page answers"]
        return []
    if response.status_code != 200:
        return [f"{transition.name}: no button page ({response.status_code})"]
    form = response.context["form"]
    # Fields another app adds to the page (declared as ``extension_fields``) are its own.
    extension = set(getattr(form, "extension_fields", ()))
    asked = set(form.fields) - extension if form is not None else set()
    needed = table_fields(transition) if transition.inputs or transition.needs_reason else set()
    if not needed <= asked <= table_fields(transition):
        return [f"{transition.name}: the page asks for {sorted(asked)}, the table {sorted(needed)}"]
    return []


@pytest.mark.parametrize("record_type", RECORD_TYPES, ids=lambda rt: rt.label)
def test_the_admin_offers_each_transition_as_the_table_says(record_type, admin_user, client):
    model = record_type.model
    assert admin.site.is_registered(model), f"{record_type.label} has no admin"
    model_admin = admin.site._registry[model]
    add_rows(model, 1)
    record = model.objects.order_by("-pk").first()
    client.force_login(admin_user)
    request = RequestFactory().get("/")
    request.user = admin_user

    problems = []
    for transition in record_type.workflow.transitions:
        problems += page_problems(client, record, transition)
    actions = model_admin.get_actions(request)
    in_bulk = {getattr(func, "transition", None) for func, _name, _label in actions.values()}
    offered = {t.name for t in record_type.workflow.offered_in("admin_bulk")}
    problems += [f"{name}: no bulk action" for name in sorted(offered - in_bulk)]
    problems += [
        f"{name}: bulk action but the table opts out" for name in in_bulk - offered - {None}
    ]
    for name in sorted(offered & in_bulk):
        transition = record_type.workflow[name]
        form_class = model_admin.get_transition_form_class(name)
        asked = set(form_class.base_fields) if form_class else set()
        if transition.inputs and asked != table_fields(transition):
            problems.append(f"{name}: the bulk page asks for {sorted(asked)}")

    assert problems == []


# --- Query budgets of every changelist -----------------------------------------------------


def test_row_makers_are_for_registered_models():
    registered = {model._meta.label for model in admin.site._registry}

    assert set(ROW_MAKERS) <= registered


def _load(client, url):
    with count_queries() as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize(
    ("model", "model_admin"), ADMINS, ids=[model._meta.label for model, _ in ADMINS]
)
def test_every_changelist_has_a_query_budget(model, model_admin, admin_user, client):
    client.force_login(admin_user)
    url = admin_url(model, "changelist")

    add_rows(model, 2)
    small, shown_small = _load(client, url)
    add_rows(model, 18)
    large, shown_large = _load(client, url)
    print(f"\n{model._meta.label}: {small} queries at {shown_small} rows, {large} at {shown_large}")

    assert shown_large > shown_small, "the added rows are not listed: the test proves nothing"
    assert small == large, f"{model._meta.label}: {small} queries grew to {large} with rows"
    assert large <= CHANGELIST_BUDGET
