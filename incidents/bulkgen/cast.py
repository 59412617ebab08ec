"""The people and reference data generated incidents are about.

A few hundred people: employees who report and are affected, service desk agents who
log calls and assign, resolvers in each resolver group, and the demo company's own
people, teams, services and categories. Idempotent, like the demo loader.
"""

from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from itsm import roles
from itsm.audit import system_user
from itsm.choices import RecordKind
from itsm.demo.people import load_people
from itsm.demo.reference import load_reference
from itsm.models import Category, Service, Team

FIRST = ["Alex", "Blake", "Casey", "Drew", "Eden", "Finley", "Gray", "Harper", "Indy"]
LAST = ["Adler", "Berg", "Costa", "Dahl", "Ekberg", "Fontaine", "Garcia", "Holm", "Ito"]

DESK_AGENTS = 12
RESOLVERS_PER_GROUP = 8
SERVICE_DESK = "Service Desk"
# Subcategory name -> the business service it is about (others have none).
SERVICES = {"VPN": "VPN", "Wi-Fi": "Wi-Fi", "E-mail": "E-mail", "ERP": "ERP",
            "Payroll": "Payroll", "Laptop": "Laptops"}  # fmt: skip


@dataclass
class Cast:
    employees: list
    desk: list
    members: dict  # team pk -> agents in it
    teams: list
    subcategories: list  # (category, subcategory, service)
    system: object
    agent_ids: set = field(default_factory=set)


def _person(username: str, index: int):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": FIRST[index % len(FIRST)],
            "last_name": LAST[(index // len(FIRST)) % len(LAST)],
            "email": f"{username}@example.com",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _agents(prefix: str, count: int, role: str, team: Team) -> list:
    agents = []
    for index in range(count):
        agent = _person(f"{prefix}{index + 1:02d}", index + 7)
        roles.user_set_roles(user=agent, roles=[role])
        agents.append(agent)
    current = set(team.members.values_list("pk", flat=True))
    missing = [agent for agent in agents if agent.pk not in current]
    if missing:
        team.members.add(*missing)
    return list(team.members.filter(is_active=True).order_by("pk"))


@transaction.atomic
def load_cast(*, people: int) -> Cast:
    """Demo data plus ``people`` people in all (at least the agents); returns who is who."""
    demo = load_people()
    load_reference()
    teams = list(Team.objects.filter(is_active=True).order_by("tier", "name"))
    members = {}
    desk = []
    for team in teams:
        slug = "".join(word[0] for word in team.name.split() if word[0].isalpha()).lower()
        if team.name == SERVICE_DESK:
            desk = _agents("desk", DESK_AGENTS, roles.SERVICE_DESK, team)
            members[team.pk] = desk
        else:
            members[team.pk] = _agents(f"res{slug}", RESOLVERS_PER_GROUP, roles.RESOLVER, team)
    agents = {agent.pk for group in members.values() for agent in group}
    employees = [demo["emma"], demo["eli"]]
    for index in range(max(people - len(agents) - len(employees), 0)):
        employees.append(_person(f"employee{index + 1:04d}", index))
    services = {service.name: service for service in Service.objects.all()}
    subcategories = [
        (sub.parent, sub, services.get(SERVICES.get(sub.name, "")))
        for sub in Category.objects.filter(kind=RecordKind.INCIDENT, parent__isnull=False)
        .select_related("parent__default_group", "default_group")
        .order_by("pk")
    ]
    system = system_user()
    return Cast(
        employees=employees,
        desk=desk,
        members=members,
        teams=[team for team in teams if members.get(team.pk)],
        subcategories=subcategories,
        system=system,
        agent_ids=agents | {system.pk},
    )
