"""The staff page that posts a public update on a major incident from the portal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from incidents.selectors import incident_get_for_user
from itsm.errors import Refused
from statuspage import services
from statuspage.forms import StatusPostForm


@login_required
@require_http_methods(["GET", "POST"])
def post_update(request, incident_id: int):
    if not services.may_post(request.user):
        raise Http404
    incident = incident_get_for_user(user=request.user, pk=incident_id)
    if not incident.is_major:
        raise Http404
    form = StatusPostForm(request.POST or None, record=incident, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.status_post(incident_id=incident.pk, actor=request.user, **form.params())
        except Refused as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "The public update is posted.")
            return redirect("statuspage:internal")
    context = {"form": form, "incident": incident, "status_incident": form.status_incident}
    return render(request, "statuspage/post_update.html", context)
