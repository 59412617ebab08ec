"""The one-write-path check: every interface that offers a transition writes what the
service writes.

For every transition of every registered workflow and every interface that offers it
(the service itself, the admin's transition page, the admin bulk action, the API, the
portal, and the Celery job that runs it, where there is one), two records are driven to
the same state: one goes through the interface, over HTTP with the Django test client,
the other through the service. Both must leave the same history: the same number of
rows in every history table, and on the record one row with the same actor, reason,
transition name, type and the same field changes.

URLs and input names come from the transition table and the project's conventions, and
the forms are filled the way a browser fills them: the harness reads the page, keeps its
hidden fields (the version the page was built from) and fills in the declared inputs the
form offers. An optional input a form leaves out (the portal takes no optional reason) is
then left out of the service call too; a required input a form lacks fails the check.

- admin: the ``admin:<app>_<model>_transition`` page (``<pk>/transition/<name>/`` beside
  the change page) and the form on it;
- admin bulk: the changelist's action named after the transition, with the inputs the
  admin's transition form offers and ``apply`` (the confirmation page's submit);
- API: ``<the record's API detail URL><slug>/``, a JSON body of every declared input and
  ``version``;
- portal: the record's page (``get_absolute_url()``) and its form that posts to
  ``transition/<name>/`` below it.

A kit's ``urls[interface](record, transition)`` replaces a convention for one app.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.contrib import admin
from django.contrib.messages import get_messages
from django.db.models import Max
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django.utils.html import strip_tags
from rest_framework.test import APIClient
from simple_history.models import HistoricalChanges

from itsm.audit import system_user
from itsm.registry import RecordType
from itsm.testing.clock import install_clock
from itsm.testing.kit import RecordKit, kits
from itsm.testing.pages import PageForm, post_form
from itsm.testing.workflow import actor_for, drive_to, initial_state, path_to, reason_for
from itsm.workflow import Transition

HTTP_INTERFACES = ("admin", "admin_bulk", "api", "portal")
BULK_CONFIRM = {"apply": "yes"}
METADATA = ["history_type", "history_user_id", "history_change_reason", "history_transition"]
NOT_COMPARED = {"history_id", "history_date", "history_user", *METADATA}


@dataclass(frozen=True)
class WritePathCase:
    record_type: RecordType
    kit: RecordKit
    transition: Transition
    interface: str

    @property
    def id(self) -> str:
        return f"{self.record_type.model._meta.model_name}-{self.transition.name}-{self.interface}"


def write_path_cases() -> list[WritePathCase]:
    """Every (record type, transition, interface that offers it), for parametrize."""
    cases = []
    for record_type, kit in kits():
        workflow = record_type.workflow
        for transition in workflow.transitions:
            offered = ["service"]
            offered += [i for i in HTTP_INTERFACES if transition in workflow.offered_in(i)]
            offered += ["job"] if transition.name in kit.jobs else []
            cases += [WritePathCase(record_type, kit, transition, i) for i in offered]
    return cases


# --- How each interface is reached ------------------------------------------------------


def _staff(user) -> bool:
    return user.is_active and user.is_staff


def _anyone(user) -> bool:
    return True


def _form_value(value):
    return value.pk if hasattr(value, "pk") else value


def _form(params: dict) -> dict:
    return {key: _form_value(value) for key, value in params.items() if value is not None}


def _refused(interface: str, response) -> AssertionError:
    notes = [str(message) for message in get_messages(response.wsgi_request)]
    body = " ".join(strip_tags(response.content.decode(errors="replace")).split())
    return AssertionError(f"{interface} answered {response.status_code}: {notes} {body[:600]}")


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _url(case: WritePathCase, interface: str, record, default: Callable[[], str]) -> str:
    override = case.kit.urls.get(interface)
    return override(record, case.transition) if override else default()


def _admin_name(record, view: str) -> str:
    opts = record._meta
    return f"admin:{opts.app_label}_{opts.model_name}_{view}"


def through_service(case, record, actor, params):
    case.record_type.transition(
        record_id=record.pk, name=case.transition.name, actor=actor, **params
    )
    return params


def admin_transition_url(record, transition: Transition) -> str:
    """The admin's ``<app>_<model>_transition`` page, else beside the change page."""
    try:
        return reverse(_admin_name(record, "transition"), args=[record.pk, transition.name])
    except NoReverseMatch:
        change = reverse(_admin_name(record, "change"), args=[record.pk])
        return change.removesuffix("change/") + f"transition/{transition.name}/"


