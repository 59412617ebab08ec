from django.apps import AppConfig


class ChangesConfig(AppConfig):
    name = "changes"

    def ready(self):
        from changes import (
            demo,
            feeds,
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
            services,
        )
        from changes.models import Change
        from changes.workflow import WORKFLOW
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.portal.approvals import ApprovalSection, register_approval_section
        from itsm.portal.home import register_home_section
        from itsm.portal.nav import register_nav_link
        from itsm.registry import RecordType, register_record_type

        register_record_type(
            RecordType(
                model=Change,
                workflow=WORKFLOW,
                transition=lambda *, record_id, **kw: services.change_transition(
                    change_id=record_id, **kw
                ),
                list_visible_to=selectors.change_list_visible_to,
                get_for_user=selectors.change_get_for_user,
                comment_add=lambda *, record_id, **kw: services.change_comment_add(
                    change_id=record_id, **kw
                ),
                attachment_add=lambda *, record_id, **kw: services.change_attachment_add(
                    change_id=record_id, **kw
                ),
                watch=lambda *, record_id, **kw: services.change_watch(change_id=record_id, **kw),
                sees_all=selectors.sees_all_changes,
            )
        )
        register_nav_link(
            label="Change calendar",
            url_name="changes:calendar",
            visible_to=selectors.sees_all_changes,
        )
        register_home_section(
            title="Changes I implement or manage",
            provider=lambda user: selectors.change_open_for_user(user=user),
            list_url_name="admin:changes_change_changelist",
            visible_to=selectors.sees_all_changes,
        )
        register_home_section(
            title="Changes awaiting my approval",
            provider=lambda user: [row.change for row in selectors.approval_inbox(user=user)][:10],
            list_url_name="portal:approvals",
            visible_to=selectors.sees_all_changes,
        )
        register_approval_section(
            ApprovalSection(
                title="Changes",
                model=Change,
                rows=selectors.approval_inbox,
                record=lambda row: row.change,
                summary="changes/_approval_summary.html",
                template="changes/_approval_row.html",
                get_for_user=selectors.change_get_for_user,
                transition=lambda *, record_id, **kw: services.change_transition(
                    change_id=record_id, **kw
                ),
            )
        )
        # CAB members are IT staff who also raise changes (and may not approve their own).
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view",),
                roles.CHANGE_MANAGER: ("view", "add", "change"),
                roles.CHANGE_APPROVER: ("view", "add", "change"),
            },
        )
        register_demo_loader(demo.load)
        feeds.register()
