from django.apps import AppConfig


class StatuspageConfig(AppConfig):
    name = "statuspage"
    verbose_name = "Status page"

    def ready(self):
        from django.db.models.signals import post_save

        from changes.models import Change
        from incidents.models import Incident
        from itsm import roles
        from itsm.demo import register_demo_loader
        from statuspage import demo, hooks

        post_save.connect(hooks.incident_saved, sender=Incident, dispatch_uid="statuspage-incident")
        post_save.connect(hooks.change_saved, sender=Change, dispatch_uid="statuspage-change")
        roles.register_role_permissions(
            self.label,
            {
                roles.SERVICE_DESK: ("view", "add", "change"),
                roles.RESOLVER: ("view", "add", "change"),
                roles.SERVICE_DESK_LEAD: ("view", "add", "change"),
            },
        )
        register_demo_loader(demo.load)
        from statuspage import timeline_sources

        timeline_sources.register()
