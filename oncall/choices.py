from django.db import models


class ShiftUnit(models.TextChoices):
    HOURS = "hours", "Hours"
    DAYS = "days", "Days"


class LevelTarget(models.TextChoices):
    ON_CALL = "on_call", "The on-call person (primary rotation)"
    NEXT_PERSON = "next_person", "The next person of the primary rotation"
    ROTATION = "rotation", "The on-call person of another rotation"
    MANAGER = "manager", "The group manager"


class WebhookKind(models.TextChoices):
    SLACK = "slack", "Slack"
    MATTERMOST = "mattermost", "Mattermost"
    TEAMS = "teams", "Microsoft Teams"


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Chat webhook"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class AckVia(models.TextChoices):
    PORTAL = "portal", "Portal"
    ADMIN = "admin", "Staff console"
    API = "api", "API"
    LINK = "link", "Signed link"
