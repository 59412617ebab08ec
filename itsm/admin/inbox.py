"""The approvals inbox of the staff console (``/admin/approvals/``).

The same sections as the portal's inbox (:mod:`itsm.portal.approvals`), every record
type that registered one: the records waiting on the signed-in approver with their
summaries, a decision form per record (approve, or reject with a comment; the form
carries the version the page showed) and the approver's past decisions. A decision runs
the record type's ``approve`` or ``reject`` transition through its service, so
separation of duties, the approver check and a stale version are refused as everywhere
else; a refusal comes back as an error on the page, with the refusal's status.
"""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_POST, require_safe

from itsm.portal.approvals import (
    HISTORY_SHOWN,
    approval_sections,
    decide,
    decisions_by,
    section_for,
)

TEMPLATE = "admin/itsm/approvals.html"


def change_url(record) -> str:
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def _sections(user) -> list:
    shown = []
    for section in approval_sections():
        rows = [(row, section.record(row)) for row in section.rows(user=user)]
        shown.append((section, [(row, record, change_url(record)) for row, record in rows]))
    return shown


def _page(request, *, error: str = "", status: int = 200):
    sections = _sections(request.user)
    decisions = decisions_by(request.user).prefetch_related("track__record")[:HISTORY_SHOWN]
    context = {
        **admin.site.each_context(request),
        "title": "Awaiting my approval",
        "sections": sections,
        "waiting": sum(len(rows) for _section, rows in sections),
        "decisions": decisions,
        "error": error,
    }
    return TemplateResponse(request, TEMPLATE, context, status=status)


@require_safe
def approvals_inbox(request):
    return _page(request)


@require_POST
def approval_decide(request, kind: str, pk: int):
    section = section_for(kind)
    return decide(request, section=section, pk=pk, page=_page, done_url="admin_approvals:inbox")


urlpatterns = [
    path("", admin.site.admin_view(approvals_inbox), name="inbox"),
    path(
        "<str:kind>/<int:pk>/decide/",
        admin.site.admin_view(approval_decide),
        name="decide",
    ),
]
