"""Roles are Django groups; this module names them and says what each may do.

The shared reference data's grants live here; each record app registers what the roles
may do with its own models from its ``AppConfig.ready`` (:func:`register_role_permissions`).
"""

from django.contrib.auth.models import Group, Permission

EMPLOYEE = "employee"
SERVICE_DESK = "service_desk"
RESOLVER = "resolver"
PROBLEM_MANAGER = "problem_manager"
CHANGE_MANAGER = "change_manager"
CHANGE_APPROVER = "change_approver"
# Added to a service desk agent: also sees records in restricted categories and services.
SERVICE_DESK_LEAD = "service_desk_lead"

ROLES = [
    EMPLOYEE,
    SERVICE_DESK,
    SERVICE_DESK_LEAD,
    RESOLVER,
    PROBLEM_MANAGER,
    CHANGE_MANAGER,
    CHANGE_APPROVER,
]
STAFF_ROLES = {SERVICE_DESK, RESOLVER, PROBLEM_MANAGER, CHANGE_MANAGER, CHANGE_APPROVER}

_REFERENCE = ["team", "service", "configurationitem", "category"]

# What each role may do with the shared reference data: (app_label, model, actions).
# Record apps add their own grants with register_role_permissions.
SHARED_PERMISSIONS: dict[str, list[tuple[str, str, tuple[str, ...]]]] = {
    SERVICE_DESK: [("itsm", model, ("view",)) for model in _REFERENCE],
    RESOLVER: [("itsm", model, ("view",)) for model in _REFERENCE],
    PROBLEM_MANAGER: [("itsm", model, ("view",)) for model in _REFERENCE],
    # No permissions of its own: it widens what a service desk agent's permissions reach.
    SERVICE_DESK_LEAD: [],
    CHANGE_MANAGER: [
        ("itsm", model, ("view", "add", "change")) for model in ["service", "configurationitem"]
    ],
}

_APP_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {}


def register_role_permissions(app_label: str, grants: dict[str, tuple[str, ...]]) -> None:
    """What each role may do with every model of ``app_label``.

    A record app calls this from its ``AppConfig.ready``, so the roles table never names
    an app: ``register_role_permissions("kb", {RESOLVER: ("view", "add", "change")})``.
    Calling it again for the same app replaces the app's grants.
    """
    unknown = set(grants) - set(ROLES)
    if unknown:
        raise ValueError(f"{app_label}: unknown roles {sorted(unknown)}")
    _APP_PERMISSIONS[app_label] = {role: tuple(actions) for role, actions in grants.items()}


def role_permissions() -> dict[str, list[tuple[str, str, tuple[str, ...]]]]:
    """Every role's grants as (app_label, model or "*" for every model, actions)."""
    table = {role: list(SHARED_PERMISSIONS.get(role, [])) for role in ROLES}
    for app_label, grants in _APP_PERMISSIONS.items():
        for role, actions in grants.items():
            table[role].append((app_label, "*", actions))
    return table


def sync_role_permissions() -> None:
    """Give each role group exactly its permissions; runs after every migrate."""
    for role, grants in role_permissions().items():
        group, _ = Group.objects.get_or_create(name=role)
        wanted = Permission.objects.none()
        for app_label, model, actions in grants:
            perms = Permission.objects.filter(
                content_type__app_label=app_label,
                codename__regex=rf"^({'|'.join(actions)})_",
            )
            if model != "*":
                perms = perms.filter(content_type__model=model)
            wanted = wanted | perms
        group.permissions.set(wanted.distinct())


def has_role(user, role: str) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    return role in role_names(user)


def role_names(user) -> set[str]:
    """The user's role names, cached on the user object for the request."""
    cached = getattr(user, "_itsm_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) if user.pk else set()
        user._itsm_roles = cached
    return cached


def role_allows(user, app_label: str, action: str) -> bool:
    """Whether one of the user's roles grants ``action`` on ``app_label`` (from the
    registered grants, so it costs no permission queries beyond the cached role names)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    table = role_permissions()
    return any(
        app == app_label and action in actions
        for role in role_names(user)
        for app, _model, actions in table.get(role, [])
    )


def is_agent(user) -> bool:
    """IT staff who work records (service desk and resolvers, or a superuser)."""
    return has_role(user, SERVICE_DESK) or has_role(user, RESOLVER)


def is_service_desk(user) -> bool:
    return has_role(user, SERVICE_DESK)


def sees_restricted_records(user) -> bool:
    """Service desk leads (and superusers) see restricted records they have no part in."""
    return has_role(user, SERVICE_DESK_LEAD)


def user_set_roles(*, user, roles: list[str]) -> None:
    """Put ``user`` in exactly ``roles`` (plus employee); staff roles open the admin."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"Unknown roles: {sorted(unknown)}")
    names = set(roles) | {EMPLOYEE}
    user.groups.set(Group.objects.filter(name__in=names))
    user.is_staff = user.is_superuser or bool(names & STAFF_ROLES)
    user.save(update_fields=["is_staff"])
    user._itsm_roles = None
