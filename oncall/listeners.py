"""What the on-call app does when an incident is logged, assigned or reprioritised (after
commit): queue the paging decision, or, when the saved incident already shows there is
nothing to do, nothing at all (no task, no query)."""

from oncall.services.paging import PAGING_PRIORITIES


def incident_event(*, record_id, event, key, extra, record=None) -> None:
    """Queue the paging decision; the task reads the incident again and pages, tells the
    on-call person without paging (P3 and lower), or does nothing."""
    from oncall.tasks import page_incident

    if event == "priority_changed" and extra.get("priority") not in PAGING_PRIORITIES:
        return  # a lower priority pages nobody; the group heard of the incident before
    if record is not None and (record.assignment_group_id is None or record.is_finished):
        return  # no group holds it: nobody is on call for it
    page_incident.delay(record_id)
