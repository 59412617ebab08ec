"""Human record numbers (INC0000001) handed out without races."""

from django.db import transaction

from itsm.models import NumberSequence

WIDTH = 7


def allocate_number(prefix: str) -> str:
    """The next number for ``prefix``.

    The row lock makes concurrent callers queue, and because it is held until the
    caller's transaction ends, a rolled-back create gives its number back.
    """
    with transaction.atomic():
        sequence, _ = NumberSequence.objects.get_or_create(prefix=prefix)
        sequence = NumberSequence.objects.select_for_update().get(pk=sequence.pk)
        sequence.last_value += 1
        sequence.save(update_fields=["last_value"])
    return f"{prefix}{sequence.last_value:0{WIDTH}d}"
