from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from alerts import demo
        from itsm import roles
        from itsm.demo import register_demo_loader

        # Staff read integrations and events; the service desk configures integrations.
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view",),
            },
        )
        register_demo_loader(demo.load)
        from alerts import timeline_sources

        timeline_sources.register()
