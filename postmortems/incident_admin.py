"""What postmortems add to the incident console: the postmortem block and its button.

A major incident is offered "Write the postmortem" (required for P1 major incidents,
offered for the others); a resolved P1 major incident without one shows "Postmortem
due". Writes go through ``postmortems.services``.
"""

from django.template.loader import render_to_string

from itsm.admin.transitions import Operation
from itsm.roles import role_allows
from postmortems import selectors, services
from postmortems.models import Postmortem


def _create(request, record_id, params):
    return services.postmortem_create(incident_id=record_id, actor=request.user)


def _may_create(request, incident) -> bool:
    return (
        incident.is_major
        and (
            role_allows(request.user, "postmortems", "add")
            or incident.commander_id == request.user.pk
        )
        and not Postmortem.objects.filter(incident=incident).exists()
    )


OPERATIONS = {
    "write_postmortem": Operation("Write the postmortem", _create, available=_may_create),
}


def postmortem_summary(incident) -> str:
    """The incident's postmortem, linked, or whether one is due."""
    postmortem = Postmortem.objects.filter(incident=incident).select_related("owner").first()
    context = {
        "incident": incident,
        "postmortem": postmortem,
        "due": postmortem is None and selectors.is_postmortem_due(incident),
    }
    return render_to_string("postmortems/admin/incident_postmortem.html", context)
