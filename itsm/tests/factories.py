"""factory-boy factories for users and reference data, shared by every app's tests.

Factories save through the model (never ``bulk_create``), so each row gets its history.
"""

import factory
from django.contrib.auth import get_user_model

from itsm.choices import Criticality, RecordKind, Tier
from itsm.models import Category, ConfigurationItem, Service, Team
from itsm.roles import user_set_roles

PASSWORD = "factory-password"


class UserFactory(factory.django.DjangoModelFactory):
    """An employee; ``UserFactory(roles=[RESOLVER])`` (names from itsm.roles) for staff."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = "Factory"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **_kwargs):
        # Through the roles module so is_staff and the groups always agree.
        if create:
            user_set_roles(user=self, roles=list(extracted or []))


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    tier = Tier.TIER1
    email = factory.Sequence(lambda n: f"team{n}@example.com")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    name = factory.Sequence(lambda n: f"Service {n}")
    owner_group = factory.SubFactory(TeamFactory)
    criticality = Criticality.MEDIUM


class ConfigurationItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConfigurationItem

    name = factory.Sequence(lambda n: f"ci-{n}")
    ci_type = ConfigurationItem.Type.SERVER
    service = factory.SubFactory(ServiceFactory)
    owner_group = factory.SelfAttribute("service.owner_group")
    criticality = Criticality.MEDIUM


class CategoryFactory(factory.django.DjangoModelFactory):
    """A top-level category; pass ``parent=`` for a subcategory (its kind is inherited)."""

    class Meta:
        model = Category

    kind = factory.LazyAttribute(
        lambda category: category.parent.kind if category.parent else RecordKind.INCIDENT
    )
    name = factory.Sequence(lambda n: f"Category {n}")
    parent = None
    default_group = None
