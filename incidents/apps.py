from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"

    def ready(self):
        from incidents import (
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
            services,
        )
        from incidents.models import Incident
        from incidents.workflow import WORKFLOW
        from itsm.portal.home import register_home_section
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
