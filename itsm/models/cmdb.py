from django.db import models

from itsm.audit import audit_history
from itsm.choices import Criticality


class Service(models.Model):
    """A business service that users consume (e-mail, VPN, payroll)."""

    name = models.CharField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    owner_group = models.ForeignKey(
        "itsm.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="services"
    )
    criticality = models.CharField(
        max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Confidential: incidents about it are visible to IT staff only through "
        "their assignment group, its escalation chain, the service desk leads, or by being "
        "on the record.",
    )
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ConfigurationItem(models.Model):
    """A configuration item (server, application, network device) in the minimal CMDB."""

    class Type(models.TextChoices):
        SERVER = "server", "Server"
        APPLICATION = "application", "Application"
        DATABASE = "database", "Database"
        NETWORK = "network", "Network device"
        WORKSTATION = "workstation", "Workstation"
        STORAGE = "storage", "Storage"
        OTHER = "other", "Other"

    name = models.CharField(max_length=120, unique=True)
    ci_type = models.CharField(max_length=20, choices=Type.choices, default=Type.OTHER)
    service = models.ForeignKey(
        Service,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="configuration_items",
    )
    owner_group = models.ForeignKey(
        "itsm.Team",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="configuration_items",
    )
    criticality = models.CharField(
        max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    depends_on = models.ManyToManyField(
        "self", symmetrical=False, related_name="dependents", blank=True
    )
    is_active = models.BooleanField(default=True)
    history = audit_history(m2m_fields=[depends_on])

    class Meta:
        ordering = ["name"]
        verbose_name = "configuration item"

    def __str__(self):
        return self.name
