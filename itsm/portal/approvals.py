"""One approvals inbox for every record type that asks for approval, in the portal and
in the staff console (``itsm.admin.inbox``).

A record app registers a section from its ``AppConfig.ready``:
``register_approval_section(ApprovalSection(...))`` with

- ``title``; ``model``, the record model (its label names the section in URLs);
- ``rows(user=)``: the pending tracks waiting on the user, each carrying its record, which
  ``record(row)`` returns;
- ``summary``: the template of a row's record summary (``row`` in its context), shown by
  both inboxes;
- ``template``: the portal's row, the summary with the decision form posting to the
  app's decide view (empty: the portal does not decide these records);
- ``get_for_user(user=, pk=)``: the record in the user's scope, else ``Http404``;
- ``transition(record_id=, name=, actor=, expected_version=, reason=)``: the record
  type's transition service, which runs ``approve`` and ``reject``.

The portal page shows every section with a row template and the person's past decisions
on any record. One view takes a decision on any section's record (:func:`decide`, behind
each record app's ``<pk>/decide/`` URL and the staff console's); a refused decision
renders the inbox again with the error and the refusal's status.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from itsm.errors import Refused
from itsm.models import Approval

HISTORY_SHOWN = 20


class DecisionForm(forms.Form):
    """An approver's decision, from either inbox: the version the page showed (a stale one
    is refused) and the comment (the transition requires it to reject)."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    version = forms.IntegerField(min_value=1)


@dataclass(frozen=True)
class ApprovalSection:
    title: str
    model: type
    rows: Callable[..., list]
    record: Callable
    summary: str
    template: str
    get_for_user: Callable
    transition: Callable

    @property
    def kind(self) -> str:
        return self.model._meta.label_lower


_SECTIONS: list[ApprovalSection] = []


def register_approval_section(section: ApprovalSection) -> None:
    if all(known.title != section.title for known in _SECTIONS):
        _SECTIONS.append(section)


def approval_sections() -> list[ApprovalSection]:
    return list(_SECTIONS)


def section_for(kind: str) -> ApprovalSection:
    """The section of the record model labelled ``kind`` (``changes.change``), else 404."""
    for section in _SECTIONS:
        if section.kind == kind:
            return section
    raise Http404("No such record type.")


def decide(request, *, section: ApprovalSection, pk: int, page, done_url: str):
    """Take the approver's decision on the section's record ``pk``; ``page(request,
    error=, status=)`` shows the inbox again when the form is invalid (400, naming the
    fields) or the transition refuses (with the refusal's status)."""
    record = section.get_for_user(user=request.user, pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return page(request, error=form_errors(form), status=400)
    data = form.cleaned_data
    try:
        section.transition(
            record_id=record.pk,
            name=data["decision"],
            actor=request.user,
            expected_version=data["version"],
            reason=data["comment"],
        )
    except Refused as refused:
        return page(request, error=f"{record}: {refused.message}", status=refused.status)
    done = "Approved" if data["decision"] == "approve" else "Rejected"
    messages.success(request, f"{done} {record}.")
    return redirect(done_url)


def form_errors(form) -> str:
    """``Decision: Select a valid choice. ...`` for each field in error."""
    return " ".join(
        f"{form.fields[name].label or name.capitalize()}: {' '.join(errors)}"
        for name, errors in form.errors.items()
    )


def decisions_by(user):
    """The user's past decisions on any record, newest first."""
    return (
        Approval.objects.filter(approver=user)
        .select_related("step__group", "step__person", "track__content_type")
        .order_by("-decided_at", "-id")
    )


def approvals_page(request, *, error: str = "", status: int = 200):
    sections = [
        (section, section.rows(user=request.user)) for section in _SECTIONS if section.template
    ]
    context = {
        "sections": sections,
        "waiting": sum(len(rows) for _section, rows in sections),
        "decisions": list(decisions_by(request.user)[:HISTORY_SHOWN]),
        "error": error,
    }
    return render(request, "portal/approvals.html", context, status=status)


@login_required
@require_safe
def approvals_inbox(request):
    return approvals_page(request)


@login_required
@require_POST
def approval_decide(request, pk: int, kind: str):
    """A record app's ``<pk>/decide/`` URL names its model: ``{"kind": "changes.change"}``."""
    section = section_for(kind)
    return decide(request, section=section, pk=pk, page=approvals_page, done_url="portal:approvals")
