"""Portal pages for incidents (thin: selectors to read, services to write).

Every view that takes an incident id first loads it through ``incident_get_for_user``,
so an incident outside the user's scope is a 404 for reads and writes alike.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from incidents import services
from incidents.choices import Status
from incidents.filtersets import IncidentFilter
from incidents.forms import (
    FORMS,
    AttachForm,
    CommentForm,
    IncidentReportForm,
    ListFilterForm,
    transition_form,
    validation_messages,
)
from incidents.selectors import (
    incident_attachment_get_for_user,
    incident_attachments_visible_to,
    incident_get_for_user,
    incident_is_visible_to,
    incident_list_visible_to,
)
from incidents.timeline import build_timeline
from incidents.workflow import WORKFLOW
from itsm.attachments import download_response
from itsm.errors import Refused
from itsm.markup import render_markdown
from itsm.roles import is_agent

PAGE_SIZE = 25
# One-click staff buttons; the others need input and get their own small form.
BUTTONS = ("start", "resume", "escalate", "close")
STAFF_FORMS = ("assign", "hold", "resolve")
# The requester's answer to a resolution, shown in the #resolution section.
REQUESTER_FORMS = ("confirm", "reject")
FINISHED = (Status.CLOSED, Status.CANCELLED)
DONE = {
    "assign": "{number} is assigned.",
    "start": "Work on {number} has started.",
    "resume": "Work on {number} has resumed.",
    "hold": "{number} is on hold.",
    "escalate": "{number} was escalated to the next tier.",
    "resolve": "{number} is resolved; the reporter is asked to confirm.",
    "confirm": "Thank you for confirming that {number} is fixed.",
    "reject": "{number} is open again; the team can read what is still wrong.",
    "close": "{number} is closed.",
}


def _call_service(form, call) -> int | None:
    """Run a service call; on refusal put its errors on ``form`` and return the status."""
    try:
        call()
    except ValidationError as error:
        _add_errors(form, error)
        return 400
    except Refused as refused:
        form.add_error(None, refused.message)
        return refused.status
    return None


def _add_errors(form, error: ValidationError) -> None:
    for field, texts in validation_messages(error).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def _detail_url(incident, anchor: str = "") -> str:
    return incident.get_absolute_url() + (f"#{anchor}" if anchor else "")


@login_required
def incident_list(request):
    incidents = incident_list_visible_to(user=request.user).order_by("-updated_at", "-pk")
    # The filter logic is the API's; the form only draws the portal's controls.
    filterset = IncidentFilter(request.GET, queryset=incidents, request=request)
    filters = ListFilterForm(request.GET or None)
    filters.is_valid()
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "incidents/list.html",
        {"page": page, "filters": filters, "staff": is_agent(request.user)},
    )


@login_required
def incident_report(request):
    posted = request.method == "POST"
    form = IncidentReportForm(request.POST, request.FILES) if posted else IncidentReportForm()
    if posted and form.is_valid():
        try:
            incident = _report(form.cleaned_data, request.user)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                f"Thank you. Your incident {incident.number} has been logged; "
                "you can follow it on this page.",
            )
            return redirect(incident)
    status = 400 if form.errors else 200
    return render(request, "incidents/report.html", {"form": form}, status=status)


def _report(data: dict, actor):
    # The upload was already checked by the form; one transaction means that if storing
    # it still fails, no incident is left behind without the file the user sent.
    with transaction.atomic():
        incident = services.incident_create(
            actor=actor,
            title=data["title"],
            description=data["description"],
            category=data["category"],
            subcategory=data["subcategory"],
            service=data["service"],
            urgency=data["urgency"],
        )
        if data.get("attachment"):
            services.incident_attachment_add(
                incident_id=incident.pk, actor=actor, upload=data["attachment"]
            )
    return incident


@login_required
def incident_detail(request, pk):
    incident = incident_get_for_user(user=request.user, pk=pk)
    return _render_detail(request, incident)


def _render_detail(request, incident, *, status=200, bound=None):
    """The incident page; ``bound`` holds a submitted form to show with its errors."""
    user, bound = request.user, bound or {}
    staff = is_agent(user)
    available = {t.name for t in WORKFLOW.available(incident, user)}
    if incident.confirmed_at is not None:
        available -= set(REQUESTER_FORMS)

    def form_for(name):
        return bound.get(name) or transition_form(name, incident)

    context = {
        "incident": incident,
        "staff": staff,
        "description_html": render_markdown(incident.description),
        "resolution_html": render_markdown(incident.resolution_notes),
        "timeline": build_timeline(incident=incident, user=user),
        "attachments": incident_attachments_visible_to(user=user, incident=incident),
        "open_for_input": incident.status not in FINISHED,
        "comment_form": bound.get("comment") or CommentForm(staff=staff),
        "attach_form": bound.get("attach") or AttachForm(),
        "requester": user.pk in (incident.reporter_id, incident.affected_user_id),
        "watching": incident.watchers.filter(pk=user.pk).exists(),
        "requester_forms": {n: form_for(n) for n in REQUESTER_FORMS if n in available},
        "buttons": [(WORKFLOW[n], form_for(n)) for n in BUTTONS if staff and n in available],
        "staff_forms": {n: form_for(n) for n in STAFF_FORMS if staff and n in available},
    }
    return render(request, "incidents/detail.html", context, status=status)


@login_required
@require_POST
def incident_transition(request, pk, name):
    incident = incident_get_for_user(user=request.user, pk=pk)
    if name not in FORMS:
        raise Http404("No such action.")
    anchor = "resolution" if name in REQUESTER_FORMS else "actions"
    form = transition_form(name, data=request.POST)
    if not form.is_valid():
        messages.error(request, "Please correct the errors below.")
        return _render_detail(request, incident, status=400, bound={name: form})
    try:
        services.incident_transition(
            incident_id=incident.pk,
            name=name,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **form.params(),
        )
    except Refused as refused:
        if refused.field in form.fields:
            form.add_error(refused.field, refused.message)
            messages.error(request, "Please correct the errors below.")
            return _render_detail(request, incident, status=refused.status, bound={name: form})
        messages.error(request, refused.message)
        return redirect(_detail_url(incident, anchor))
    messages.success(request, DONE[name].format(number=incident.number))
    if not incident_is_visible_to(user=request.user, pk=incident.pk):
        # A restricted incident escalated past the user's group: its page is a 404 now.
        return redirect("incidents:list")
    return redirect(_detail_url(incident, anchor))


@login_required
@require_POST
def comment_add(request, pk):
    incident = incident_get_for_user(user=request.user, pk=pk)
    form = CommentForm(request.POST, staff=is_agent(request.user))
    status = 400
    if form.is_valid():
        status = _call_service(
            form,
            lambda: services.incident_comment_add(
                incident_id=incident.pk,
                actor=request.user,
                body=form.cleaned_data["body"],
                visibility=form.cleaned_data["visibility"],
            ),
        )
    if status is None:
        messages.success(request, "Your comment was added.")
        return redirect(_detail_url(incident, "timeline"))
    return _render_detail(request, incident, status=status, bound={"comment": form})


@login_required
@require_POST
def attachment_add(request, pk):
    incident = incident_get_for_user(user=request.user, pk=pk)
    form = AttachForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        status = _call_service(
            form,
            lambda: services.incident_attachment_add(
                incident_id=incident.pk, actor=request.user, upload=form.cleaned_data["file"]
            ),
        )
    if status is None:
        messages.success(request, "The file was attached.")
        return redirect(_detail_url(incident, "attachments"))
    return _render_detail(request, incident, status=status, bound={"attach": form})


@login_required
def attachment_download(request, pk):
    attachment = incident_attachment_get_for_user(user=request.user, pk=pk)
    return download_response(attachment)


@login_required
@require_POST
def incident_watch(request, pk):
    incident = incident_get_for_user(user=request.user, pk=pk)
    watching = request.POST.get("watching") == "1"
    services.incident_watch(incident_id=incident.pk, actor=request.user, watching=watching)
    if watching:
        messages.success(request, f"You are now watching {incident.number}.")
    else:
        messages.success(request, f"You stopped watching {incident.number}.")
        if not incident_is_visible_to(user=request.user, pk=incident.pk):
            return redirect("incidents:list")
    return redirect(incident)
