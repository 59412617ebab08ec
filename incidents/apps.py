from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"

    def ready(self):
        from incidents import (
            demo,
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
            services,
            timeline_sources,
        )
        from incidents.models import Incident
        from incidents.workflow import WORKFLOW
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.portal.home import register_home_section
        from itsm.portal.nav import register_nav_link
        from itsm.registry import RecordType, register_record_type

        register_record_type(
            RecordType(
                model=Incident,
                workflow=WORKFLOW,
                transition=lambda *, record_id, **kw: services.incident_transition(
                    incident_id=record_id, **kw
                ),
                list_visible_to=selectors.incident_list_visible_to,
                get_for_user=selectors.incident_get_for_user,
                comment_add=lambda *, record_id, **kw: services.incident_comment_add(
                    incident_id=record_id, **kw
                ),
                attachment_add=lambda *, record_id, **kw: services.incident_attachment_add(
                    incident_id=record_id, **kw
                ),
                watch=lambda *, record_id, **kw: services.incident_watch(
                    incident_id=record_id, **kw
                ),
                sees_all=selectors.sees_all_incidents,
            )
        )
        register_home_section(
            title="My open incidents",
            provider=lambda user: selectors.incident_open_for_user(user=user),
            list_url_name="incidents:list",
        )
        register_nav_link(label="My incidents", url_name="incidents:list")
        register_nav_link(label="Report an incident", url_name="incidents:create")
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.PROBLEM_MANAGER: ("view",),
                roles.CHANGE_MANAGER: ("view",),
            },
        )
        register_demo_loader(demo.load)
        timeline_sources.register()
