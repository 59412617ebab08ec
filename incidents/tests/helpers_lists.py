"""The main incident lists as clients ask for them: for the list-plan tests and the bench."""

from django.urls import reverse

from incidents.models import LIST_ORDER
from incidents.selectors import incident_list_visible_to
from incidents.tests.helpers_api import API
from itsm.keyset import NEXT, encode_cursor, ordering_terms


def cursor_at(user, row: int) -> str:
    """The cursor a client holds after paging ``row`` rows into the user's list."""
    rows = incident_list_visible_to(user=user).order_by(*LIST_ORDER)
    return encode_cursor(ordering_terms(rows), rows[row], NEXT)


def list_pages(*, desk, resolver, employee, group, deep: int, employee_deep: int) -> dict:
    """{name: (user, url)}: the admin queues, API and portal lists, first and deep pages.

    ``deep`` and ``employee_deep`` are how many rows in the deep pages start (25 a page:
    24,975 is the 1,000th page).
    """
    admin = reverse("admin:incidents_incident_changelist")
    portal = reverse("incidents:list")
    staff_deep = cursor_at(desk, deep)
    return {
        "admin changelist, default": (desk, admin),
        "admin queue: status": (desk, f"{admin}?status__exact=in_progress"),
        "admin queue: assignment group": (desk, f"{admin}?assignment_group__id__exact={group.pk}"),
        "admin queue: assigned to me": (resolver, f"{admin}?queue=mine"),
        "admin queue: my groups": (resolver, f"{admin}?queue=my_groups"),
        "admin queue: unassigned": (desk, f"{admin}?queue=unassigned"),
        "admin queue: breached": (desk, f"{admin}?sla=breached"),
        "API staff, first page": (desk, API),
        "API staff, deep page": (desk, f"{API}?cursor={staff_deep}"),
        "API staff, status": (desk, f"{API}?status=in_progress"),
        "API staff, assignee": (desk, f"{API}?assignee={resolver.pk}"),
        "API employee, first page": (employee, API),
        "API employee, deep page": (employee, f"{API}?cursor={cursor_at(employee, employee_deep)}"),
        "API employee, with count": (employee, f"{API}?count=true"),
        "portal my incidents": (employee, portal),
        "portal list, staff": (desk, portal),
        "portal list, staff, deep page": (desk, f"{portal}?cursor={staff_deep}"),
    }
