from django.apps import AppConfig


class CommsConfig(AppConfig):
    name = "comms"
    verbose_name = "Stakeholder communication"

    def ready(self):
        from comms import demo, listeners, timeline_sources
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.events import listen

        # A declared major incident lists its affected components' subscribers.
        listen("incidents.incident", "major_declared", listeners.major_declared)
        timeline_sources.register()
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.SERVICE_DESK_LEAD: ("view", "add", "change"),
            },
        )
        register_demo_loader(demo.load)
