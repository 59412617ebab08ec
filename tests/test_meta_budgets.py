"""Every list has a query-budget test: portal lists, API lists and admin changelists.

The lists are found from the URL configuration, so a list added later fails here until
its budget test is named in :data:`BUDGET_TESTS`:

- portal lists: the portal home page and every portal route named ``<app>:list``;
- API lists: every route whose GET is a viewset's ``list`` or a list-shaped extra
  action (comments, history);
- admin changelists: every registered admin, all measured by
  ``tests/test_meta_admin.py::test_every_changelist_has_a_query_budget``.
"""

import importlib
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

PORTAL_REPORT = "incidents/tests/test_portal_report.py"
INCIDENT_API = "incidents/tests/test_api_query_budgets.py"
REFERENCE_API = "itsm/tests/test_api_reference.py"
# Route name -> the test that measures its query count against a budget.
BUDGET_TESTS = {
    "portal:home": "tests/test_portal_budgets.py::"
    "test_home_page_query_count_does_not_grow_with_records",
    "incidents:list": f"{PORTAL_REPORT}::test_list_query_count_does_not_grow_with_rows",
    "team-list": f"{REFERENCE_API}::test_list_query_count_is_constant",
    "service-list": f"{REFERENCE_API}::test_list_query_count_is_constant",
    "configurationitem-list": f"{REFERENCE_API}::test_list_query_count_is_constant",
    "category-list": f"{REFERENCE_API}::test_list_query_count_is_constant",
    "prioritymatrix-list": f"{REFERENCE_API}::test_priority_matrix_query_count_is_constant",
    "incident-list": f"{INCIDENT_API}::test_incident_list_query_count_is_constant",
    "incident-comments": f"{INCIDENT_API}::test_comment_list_query_count_is_constant",
    "incident-history": f"{INCIDENT_API}::test_history_query_count_is_constant",
}
PROBLEM_LISTS = "problems/tests/test_lists.py"
BUDGET_TESTS |= {
    "problem-list": f"{PROBLEM_LISTS}::test_api_list",
    "problem-incidents": f"{PROBLEM_LISTS}::test_api_linked_incidents",
    "knownerror-list": f"{PROBLEM_LISTS}::test_api_known_error_list",
    "knownerror-suggest": f"{PROBLEM_LISTS}::test_api_known_error_suggestions",
    "problem-comments": f"{PROBLEM_LISTS}::test_api_comments_and_history",
    "problem-history": f"{PROBLEM_LISTS}::test_api_comments_and_history",
}
CHANGE_LISTS = "changes/tests/test_lists.py"
BUDGET_TESTS |= {
    "change-list": f"{CHANGE_LISTS}::test_api_change_list",
    "change-approvals": f"{CHANGE_LISTS}::test_api_lists_of_one_change",
    "change-conflicts": f"{CHANGE_LISTS}::test_api_lists_of_one_change",
    "change-comments": f"{CHANGE_LISTS}::test_api_lists_of_one_change",
    "change-history": f"{CHANGE_LISTS}::test_api_lists_of_one_change",
    "changetemplate-list": f"{CHANGE_LISTS}::test_api_template_list",
    "approval-list": f"{CHANGE_LISTS}::test_api_approvals_inbox",
}
BUDGET_TESTS |= {
    "changes:calendar": "changes/tests/test_calendar.py::"
    "test_calendar_query_count_does_not_grow_with_changes",
}
STATUS_PAGES = "statuspage/tests/test_public.py::test_public_query_counts_do_not_grow_with_rows"
STATUS_INTERNAL = "statuspage/tests/test_admin.py::test_internal_page_query_count_is_constant"
# The public status pages are not under portal/ or api/, so the walk above does not find
# them; they are budgeted all the same.
BUDGET_TESTS |= {
    "statuspage:page": STATUS_PAGES,
    "statuspage:history": STATUS_PAGES,
    "statuspage:summary": STATUS_PAGES,
    "statuspage:feed": STATUS_PAGES,
    "statuspage:internal": STATUS_INTERNAL,
}
ONCALL_LISTS = "oncall/tests/test_lists.py"
BUDGET_TESTS |= {
    "oncall:list": f"{ONCALL_LISTS}::test_portal_board",
    "oncallschedule-list": f"{ONCALL_LISTS}::test_api_schedule_list",
    "oncallnow-list": f"{ONCALL_LISTS}::test_api_on_call_now",
    "oncallpage-list": f"{ONCALL_LISTS}::test_api_page_list",
}
ALERT_LISTS = "alerts/tests/test_lists.py"
BUDGET_TESTS |= {
    "integration-list": f"{ALERT_LISTS}::test_api_integration_list",
    "alertevent-list": f"{ALERT_LISTS}::test_api_alert_event_list",
}
POSTMORTEM_LISTS = "postmortems/tests/test_lists.py"
BUDGET_TESTS |= {
    "postmortems:list": f"{POSTMORTEM_LISTS}::test_portal_list",
    "postmortem-list": f"{POSTMORTEM_LISTS}::test_api_list",
}
STATUS_API = "statuspage/tests/test_api.py"
BUDGET_TESTS |= {
    "statuscomponent-list": f"{STATUS_API}::test_component_list_budget",
    "statusincident-list": f"{STATUS_API}::test_status_incident_list_budget",
}
REQUEST_LISTS = "requests_app/tests/test_lists.py"
BUDGET_TESTS |= {
    "requests_app:list": f"{REQUEST_LISTS}::test_portal_my_requests",
    "servicerequest-list": f"{REQUEST_LISTS}::test_api_request_list",
    "servicerequest-approvals": f"{REQUEST_LISTS}::test_api_lists_of_one_request",
    "servicerequest-tasks": f"{REQUEST_LISTS}::test_api_lists_of_one_request",
    "servicerequest-comments": f"{REQUEST_LISTS}::test_api_lists_of_one_request",
    "servicerequest-history": f"{REQUEST_LISTS}::test_api_lists_of_one_request",
    "requesttask-list": f"{REQUEST_LISTS}::test_api_task_list",
    "catalogitem-list": f"{REQUEST_LISTS}::test_api_catalog_items",
}
BUDGET_TESTS |= {
    "portal:approvals": "tests/test_approvals_inbox.py::"
    "test_the_inbox_costs_the_same_for_one_or_many_records",
}
COMMS_LIVE = "comms/tests/test_live.py"
# The live incident page and its polling endpoint are not named lists; budgeted all the same.
BUDGET_TESTS |= {
    "comms:live": f"{COMMS_LIVE}::test_the_live_page_costs_the_same_for_a_long_timeline",
    "comms:live_entries": f"{COMMS_LIVE}::test_polling_costs_the_same_for_a_long_timeline",
}
CHANGELIST_TEST = "tests/test_meta_admin.py::test_every_changelist_has_a_query_budget"


