from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Service requests"

    def ready(self):
        from itsm import roles
        from itsm.registry import RecordType, register_record_type
        from requests_app import (
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
            services,
        )
        from requests_app.models import ServiceRequest
        from requests_app.workflow import WORKFLOW

        register_record_type(
            RecordType(
                model=ServiceRequest,
                workflow=WORKFLOW,
                transition=lambda *, record_id, **kw: services.request_transition(
                    request_id=record_id, **kw
                ),
                list_visible_to=selectors.request_list_visible_to,
                get_for_user=selectors.request_get_for_user,
                comment_add=lambda *, record_id, **kw: services.request_comment_add(
                    request_id=record_id, **kw
                ),
                attachment_add=lambda *, record_id, **kw: services.request_attachment_add(
                    request_id=record_id, **kw
                ),
                watch=lambda *, record_id, **kw: services.request_watch(request_id=record_id, **kw),
                sees_all=selectors.sees_all_requests,
            )
        )
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "change"),
            },
        )
