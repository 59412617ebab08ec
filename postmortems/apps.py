from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"

    def ready(self):
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.portal.nav import register_nav_link
        from postmortems import (
            demo,
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
        )

        register_nav_link(
            label="Postmortems", url_name="postmortems:list", visible_to=selectors.sees_postmortems
        )

        # Every staff role reads postmortems; the people who run incidents write them.
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.PROBLEM_MANAGER: ("view", "add", "change"),
                roles.CHANGE_MANAGER: ("view",),
                roles.CHANGE_APPROVER: ("view",),
            },
        )
        register_demo_loader(demo.load)
