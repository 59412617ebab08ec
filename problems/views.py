"""Portal pages of the known-error database: search, a known error, and the check before
reporting an incident (deflection). Thin: selectors for reads, services for writes.

The check is the second step of reporting when the browser runs no script: the employee
describes the issue, sees the published workarounds that match, and either says one
solved it (a deflection, no incident) or reports the incident linked to that known error.
``suggest`` answers the same question as JSON for the report form's progressive script.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from itsm.markup import render_markdown
from problems import selectors, services
from problems.forms import IssueForm, KnownErrorSearchForm

SUGGESTIONS = 5
RESULTS = 20


def _with_workarounds(problems) -> list[tuple]:
    return [(problem, render_markdown(problem.workaround)) for problem in problems]


@login_required
@require_safe
def known_error_list(request):
    form = KnownErrorSearchForm(request.GET or None, user=request.user)
    searched = form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["service"])
    if searched:
        found = selectors.known_error_search(
            user=request.user, text=form.cleaned_data["q"], service=form.cleaned_data["service"]
        )
    else:
        found = selectors.known_error_list_visible_to(user=request.user)
    context = {"form": form, "searched": searched, "results": list(found[:RESULTS])}
    return render(request, "problems/known_error_list.html", context)


@login_required
@require_safe
def known_error_detail(request, pk):
    problem = selectors.known_error_get_for_user(user=request.user, pk=pk)
    context = {"problem": problem, "workaround_html": render_markdown(problem.workaround)}
    return render(request, "problems/known_error_detail.html", context)


@login_required
@require_safe
def known_error_check(request):
    form = IssueForm(request.GET or None, user=request.user)
    suggestions = []
    if form.is_valid():
        found = selectors.known_error_search(
            user=request.user,
            text=form.cleaned_data["title"],
            service=form.cleaned_data["service"],
        )
        suggestions = _with_workarounds(found[:SUGGESTIONS])
    context = {"form": form, "checked": form.is_valid(), "suggestions": suggestions}
    return render(request, "problems/check.html", context)


@login_required
@require_safe
def known_error_suggest(request):
    form = IssueForm(request.GET, user=request.user)
    if not form.is_valid():
        return JsonResponse({"results": []})
    found = selectors.known_error_search(
        user=request.user, text=form.cleaned_data["title"], service=form.cleaned_data["service"]
    )
    results = [
        {
            "id": problem.pk,
            "number": problem.number,
            "title": problem.title,
            "workaround_html": str(html),
        }
        for problem, html in _with_workarounds(found[:SUGGESTIONS])
    ]
    return JsonResponse({"results": results})


@login_required
@require_POST
def known_error_solved(request, pk):
    form = IssueForm(request.POST, user=request.user)
    cleaned = form.cleaned_data if form.is_valid() else {}
    deflection = services.deflection_record(
        actor=request.user,
        problem_id=pk,
        title=cleaned.get("title", ""),
        service=cleaned.get("service"),
    )
    number = deflection.problem.number
    messages.success(request, f"Glad the workaround for {number} helped. No incident was logged.")
    return redirect("portal:home")


@login_required
@require_POST
def known_error_report(request, pk):
    """ "I still need help": log the incident, linked to the known error's problem."""
    selectors.known_error_get_for_user(user=request.user, pk=pk)
    form = IssueForm(request.POST, user=request.user)
    if not form.is_valid():
        context = {"form": form, "checked": False, "suggestions": []}
        return render(request, "problems/check.html", context, status=400)
    incident = services.known_error_report_incident(
        actor=request.user, problem_id=pk, **form.cleaned_data
    )
    messages.success(request, f"We have logged {incident.number}.")
    return redirect(incident.get_absolute_url())
