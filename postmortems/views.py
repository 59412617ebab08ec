"""The portal's postmortem pages, for IT staff: the list, one postmortem, its exports.

Everyone else gets a 404 (the selectors return nothing for them). Read only: postmortems
are written in the staff console and the API.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.views.decorators.http import require_safe

from itsm import approvals
from itsm.keyset import InvalidCursor, keyset_page
from postmortems import export, selectors
from postmortems.choices import Status

PAGE_SIZE = 25


@login_required
@require_safe
def postmortem_list(request):
    postmortems = selectors.postmortem_list_visible_to(user=request.user)
    status = request.GET.get("status", "")
    if status in Status.values:
        postmortems = postmortems.filter(status=status)
    # Older / newer links carry the position, not a page number: no count, no offset.
    try:
        page = keyset_page(postmortems, size=PAGE_SIZE, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        page = keyset_page(postmortems, size=PAGE_SIZE)
    context = {
        "page": page,
        "status": status,
        "statuses": Status.choices,
        "due": list(selectors.postmortems_due(user=request.user)[:PAGE_SIZE]),
    }
    return render(request, "postmortems/list.html", context)


@login_required
@require_safe
def postmortem_detail(request, pk):
    postmortem = selectors.postmortem_get_for_user(user=request.user, pk=pk)
    context = {
        "postmortem": postmortem,
        "services": list(postmortem.services_affected.order_by("name")),
        "timeline": list(selectors.timeline_of(postmortem)),
        "actions": list(selectors.action_items_of(postmortem)),
        "track": approvals.tracks_of(postmortem).first(),
    }
    return render(request, "postmortems/detail.html", context)


def _filename(postmortem, suffix: str) -> str:
    return f"postmortem-{slugify(postmortem.incident.number)}.{suffix}"


@login_required
@require_safe
def postmortem_markdown(request, pk):
    postmortem = selectors.postmortem_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(
        export.as_markdown(postmortem), content_type="text/markdown; charset=utf-8"
    )
    response["Content-Disposition"] = f'inline; filename="{_filename(postmortem, "md")}"'
    return response


@login_required
@require_safe
def postmortem_pdf(request, pk):
    postmortem = selectors.postmortem_get_for_user(user=request.user, pk=pk)
    response = HttpResponse(export.as_pdf(postmortem), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(postmortem, "pdf")}"'
    return response
