"""What the on-call app does when an incident is logged or assigned (after commit)."""


def incident_event(*, record_id, event, key, extra) -> None:
    """Queue the paging decision; the task decides whether to page, notify or do nothing."""
    from oncall.tasks import page_incident

    page_incident.delay(record_id)
