from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "statuspage"
    verbose_name = "Status page"

    def ready(self):
        from itsm import roles
        from itsm.demo import register_demo_loader
        from statuspage import demo, hooks

        hooks.connect()
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.SERVICE_DESK_LEAD: ("view", "add", "change"),
            },
        )
        register_demo_loader(demo.load)
        from statuspage import timeline_sources

        timeline_sources.register()
