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
on any record; the record apps' decide views render it again, with the error, when a
decision is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

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
