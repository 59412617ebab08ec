"""Audit helpers on top of django-simple-history."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.dispatch import receiver
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class TransitionHistory(models.Model):
    """What every history row carries besides simple-history's own columns.

    ``history_transition`` names the transition that wrote the row (empty for edits,
    comments and creates), so timelines and the history API read it as data instead
    of parsing the free-text reason.
    """

    history_transition = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        abstract = True


def audit_history(**kwargs) -> HistoricalRecords:
    """The history every model of the project carries: who, when, what and a full reason."""
    return HistoricalRecords(
        history_change_reason_field=models.TextField(null=True),
        bases=[TransitionHistory],
        **kwargs,
    )


def record_change(instance, actor, reason: str, *, transition: str = "") -> None:
    """Attach who, why and which transition to the next save of ``instance``."""
    instance._history_user = actor if getattr(actor, "pk", None) else None
    instance._change_reason = reason
    instance._history_transition = transition


@receiver(pre_create_historical_record)
def _stamp_transition(sender, instance, history_instance, **kwargs):
    history_instance.history_transition = getattr(instance, "_history_transition", "")


def system_user():
    """The named actor for work no person started (nightly jobs, monitoring).

    It holds the service desk role so it may run service-desk transitions such as the
    nightly auto-close, and it is inactive with no password, so nobody can sign in as it.
    """
    from itsm.roles import SERVICE_DESK, user_set_roles

    user, created = get_user_model().objects.get_or_create(
        username=settings.SYSTEM_USERNAME,
        defaults={"first_name": "System", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user_set_roles(user=user, roles=[SERVICE_DESK])
    return user
