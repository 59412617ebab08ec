"""Demo users and teams. The password ``demo`` exists in demo data only."""

from django.contrib.auth import get_user_model

from itsm import roles
from itsm.models import Team

DEMO_PASSWORD = "demo"

# username, first name, last name, roles, what they do
PEOPLE = [
    ("admin", "Ada", "Admin", [], "superuser"),
    ("emma", "Emma", "Employee", [], "employee"),
    ("eli", "Eli", "Employee", [], "employee"),
    (
        "sam",
        "Sam",
        "Servicedesk",
        [roles.SERVICE_DESK, roles.SERVICE_DESK_LEAD],
        "service desk lead, tier 1 (sees restricted incidents)",
    ),
    ("dana", "Dana", "Desk", [roles.SERVICE_DESK], "service desk, tier 1"),
    ("ravi", "Ravi", "Resolver", [roles.RESOLVER], "resolver, tier 2 network"),
    ("nina", "Nina", "Resolver", [roles.RESOLVER], "resolver, tier 3"),
    ("hana", "Hana", "Resolver", [roles.RESOLVER], "resolver, tier 2 HR systems"),
    ("pat", "Pat", "Problem", [roles.PROBLEM_MANAGER], "problem manager"),
    ("chris", "Chris", "Change", [roles.CHANGE_MANAGER], "change manager"),
    ("alex", "Alex", "Approver", [roles.CHANGE_APPROVER], "change approver (CAB)"),
    ("avery", "Avery", "Approver", [roles.CHANGE_APPROVER], "change approver (CAB)"),
]

# name, tier, manager, members, escalates to
TEAMS = [
    ("Network Engineering (tier 3)", 3, "nina", ["nina"], None),
    ("Service Desk", 1, "sam", ["sam", "dana"], "Network Operations"),
    ("Network Operations", 2, "ravi", ["ravi"], "Network Engineering (tier 3)"),
    ("HR Systems", 2, "hana", ["hana"], None),
]


def load_people(*, password: str = DEMO_PASSWORD) -> dict:
    """Create the demo users and teams; return users by username."""
    User = get_user_model()
    users = {}
    for username, first, last, user_roles, _what in PEOPLE:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_superuser": username == "admin",
            },
        )
        if created:
            user.set_password(password)
            user.save(update_fields=["password"])
        roles.user_set_roles(user=user, roles=user_roles)
        users[username] = user
    teams = {}
    for name, tier, manager, members, _ in TEAMS:
        team, _ = Team.objects.get_or_create(
            name=name,
            defaults={
                "tier": tier,
                "manager": users[manager],
                "email": f"{name.split()[0].lower()}@example.com",
            },
        )
        # Only the missing members: every add() writes a history row, even an empty one.
        current = set(team.members.values_list("username", flat=True))
        missing = [users[m] for m in members if m not in current]
        if missing:
            team.members.add(*missing)
        teams[name] = team
    for name, *_rest, escalates_to in TEAMS:
        if escalates_to and teams[name].escalates_to_id != teams[escalates_to].pk:
            teams[name].escalates_to = teams[escalates_to]
            teams[name].save(update_fields=["escalates_to"])
    return users