def _routes(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield prefix + str(pattern.pattern), name, pattern.callback


def _is_api_list(callback) -> bool:
    action = (getattr(callback, "actions", None) or {}).get("get")
    return action == "list" or action not in (None, "retrieve")


def _is_list(route: str, name: str, callback) -> bool:
    if route.startswith("portal/"):
        return name == "portal:home" or name.endswith(":list")
    return route.startswith("api/") and _is_api_list(callback)


def list_routes() -> set[str]:
    return {
        name
        for route, name, callback in _routes(get_resolver().url_patterns)
        if _is_list(route, name, callback)
    }


def test_the_lists_are_found():
    assert {"portal:home", "incidents:list", "incident-list", "incident-comments"} <= (
        list_routes()
    )


def test_every_list_has_a_query_budget_test():
    missing = sorted(list_routes() - set(BUDGET_TESTS))

    assert missing == [], f"lists without a query-budget test in BUDGET_TESTS: {missing}"


def _test_exists(node: str) -> bool:
    path, name = node.split("::")
    if not (Path(settings.BASE_DIR) / path).is_file():
        return False
    module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
    return callable(getattr(module, name, None))


def test_every_named_budget_test_exists():
    named = {*BUDGET_TESTS.values(), CHANGELIST_TEST}

    assert [node for node in sorted(named) if not _test_exists(node)] == []


def test_every_changelist_is_measured_by_the_admin_meta_test():
    # The admin meta-test is parametrized over the admin site's registry itself.
    from tests import test_meta_admin

    registered = {model for model, _ in test_meta_admin.ADMINS}
    assert registered == set(admin.site._registry)
