"""Stakeholder communication test data, made through the services."""

from oncall.models import ChatWebhook
from statuspage import services as statuspage
from statuspage import tokens
from statuspage.models import Subscriber
from statuspage.tests.factories import make_component


def confirmed_subscriber(*, component, email: str) -> Subscriber:
    statuspage.subscription_request(email=email, component_ids=[component.pk])
    subscriber = Subscriber.objects.get(component=component, email=email)
    return statuspage.subscription_confirm(token=tokens.make(subscriber.pk, "confirm"))


def component_with_subscribers(*, actor, service, emails) -> tuple:
    component = make_component(actor=actor, service=service)
    return component, [confirmed_subscriber(component=component, email=e) for e in emails]


def chat_webhook(team, *, kind="slack", active=True) -> ChatWebhook:
    return ChatWebhook.objects.create(
        team=team,
        name=f"{team.name} chat",
        kind=kind,
        url="https://chat.example.com/hook",
        is_active=active,
    )
