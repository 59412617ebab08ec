from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    name = "incidents"

    def ready(self):
        from incidents import notifications  # noqa: F401  (registers the notifier)
        from incidents.selectors import incident_open_for_user
        from itsm.portal.home import register_home_section

        register_home_section(
            title="My open incidents",
            provider=lambda user: incident_open_for_user(user=user),
            list_url_name="incidents:list",
        )
