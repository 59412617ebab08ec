"""API tokens end with the credentials and the account they were issued for.

A session ends by itself when its user's password changes or the account is deactivated
(Django checks the password hash and ``is_active`` on every request). A token would
outlive both (deactivation only refused it, so reactivating brought it back), so these
hooks delete the user's tokens. Both fire for every path: the portal, a password reset,
the admin, management commands and plain ORM saves.
"""

from django.conf import settings
from django.db.models.signals import post_save
from django.dispatch import receiver
from knox.models import AuthToken

from itsm.security_log import security_event


def revoke_all_tokens(user, reason: str) -> int:
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    if deleted:
        security_event("tokens_revoked_all", user=user, count=deleted, reason=reason)
    return deleted


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="itsm_revoke_tokens_inactive")
def _deactivated(sender, instance, **kwargs):
    if not instance.is_active:
        revoke_all_tokens(instance, "deactivated")


class RevokeTokensOnPasswordChange:
    """Listed in ``AUTH_PASSWORD_VALIDATORS`` for its ``password_changed`` hook, which
    Django calls after every saved password change; it accepts every password."""

    def validate(self, password, user=None):
        return None

    def password_changed(self, password, user=None):
        if user is not None and user.pk is not None:
            revoke_all_tokens(user, "password_changed")

    def get_help_text(self):
        return (
            "Changing your password signs you out of your other browsers and revokes your API"
            " tokens."
        )
