from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Service requests"

    def ready(self):
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.portal.approvals import ApprovalSection, register_approval_section
        from itsm.portal.home import register_home_section
        from itsm.portal.nav import register_nav_link
        from itsm.registry import RecordType, register_record_type
        from requests_app import (
            demo,
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
        register_home_section(
            title="My requests",
            provider=lambda user: selectors.request_open_for_user(user=user),
            list_url_name="requests_app:list",
        )
        register_home_section(
            title="Requests awaiting my approval",
            provider=lambda user: [row.request for row in selectors.approval_inbox(user=user)][:10],
            list_url_name="portal:approvals",
        )
        register_nav_link(label="Request something", url_name="requests_app:catalog")
        register_nav_link(label="My requests", url_name="requests_app:list")
        register_approval_section(
            ApprovalSection(
                title="Service requests",
                model=ServiceRequest,
                rows=selectors.approval_inbox,
                record=lambda row: row.request,
                summary="requests_app/_approval_summary.html",
                template="requests_app/_approval_row.html",
                get_for_user=selectors.request_get_for_user,
                transition=lambda *, record_id, **kw: services.request_transition(
                    request_id=record_id, **kw
                ),
            )
        )
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "change"),
            },
        )
        register_demo_loader(demo.load)
