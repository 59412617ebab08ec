"""The change console: template versions approved by the CAB, the risk override button."""

import pytest
from django.test import Client
from django.urls import reverse

from changes import services
from changes.choices import VersionStatus
from changes.models import TemplateVersion
from changes.tests.factories import PLANS, make_change, setup

pytestmark = pytest.mark.django_db


@pytest.fixture
def users():
    return setup()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def new_version(author):
    template = services.template_create(actor=author, name="Restart the queue")
    return services.template_version_create(actor=author, template_id=template.pk, **PLANS)


def approve_in_admin(user, version):
    return signed_in(user).post(
        reverse("admin:changes_templateversion_changelist"),
        {"action": "approve_versions", "_selected_action": [version.pk]},
        follow=True,
    )


def test_a_cab_member_approves_a_version_in_the_admin(users):
    version = new_version(users["chris"])
    approve_in_admin(users["alex"], version)
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.APPROVED


def test_the_author_is_refused_in_the_admin(users):
    version = new_version(users["alex"])
    page = approve_in_admin(users["alex"], version)
    assert b"wrote this version" in page.content
    assert TemplateVersion.objects.get(pk=version.pk).status == VersionStatus.AWAITING_APPROVAL


def test_the_risk_override_button_records_the_reason(users):
    change = make_change(requested_by=users["sam"])
    url = reverse("admin:changes_change_transition", args=[change.pk, "override_risk"])
    answer = signed_in(users["chris"]).post(
        url, {"risk": "high", "reason": "Payroll week.", "expected_version": change.version}
    )
    assert answer.status_code == 302
    change.refresh_from_db()
    assert (change.risk, change.risk_override_reason) == ("high", "Payroll week.")
