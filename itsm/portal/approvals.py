"""One approvals inbox for every record type that asks for approval.

A record app registers a section from its ``AppConfig.ready``:
``register_approval_section(ApprovalSection(title, rows, template))``, where ``rows(user)``
gives the pending tracks waiting on the user, each carrying its record, and ``template``
draws one row (``row`` in its context) with its decision form. The page shows every
section and the person's past decisions on any record; the record apps' decide views
render it again, with the error, when a decision is refused.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_safe

from itsm.models import Approval

HISTORY_SHOWN = 20


@dataclass(frozen=True)
class ApprovalSection:
    title: str
    rows: Callable[..., list]
    template: str


_SECTIONS: list[ApprovalSection] = []


def register_approval_section(section: ApprovalSection) -> None:
    if all(known.title != section.title for known in _SECTIONS):
        _SECTIONS.append(section)


def decisions_by(user):
    """The user's past decisions on any record, newest first."""
    return (
        Approval.objects.filter(approver=user)
        .select_related("step__group", "step__person", "track__content_type")
        .order_by("-decided_at", "-id")
    )


def approvals_page(request, *, error: str = "", status: int = 200):
    sections = [(section, section.rows(user=request.user)) for section in _SECTIONS]
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
