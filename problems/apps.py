from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "problems"

    def ready(self):
        from itsm import roles
        from itsm.demo import register_demo_loader
        from itsm.portal.home import register_home_section
        from itsm.portal.suggestions import register_suggester
        from itsm.registry import RecordType, register_record_type
        from problems import (
            demo,
            notifications,  # noqa: F401  (registers the notifier)
            selectors,
            services,
        )
        from problems.models import Problem
        from problems.suggestions import KNOWN_ERRORS
        from problems.workflow import WORKFLOW

        register_record_type(
            RecordType(
                model=Problem,
                workflow=WORKFLOW,
                transition=lambda *, record_id, **kw: services.problem_transition(
                    problem_id=record_id, **kw
                ),
                list_visible_to=selectors.problem_list_visible_to,
                get_for_user=selectors.problem_get_for_user,
                comment_add=lambda *, record_id, **kw: services.problem_comment_add(
                    problem_id=record_id, **kw
                ),
                attachment_add=lambda *, record_id, **kw: services.problem_attachment_add(
                    problem_id=record_id, **kw
                ),
                watch=lambda *, record_id, **kw: services.problem_watch(problem_id=record_id, **kw),
                sees_all=selectors.sees_all_problems,
            )
        )
        register_home_section(
            title="Problems assigned to me",
            provider=lambda user: selectors.problem_open_for_user(user=user),
            list_url_name="admin:problems_problem_changelist",
            visible_to=selectors.sees_all_problems,
        )
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.PROBLEM_MANAGER: ("view", "add", "change"),
            },
        )
        register_demo_loader(demo.load)
        register_suggester("incident_report", KNOWN_ERRORS)
