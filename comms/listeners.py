"""What comms does when an incident raises an event (``itsm.events``): queue only."""


def major_declared(*, record_id, event, key, extra, record=None) -> None:
    from comms.tasks import stakeholders_seed

    stakeholders_seed.delay(record_id)
