from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"

    def ready(self):
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.portal.approvals import ApprovalSection, register_approval_section
        from itsm.portal.nav import register_nav_link
        from postmortems import (
            demo,
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
            services,
        )
        from postmortems.models import Postmortem

        register_nav_link(
            label="Postmortems", url_name="postmortems:list", visible_to=selectors.sees_postmortems
        )
        # Signed off in the staff console and the API; the portal only reads postmortems.
        register_approval_section(
            ApprovalSection(
                title="Postmortems",
                model=Postmortem,
                rows=selectors.approval_inbox,
                record=lambda row: row.postmortem,
                summary="postmortems/_approval_summary.html",
                template="",
                get_for_user=selectors.postmortem_get_for_user,
                transition=lambda *, record_id, **kw: services.postmortem_transition(
                    postmortem_id=record_id, **kw
                ),
            )
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
