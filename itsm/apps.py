from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = "Service desk configuration"

    def ready(self):
        from itsm.roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, dispatch_uid="itsm_sync_roles")
