"""Portal pages for incidents (thin: selectors to read, services to write)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from incidents.selectors import incident_get_for_user, incident_list_visible_to


@login_required
def incident_list(request):
    incidents = incident_list_visible_to(user=request.user)[:50]
    return render(request, "incidents/list.html", {"incidents": incidents})


@login_required
def incident_detail(request, pk):
    incident = incident_get_for_user(user=request.user, pk=pk)
    return render(request, "incidents/detail.html", {"incident": incident})
