from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"

    def ready(self):
        from itsm import roles

        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view",),
                roles.CHANGE_MANAGER: ("view", "add", "change"),
                roles.CHANGE_APPROVER: ("view",),
            },
        )
