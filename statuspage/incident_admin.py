"""What the status page adds to the incident console: a button on a major incident's page
that posts a public update (the first one publishes the status incident). The incident
admin lists it in its ``extra_operations``; the write goes through ``statuspage.services``.
"""

from itsm.admin.transitions import Operation
from statuspage import services
from statuspage.forms import StatusPostForm


def _post(request, record_id, params):
    params = dict(params)
    params.pop("expected_version", None)  # the incident's version, not the status incident's
    if "components" in params:
        params["components"] = list(params["components"]) or None
    return services.status_post(incident_id=record_id, actor=request.user, **params)


OPERATIONS = {
    "post_status_update": Operation(
        "Post a public status update",
        _post,
        StatusPostForm,
        available=lambda request, incident: incident.is_major and services.may_post(request.user),
    ),
}