def _fill(form: PageForm | None, transition: Transition, params: dict, where: str):
    """(what to post, what the service gets): the page's hidden fields and the declared
    inputs the form offers; a required input it lacks fails."""
    if form is None:
        raise AssertionError(f"{where} shows no form for {transition.name}")
    lacking = [s.name for s in transition.all_inputs() if s.required and s.name not in form.fields]
    if lacking:
        raise AssertionError(f"{where}'s form for {transition.name} lacks {lacking}")
    sent = {name: value for name, value in params.items() if name in form.fields}
    return {**form.hidden(), **_form(sent)}, sent


def _admin_form(case, record, client):
    url = _url(case, "admin", record, lambda: admin_transition_url(record, case.transition))
    page = client.get(url)
    if page.status_code != 200:
        raise _refused("admin", page)
    return url, post_form(page.content.decode(), url, page_url=url)


def through_admin(case, record, actor, params):
    client = _signed_in(actor)
    url, form = _admin_form(case, record, client)
    data, sent = _fill(form, case.transition, params, "the admin")
    response = client.post(url, data)
    if response.status_code != 302:
        raise _refused("admin", response)
    return sent


def bulk_action_name(record, transition: Transition, actor) -> str:
    """The changelist action named after ``transition`` (``<name>`` or ``<name>_selected``)."""
    request = RequestFactory().get("/")
    request.user = actor
    actions = admin.site._registry[type(record)].get_actions(request)
    for name in (transition.name, f"{transition.name}_selected"):
        if name in actions:
            return name
    raise AssertionError(f"no bulk action for {transition.name}; the admin has {list(actions)}")


def through_admin_bulk(case, record, actor, params):
    client = _signed_in(actor)
    # The bulk action asks for the input the transition page asks for.
    _page, form = _admin_form(case, record, client)
    _data, sent = _fill(form, case.transition, params, "the admin")
    changelist = _url(
        case, "admin_bulk", record, lambda: reverse(_admin_name(record, "changelist"))
    )
    data = {
        "action": bulk_action_name(record, case.transition, actor),
        "select_across": "0",
        "_selected_action": [record.pk],
        **BULK_CONFIRM,
        **_form(sent),
    }
    response = client.post(changelist, data)
    if response.status_code != 302:
        raise _refused("admin_bulk", response)
    return sent


def through_api(case, record, actor, params):
    url = _url(
        case,
        "api",
        record,
        lambda: (
            reverse(f"{record._meta.model_name}-detail", args=[record.pk])
            + f"{case.transition.slug}/"
        ),
    )
    client = APIClient()
    client.force_authenticate(actor)
    body = {**_form(params), "version": getattr(record, "version", None)}
    response = client.post(url, body, format="json")
    if response.status_code != 200:
        raise AssertionError(f"api answered {response.status_code}: {response.content[:600]}")
    return params


def through_portal(case, record, actor, params):
    page_url = record.get_absolute_url()
    transition = case.transition
    override = case.kit.urls.get("portal")
    if override:
        targets = [override(record, transition)]
    else:
        targets = [
            f"{page_url}transition/{transition.name}/",
            f"{page_url}transition/{transition.slug}/",
        ]
    client = _signed_in(actor)
    page = client.get(page_url)
    if page.status_code != 200:
        raise _refused("portal", page)
    html = page.content.decode()
    found = [(url, post_form(html, url, page_url=page_url)) for url in targets]
    url, form = next(((u, f) for u, f in found if f is not None), (targets[0], None))
    data, sent = _fill(form, transition, params, "the portal page")
    response = client.post(url, data)
    if response.status_code != 302:
        raise _refused("portal", response)
    return sent


def through_job(case, record, actor, params):
    case.kit.jobs[case.transition.name].task.apply().get()
    return params


@dataclass(frozen=True)
class Interface:
    run: Callable
    may_use: Callable


INTERFACES = {
    "service": Interface(through_service, _anyone),
    "admin": Interface(through_admin, _staff),
    "admin_bulk": Interface(through_admin_bulk, _staff),
    "api": Interface(through_api, _anyone),
    "portal": Interface(through_portal, _anyone),
    "job": Interface(through_job, _anyone),
}


# --- What a write left behind -----------------------------------------------------------


