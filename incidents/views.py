"""Portal pages for incidents (thin: selectors to read, services to write).

The record page, its transitions, comments, attachments and watching are the shared
:class:`itsm.portal.records.RecordPortal`; this module gives the incident specifics (the
report form, the list, the wording) and wraps the shared views with the login and method
checks.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from incidents import services
from incidents.filtersets import IncidentFilter
from incidents.forms import (
    AttachForm,
    CommentForm,
    IncidentReportForm,
    ListFilterForm,
    ReportDraftForm,
    transition_form,
)
from incidents.models import LIST_ORDER, Incident
from incidents.selectors import (
    incident_attachment_get_for_user,
    incident_attachments_visible_to,
    incident_is_visible_to,
    incident_list_visible_to,
)
from incidents.timeline import build_timeline
from itsm.keyset import InvalidCursor, keyset_page
from itsm.markup import render_markdown
from itsm.portal.records import RecordPortal, add_errors
from itsm.portal.suggestions import follow_up, suggestions_for
from itsm.registry import record_type_for
from itsm.roles import is_agent

PAGE_SIZE = 25
# The name other apps register report-form suggestions under (itsm.portal.suggestions).
REPORT_FORM = "incident_report"
# What the list shows (and sorts by): no joins, no wide text columns.
LIST_COLUMNS = ("number", "title", "status", "priority", "created_at")
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


def _context(request, incident) -> dict:
    return {
        "description_html": render_markdown(incident.description),
        "resolution_html": render_markdown(incident.resolution_notes),
        "requester": request.user.pk in (incident.reporter_id, incident.affected_user_id),
    }


def portal() -> RecordPortal:
    return RecordPortal(
        record_type=record_type_for(Incident),
        namespace="incidents",
        detail_template="incidents/detail.html",
        record_name="incident",
        transition_form=transition_form,
        comment_form=CommentForm,
        attach_form=AttachForm,
        done=DONE,
        timeline=lambda *, record, user: build_timeline(incident=record, user=user),
        attachments_visible_to=lambda *, user, record: incident_attachments_visible_to(
            user=user, incident=record
        ),
        attachment_get_for_user=incident_attachment_get_for_user,
        is_visible_to=incident_is_visible_to,
        # The requester's answer to a resolution, shown in the #resolution section.
        answers=("confirm", "reject"),
        answered=lambda incident: incident.confirmed_at is not None,
        context=_context,
    )


@login_required
def incident_list(request):
    incidents = (
        incident_list_visible_to(user=request.user)
        .select_related(None)
        .only(*LIST_COLUMNS)
        .order_by(*LIST_ORDER)
    )
    # The filter logic is the API's; the form only draws the portal's controls.
    filterset = IncidentFilter(request.GET, queryset=incidents, request=request)
    filters = ListFilterForm(request.GET or None)
    filters.is_valid()
    # Newer / older links carry the position, not a page number: no count, no offset.
    try:
        page = keyset_page(filterset.qs, size=PAGE_SIZE, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        page = keyset_page(filterset.qs, size=PAGE_SIZE)
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
        data = form.cleaned_data
        if not request.POST.get("checked"):
            # Known errors (or whatever another app suggests) first: the second step.
            suggestions = suggestions_for(
                REPORT_FORM, user=request.user, title=data["title"], service=data["service"]
            )
            if suggestions:
                context = {"form": form, **_suggestion_context(suggestions, data)}
                return render(request, "incidents/report.html", context)
        try:
            incident = _report(data, request.user, request.POST.get("known_error", ""))
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request,
                f"Thank you. Your incident {incident.number} has been logged; "
                "you can follow it on this page.",
            )
            return redirect(incident)
    status = 400 if form.errors else 200
    return render(request, "incidents/report.html", {"form": form}, status=status)


@login_required
@require_GET
def report_suggestions(request):
    """The suggestions for what the report form holds so far, as an HTML fragment.

    The form asks while the person types (``records.js``); without JavaScript the same
    suggestions come as the form's second step. Incomplete or invalid input suggests nothing.
    """
    form = ReportDraftForm(request.GET)
    if not form.is_valid():
        return HttpResponse("")
    data = form.cleaned_data
    found = suggestions_for(
        REPORT_FORM, user=request.user, title=data["title"], service=data["service"]
    )
    if not found:
        return HttpResponse("")
    return render(request, "incidents/_suggestions.html", _suggestion_context(found, data))


def _suggestion_context(suggestions, data: dict) -> dict:
    service = data.get("service")
    return {
        "suggestions": suggestions,
        "title": data["title"],
        "service": service.pk if service else "",
    }


def _report(data: dict, actor, suggestion: str = ""):
    # The upload was already checked by the form; one transaction means that if storing
    # it still fails, no incident is left behind without the file the user sent (nor
    # without the link to the suggestion the person still needed help with).
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
        if suggestion.isdigit():
            follow_up(REPORT_FORM, record=incident, pk=int(suggestion), actor=actor)
    return incident
