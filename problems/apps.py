from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "problems"

    def ready(self):
        from itsm import roles

        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.PROBLEM_MANAGER: ("view", "add", "change"),
            },
        )