def history_models() -> list:
    return [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]


@dataclass
class Written:
    """The history rows a call wrote: counts per history table, and the record's own."""

    counts: dict[str, int]
    rows: list


def capture(record, call: Callable[[], None]) -> Written:
    marks = {
        model: model.objects.aggregate(last=Max("history_id"))["last"] or 0
        for model in history_models()
    }
    call()
    counts = {
        model._meta.label: model.objects.filter(history_id__gt=mark).count()
        for model, mark in marks.items()
    }
    mark = marks[record.history.model]
    rows = list(record.history.filter(history_id__gt=mark).order_by("history_id"))
    return Written({label: n for label, n in counts.items() if n}, rows)


def _normalised(field: str, before, after):
    if field == "version" and isinstance(after, int):
        return f"+{after - (before or 0)}"
    if isinstance(after, dt.datetime) or isinstance(before, dt.datetime):
        # Two records written moments apart never share a timestamp; that it was set
        # or cleared is what must agree.
        return "set" if after is not None else "cleared"
    return after


def describe(row) -> dict:
    """A history row as who, why and which fields it changed from the row before it."""
    key = row.instance_type._meta.pk.attname
    same_record = type(row).objects.filter(**{key: getattr(row, key)})
    previous = same_record.filter(history_id__lt=row.history_id).order_by("-history_id").first()
    changed = {}
    for field in row._meta.concrete_fields:
        if field.name in NOT_COMPARED:
            continue
        before = getattr(previous, field.attname, None) if previous else None
        after = getattr(row, field.attname)
        if previous is None or before != after:
            changed[field.attname] = _normalised(field.attname, before, after)
    return {**{name: getattr(row, name) for name in METADATA}, "changed": changed}


# --- The check --------------------------------------------------------------------------


def source_state(workflow, transition: Transition, initial: str) -> str:
    """The source of ``transition`` nearest to the initial state (the cheapest to reach)."""
    reachable = [s for s in workflow.states.values if s in transition.sources]
    return min(reachable, key=lambda state: len(path_to(workflow, initial, state)))


def check_write_path(case: WritePathCase, monkeypatch) -> None:
    """Drive two records alike; write one through the interface, one through the service;
    their history must agree."""
    clock = install_clock(monkeypatch)
    record_type, kit, transition = case.record_type, case.kit, case.transition
    interface = INTERFACES[case.interface]
    job = kit.jobs.get(transition.name) if case.interface == "job" else None
    people = list(kit.people())
    requester = next(p for p in people if interface.may_use(p))
    initial = kit.initial or initial_state(record_type.workflow)
    source = source_state(record_type.workflow, transition, initial)

    def prepared():
        record = drive_to(
            record_type,
            kit,
            source,
            requester=requester,
            people=people,
            ready_for=transition.name,
            **(job.fields if job else {}),
        )
        if job:
            job.make_due(clock)
        return record

    # Through the interface first: a job acts on every due record, so the service's
    # record must not exist yet.
    record = prepared()
    if job:
        actor, params = system_user(), {"reason": job.reason}
    else:
        actor = actor_for(transition, record, [requester, *people], may_use=interface.may_use)
        params = {**kit.params(transition.name, record), **reason_for(transition)}
    assert actor is not None, f"none of the kit's people may {transition.name} via {case.id}"
    sent = {}
    through = capture(record, lambda: sent.update(interface.run(case, record, actor, params)))

    # The service gets what the interface was given (an optional input its form leaves
    # out is left out here too).
    reference = prepared()
    expected = capture(reference, lambda: through_service(case, reference, actor, sent))

    mine = [row for row in through.rows if row.history_transition == transition.name]
    theirs = [row for row in expected.rows if row.history_transition == transition.name]
    assert len(theirs) == 1, f"the service wrote {len(theirs)} {transition.name} rows"
    assert len(mine) == 1, f"{case.interface} wrote {len(mine)} {transition.name} rows"
    got, wanted = describe(mine[0]), describe(theirs[0])
    assert got == wanted, f"{case.interface} wrote\n  {got}\nthe service wrote\n  {wanted}"
    if not job:
        # A job may record more than the transition (an SLA breach before escalating).
        assert through.counts == expected.counts, (
            f"{case.interface} wrote {through.counts}, the service {expected.counts}"
        )
        assert len(through.rows) == len(expected.rows)
