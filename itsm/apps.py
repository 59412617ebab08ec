from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _after_migrate(sender, **kwargs):
    from django.apps import apps

    from itsm.history_guard import install_history_guards
    from itsm.roles import sync_role_permissions
    from itsm.seed import seed_reference_data

    seed_reference_data(apps)
    sync_role_permissions()
    install_history_guards()


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = "Service desk configuration"

    def ready(self):
        from itsm import security_log  # noqa: F401  (connects the login signal receivers)
        from itsm.api import revocation  # noqa: F401  (revokes tokens of deactivated users)
        from itsm.portal.nav import register_nav_link

        # One inbox for every record type's approvals (itsm.portal.approvals).
        register_nav_link(label="Approvals", url_name="portal:approvals")

        # Sent once per app after every migrate or flush; later apps' permissions only
        # exist after their own signal, so the sync runs each time (it is idempotent).
        post_migrate.connect(_after_migrate, dispatch_uid="itsm_after_migrate")
