"""Signed links for subscribers: confirm (expires) and unsubscribe (does not)."""

from django.core import signing

SALT = "statuspage.subscriber"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def make(subscriber_id: int, action: str) -> str:
    return signing.dumps({"s": subscriber_id, "a": action}, salt=SALT, compress=True)


def read(token: str, action: str) -> int | None:
    """The subscriber id the token was made for, or None if it is not a valid ``action``
    token (forged, altered, for the other action, or an expired confirmation)."""
    max_age = CONFIRM_MAX_AGE if action == "confirm" else None
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("a") != action or not isinstance(data.get("s"), int):
        return None
    return data["s"]
