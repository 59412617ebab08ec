"""What problems add to the incident console: two bulk actions and the problem block.

The incident admin lists these in its ``extra_actions`` and its page layout; every
write goes through ``problems.services``.
"""

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.urls import reverse

from itsm.admin.bulk import action_page
from itsm.admin.refusals import REFUSALS, refusal_text
from itsm.admin.transitions import Operation, TransitionForm
from itsm.markup import render_markdown
from itsm.roles import role_allows
from problems import selectors, services


class LinkToProblemForm(TransitionForm):
    problem = forms.CharField(label="Problem number", max_length=16, help_text="E.g. PRB0000012.")

    def clean_problem(self):
        number = self.cleaned_data["problem"].strip().upper()
        problem = selectors.problem_list_visible_to(user=self.user).filter(number=number).first()
        if problem is None:
            raise forms.ValidationError(f"No problem {number} that you may see.")
        return problem


@admin.action(description="Link to a problem…", permissions=["change"])
def link_to_problem(modeladmin, request, queryset):
    form = LinkToProblemForm(request.POST if "apply" in request.POST else None, user=request.user)
    if not form.is_bound or not form.is_valid():
        label = "Link to a problem"
        return action_page(modeladmin, request, queryset, "link_to_problem", label, form)
    problem = form.cleaned_data["problem"]
    try:
        linked = services.problem_link_incidents(
            problem_id=problem.pk,
            incident_ids=list(queryset.values_list("pk", flat=True)),
            actor=request.user,
        )
    except REFUSALS as exc:
        modeladmin.message_user(
            request, f"Link to {problem.number}: {refusal_text(exc)}", messages.ERROR
        )
        return None
    modeladmin.message_user(request, f"Linked {len(linked)} incident(s) to {problem.number}.")
    return None


@admin.action(description="Create a problem from the selected incidents", permissions=["change"])
def create_problem_from_incidents(modeladmin, request, queryset):
    try:
        problem = services.problem_create_from_incidents(
            actor=request.user, incident_ids=list(queryset.values_list("pk", flat=True))
        )
    except REFUSALS as exc:
        modeladmin.message_user(request, f"Create a problem: {refusal_text(exc)}", messages.ERROR)
        return None
    modeladmin.message_user(
        request, f"{problem.number} created with {problem.incidents.count()} incident(s) linked."
    )
    return HttpResponseRedirect(reverse("admin:problems_problem_change", args=[problem.pk]))


def _link_one(request, record_id, params):
    return services.problem_link_incidents(
        problem_id=params["problem"].pk, incident_ids=[record_id], actor=request.user
    )


def _create_for_major(request, record_id, params):
    return services.problem_create_from_incidents(actor=request.user, incident_ids=[record_id])


def _may_link(request, incident) -> bool:
    return role_allows(request.user, "problems", "change")


# Buttons on the incident page. A major incident without a problem is offered one (it
# takes the incident's service, items and category and links its children too).
OPERATIONS = {
    "link_problem": Operation("Link to a problem", _link_one, LinkToProblemForm, _may_link),
    "create_problem": Operation(
        "Create a problem for this major incident",
        _create_for_major,
        available=lambda request, incident: (
            incident.is_major
            and incident.problem_id is None
            and role_allows(request.user, "problems", "add")
        ),
    ),
}


def problem_summary(incident) -> str:
    """The incident's problem, linked, with its workaround when it is a known error;
    without one, the published known errors that match it, each linked in one click."""
    problem = incident.problem
    context = {
        "problem": problem,
        "workaround_html": render_markdown(problem.workaround)
        if problem is not None and problem.is_known_error
        else "",
        "suggestions": []
        if problem is not None or incident.is_finished
        else selectors.known_error_suggestions_for(incident),
    }
    return render_to_string("problems/admin/incident_problem.html", context)
