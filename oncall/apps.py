from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "oncall"
    verbose_name = "On-call"

    def ready(self):
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.events import listen
        from itsm.feeds import register_feed
        from itsm.portal.home import register_home_section
        from itsm.portal.nav import register_nav_link
        from oncall import demo, selectors
        from oncall.feed import shift_events
        from oncall.listeners import incident_event

        # A new incident, an assignment to another group and a priority raised to P1/P2
        # page that group's on-call.
        for event in ("logged", "assigned", "priority_changed"):
            listen("incidents.incident", event, incident_event)
        register_nav_link(
            label="On call", url_name="oncall:list", visible_to=selectors.sees_on_call
        )
        register_feed("shifts", "My on-call shifts", shift_events, selectors.sees_on_call)
        register_home_section(
            title="My open pages",
            provider=lambda user: [
                page.incident for page in selectors.open_pages_for(user=user)[:10]
            ],
            list_url_name="oncall:list",
            visible_to=selectors.sees_on_call,
        )
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change", "delete"),
                roles.RESOLVER: ("view",),
                roles.PROBLEM_MANAGER: ("view",),
                roles.CHANGE_MANAGER: ("view",),
            },
        )
        register_demo_loader(demo.load)
        from oncall import timeline_sources

        timeline_sources.register()
