"""Demo reference data: business services, configuration items and categories.

Teams come from itsm.demo.people, which runs first. Idempotent: objects are found by
their natural keys, and only missing dependency links are added (each add writes history).
"""

from itsm.choices import RecordKind
from itsm.models import Category, ConfigurationItem, Service, Team

SERVICE_DESK = "Service Desk"
NETWORK_OPS = "Network Operations"
NETWORK_ENG = "Network Engineering (tier 3)"
HR_SYSTEMS = "HR Systems"

# name, description, owner group, criticality
SERVICES = [
    ("E-mail", "Mailboxes, calendars and shared mailboxes.", SERVICE_DESK, "high"),
    ("VPN", "Remote access to the office network from home and on the road.", NETWORK_OPS, "high"),
    ("Wi-Fi", "Wireless network in the offices, for staff and guests.", NETWORK_OPS, "medium"),
    ("Payroll", "Monthly payroll runs, payslips and tax filings.", HR_SYSTEMS, "critical"),
    ("ERP", "Finance, purchasing and employee master data.", HR_SYSTEMS, "high"),
    ("Laptops", "Company laptops: supply, repair and replacement.", SERVICE_DESK, "medium"),
]

# name, type, service, owner group, criticality, depends on (listed earlier)
CONFIGURATION_ITEMS = [
    ("core-fw-01", "network", None, NETWORK_ENG, "critical", []),
    ("core-sw-01", "network", None, NETWORK_ENG, "critical", []),
    ("san-01", "storage", None, NETWORK_ENG, "critical", []),
    ("radius-01", "server", None, NETWORK_OPS, "high", ["core-sw-01"]),
    ("vpn-gw-01", "network", "VPN", NETWORK_OPS, "high", ["core-fw-01", "radius-01"]),
    ("wlc-01", "network", "Wi-Fi", NETWORK_OPS, "medium", ["core-sw-01", "radius-01"]),
    ("mail-db-01", "database", "E-mail", SERVICE_DESK, "high", ["san-01"]),
    ("mail-app-01", "application", "E-mail", SERVICE_DESK, "high", ["mail-db-01", "core-sw-01"]),
    ("erp-db-01", "database", "ERP", HR_SYSTEMS, "high", ["san-01"]),
    ("erp-app-01", "application", "ERP", HR_SYSTEMS, "high", ["erp-db-01", "core-sw-01"]),
    ("payroll-db-01", "database", "Payroll", HR_SYSTEMS, "critical", ["san-01"]),
    # Payroll reads employee master data from the ERP.
    ("payroll-app-01", "application", "Payroll", HR_SYSTEMS, "critical",
     ["payroll-db-01", "erp-app-01"]),
    ("LT-0042", "workstation", "Laptops", SERVICE_DESK, "low", []),
    ("LT-0043", "workstation", "Laptops", SERVICE_DESK, "low", []),
]  # fmt: skip

# kind -> [(category, its default group, [(subcategory, its default group)])]
CATEGORIES = {
    RecordKind.INCIDENT: [
        ("Network", NETWORK_OPS, [
            ("VPN", NETWORK_OPS), ("Wi-Fi", NETWORK_OPS), ("Wired network", NETWORK_OPS),
        ]),
        ("Software", SERVICE_DESK, [
            ("E-mail", SERVICE_DESK), ("ERP", HR_SYSTEMS), ("Payroll", HR_SYSTEMS),
        ]),
        ("Hardware", SERVICE_DESK, [("Laptop", SERVICE_DESK), ("Printer", SERVICE_DESK)]),
        ("Access", SERVICE_DESK, [
            ("Password reset", SERVICE_DESK), ("Account locked", SERVICE_DESK),
        ]),
        ("HR", HR_SYSTEMS, [("Personnel data", HR_SYSTEMS), ("Payroll data", HR_SYSTEMS)]),
    ],
    RecordKind.REQUEST: [
        ("Hardware", SERVICE_DESK, [
            ("New laptop", SERVICE_DESK), ("Monitor or dock", SERVICE_DESK),
        ]),
        ("Access", SERVICE_DESK, [("New account", SERVICE_DESK), ("VPN access", NETWORK_OPS)]),
        ("Software", SERVICE_DESK, [("Install software", SERVICE_DESK)]),
    ],
    RecordKind.CHANGE: [
        ("Network", NETWORK_OPS, [
            ("Firewall rule", NETWORK_ENG), ("Network maintenance", NETWORK_OPS),
        ]),
        ("Application", HR_SYSTEMS, [
            ("ERP release", HR_SYSTEMS), ("Payroll release", HR_SYSTEMS),
        ]),
        ("Infrastructure", NETWORK_ENG, [
            ("Server patching", NETWORK_ENG), ("Storage", NETWORK_ENG),
        ]),
    ],
    RecordKind.PROBLEM: [
        ("Network", NETWORK_OPS, [("Recurring outage", NETWORK_OPS)]),
        ("Application", HR_SYSTEMS, [("Performance", HR_SYSTEMS), ("Data error", HR_SYSTEMS)]),
        ("Hardware", SERVICE_DESK, [("Faulty model", SERVICE_DESK)]),
    ],
}  # fmt: skip

# Confidential categories: IT staff outside the assignment group's escalation chain
# (and not service desk leads or on the record) do not see their incidents at all.
RESTRICTED_CATEGORIES = {(RecordKind.INCIDENT, "HR")}


def load_reference() -> None:
    """Create the demo services, configuration items and categories if missing."""
    teams = {team.name: team for team in Team.objects.all()}
    services = _load_services(teams)
    _load_configuration_items(teams, services)
    _load_categories(teams)


def _load_services(teams: dict) -> dict:
    services = {}
    for name, description, owner, criticality in SERVICES:
        services[name], _ = Service.objects.get_or_create(
            name=name,
            defaults={
                "description": description,
                "owner_group": teams[owner],
                "criticality": criticality,
            },
        )
    return services


def _load_configuration_items(teams: dict, services: dict) -> None:
    items = {}
    for name, ci_type, service, owner, criticality, depends_on in CONFIGURATION_ITEMS:
        item, _ = ConfigurationItem.objects.get_or_create(
            name=name,
            defaults={
                "ci_type": ci_type,
                "service": services[service] if service else None,
                "owner_group": teams[owner],
                "criticality": criticality,
            },
        )
        items[name] = item
        existing = set(item.depends_on.values_list("name", flat=True))
        missing = [items[other] for other in depends_on if other not in existing]
        if missing:
            item.depends_on.add(*missing)


def _load_categories(teams: dict) -> None:
    for kind, categories in CATEGORIES.items():
        for name, group, subcategories in categories:
            parent, _ = Category.objects.get_or_create(
                kind=kind,
                parent=None,
                name=name,
                defaults={
                    "default_group": teams[group],
                    "restricted": (kind, name) in RESTRICTED_CATEGORIES,
                },
            )
            for sub_name, sub_group in subcategories:
                Category.objects.get_or_create(
                    kind=kind,
                    parent=parent,
                    name=sub_name,
                    defaults={"default_group": teams[sub_group]},
                )
