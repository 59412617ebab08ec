from django.core.exceptions import ValidationError
from django.db import models

from itsm.audit import audit_history
from itsm.choices import RecordKind


class Category(models.Model):
    """A category or, when it has a parent, a subcategory, for one record kind."""

    kind = models.CharField(max_length=10, choices=RecordKind.choices)
    name = models.CharField(max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    default_group = models.ForeignKey(
        "itsm.Team",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="default_for_categories",
        help_text="New records in this category go to this group.",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Confidential: records in it are visible to IT staff only through their "
        "assignment group, its escalation chain, the service desk leads, or by being on "
        "the record.",
    )
    is_active = models.BooleanField(default=True)
    history = audit_history()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name_plural = "categories"
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "parent", "name"], name="category_unique_name_per_parent"
            ),
            models.UniqueConstraint(
                fields=["kind", "name"],
                condition=models.Q(parent__isnull=True),
                name="category_unique_top_level_name",
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name

    def clean(self):
        if self.parent_id is None:
            return
        if self.parent.parent_id is not None:
            raise ValidationError({"parent": "Subcategories cannot have subcategories."})
        if self.parent.kind != self.kind:
            raise ValidationError({"parent": "A subcategory must be of its category's kind."})
