"""A strict check of an RFC 5545 calendar, for the tests of every feed."""

import icalendar

REQUIRED = ("UID", "DTSTAMP", "DTSTART")
MAX_OCTETS = 75


def assert_valid_ical(body: bytes) -> icalendar.Calendar:
    """Parse ``body`` strictly and check what calendar apps rely on; return the calendar.

    Content lines end in CRLF and are folded at 75 octets (3.1); the calendar has PRODID
    and VERSION 2.0 (3.6); every event has UID, DTSTAMP and DTSTART (3.6.1), times are
    in UTC or carry a TZID, and an end is not before its start.
    """
    assert body.endswith(b"\r\n"), "the last line must end in CRLF"
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "bare CR or LF"
    long = [line for line in lines if len(line) > MAX_OCTETS]
    assert not long, f"lines longer than {MAX_OCTETS} octets: {long[:3]}"
    body.decode("utf-8")
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar.errors == [], calendar.errors
    assert calendar.get("VERSION") == "2.0" and calendar.get("PRODID")
    for event in calendar.walk("VEVENT"):
        assert event.errors == [], event.errors
        missing = [name for name in REQUIRED if name not in event]
        assert not missing, f"{event.get('UID')}: missing {missing}"
        for name in ("DTSTAMP", "DTSTART", "DTEND"):
            if name in event:
                moment = event.decoded(name)
                assert getattr(moment, "tzinfo", None) is not None or "TZID" in event[name].params
        if "DTEND" in event:
            assert event.decoded("DTEND") >= event.decoded("DTSTART")
    return calendar
