"""Portal shell pages. Record types contribute their lists to the home page."""

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from itsm.portal.home import home_sections


@login_required
def home(request):
    return render(request, "portal/home.html", {"sections": home_sections(request.user)})


@require_safe
def health(request):
    """Liveness probe for load balancers: no database, no session."""
    return JsonResponse({"status": "ok"})
