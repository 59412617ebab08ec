from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Service requests"

    def ready(self):
        from itsm import roles

        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view",),
            },
        )
