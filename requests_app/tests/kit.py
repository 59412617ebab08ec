"""The service request kit for the shared test harnesses (``itsm.testing``).

Records are left submitted (the submit service moves them on at once outside tests) for
an item the requester's line manager approves and that has no task templates, so every
row of the table can be reached: ``fulfil`` needs no finished tasks.
"""

from django.conf import settings

from itsm.testing.approvals import track_decided
from itsm.testing.kit import Job, RecordKit
from requests_app import tasks
from requests_app.choices import Status
from requests_app.tests.factories import make_item, make_request, setup
from requests_app.workflow import SIGN_OFF

WAITING = frozenset({Status.AWAITING_APPROVAL})


def people():
    """The employee first, the service desk (whose manager is chris), then chris, the
    line manager who approves what both request."""
    users = setup()
    return [users["emma"], users["sam"], users["chris"]]


def create(requester, **fields):
    setup()  # the line managers the item's approval needs
    item = make_item(approval="manager", tasks=())
    return make_request(requester=requester, item=item, start=False, **fields)


KIT = RecordKit(
    create=create,
    people=people,
    prepare={
        "authorise": (track_decided(SIGN_OFF, "approved", WAITING),),
        "decline": (track_decided(SIGN_OFF, "rejected", WAITING),),
    },
    follow_ups={"approve": ("authorise",), "reject": ("decline",)},
    jobs={
        "close": Job(
            task=tasks.request_auto_close,
            make_due=lambda clock: clock.advance(days=settings.REQUEST_CONFIRMATION_DAYS + 1),
            reason="confirmation window passed",
        ),
    },
    initial="submitted",
)
