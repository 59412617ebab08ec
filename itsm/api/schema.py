"""The OpenAPI description of the error answers every endpoint can give.

drf-spectacular documents the success answer only, so a client (and schemathesis) met
404s, 400s on filters and 429s the schema never mentioned. Each operation here also
documents, in the JSON error shape of ``itsm.api.errors``:

- 400 when it reads input (a body, filters, paging parameters);
- 403 when it writes (a role or rule refuses);
- 404 when it addresses one row (out of scope or missing) or pages (a page past the end);
- 429 when it is throttled.

An operation may document the same status itself, with a more precise description.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from itsm.api.inputs import ApiErrorSerializer

DESCRIPTIONS = {
    400: "The input is not valid (`code` `invalid`, see `errors`) or a rule refused it.",
    403: "You may not do this.",
    404: "Not found, or not yours to see.",
    429: "Too many requests; try again later.",
}


class ApiSchema(AutoSchema):
    def error_statuses(self) -> set[int]:
        statuses = set()
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        pages = self._is_list_view() and self._get_paginator() is not None
        if writes or pages or self._get_filter_parameters():
            statuses.add(400)
        if writes:
            statuses.add(403)
        if "{" in self.path or pages:
            statuses.add(404)
        if getattr(self.view, "throttle_classes", None):
            statuses.add(429)
        return statuses

    def _get_response_bodies(self, direction="response"):
        bodies = super()._get_response_bodies(direction)
        for status in sorted(self.error_statuses()):
            if str(status) not in bodies:
                error = OpenApiResponse(ApiErrorSerializer, description=DESCRIPTIONS[status])
                bodies[str(status)] = self._get_response_for_code(
                    error, str(status), direction=direction
                )
        return bodies
