"""Eight demo problems across the lifecycle, made through the services.

Two known errors with published workarounds (one on E-mail, the service most demo
incidents are about, so the portal's check before reporting finds it), one resolved with
its incidents resolved through it, one created from the major incident, the rest across
states. Each is found again by its title, so loading twice creates nothing new.
"""

from incidents.models import Incident
from itsm.models import Category, Service, Team
from problems import services
from problems.models import Problem

# title, category, service, impact, urgency, target state, linked incident titles
PROBLEMS = [
    (
        "Outlook asks for the password again after the mail certificate renewal",
        "Application",
        "E-mail",
        "medium",
        "high",
        "published",
        ["Outlook keeps asking for my password", "Shared mailbox not visible"],
    ),
    (
        "VPN drops when the old client version reconnects",
        "Network",
        "VPN",
        "medium",
        "high",
        "published_fix",
        ["VPN drops every few minutes", "VPN client will not install on macOS"],
    ),
    (
        "ERP queries slow since the database upgrade lost an index",
        "Application",
        "ERP",
        "high",
        "medium",
        "resolved",
        ["ERP purchase orders stuck in approval", "Cannot open ERP invoices"],
    ),
    (
        "Payroll export uses the bank's retired file format",
        "Application",
        "Payroll",
        "high",
        "high",
        "root_cause_analysis",
        ["Payroll export file rejected by bank"],
    ),
    (
        "Wi-Fi access points reboot every night",
        "Network",
        "Wi-Fi",
        "medium",
        "medium",
        "assessed",
        ["Wi-Fi access point blinking red", "Wi-Fi slow in the canteen"],
    ),
    ("Laptop docks lose power delivery after firmware 2.1", "Hardware", "Laptops", "low",
     "medium", "new", ["Docking station does not charge the laptop"]),
    ("Printers print blank pages (duplicate of a vendor case)", "Hardware", None, "low", "low",
     "cancelled", []),
]  # fmt: skip

MAJOR_TITLE = "Office network down in the head office"
MAJOR_PROBLEM = "Core switch failed over without its standby in the head office"

KNOWN_ERROR = {
    "published": {
        "root_cause": "The renewed certificate's chain is not trusted by the cached "
        "credentials; Outlook falls back to a password prompt.",
        "root_cause_category": "configuration",
        "workaround": "1. Close Outlook.\n2. Open **Credential Manager** and remove the "
        "entries that start with `MicrosoftOffice`.\n3. Start Outlook and sign in once.",
    },
    "published_fix": {
        "root_cause": "Client 4.2 reuses an expired session key when it reconnects.",
        "root_cause_category": "software_defect",
        "workaround": "Disconnect and connect again from the tray icon, or update the VPN "
        "client from the **Software Center** to version 4.3.",
    },
    "resolved": {
        "root_cause": "The upgrade script dropped the index on purchase order lines.",
        "root_cause_category": "software_defect",
        "workaround": "Run reports outside office hours.",
    },
}


def _incident_ids(titles) -> list[int]:
    return list(Incident.objects.filter(title__in=titles).values_list("pk", flat=True))


def _drive(problem, target, pat) -> None:
    def run(name, **params):
        services.problem_transition(problem_id=problem.pk, name=name, actor=pat, **params)

    if target == "new":
        return
    if target == "cancelled":
        run("cancel", reason="The printer vendor tracks this under their own case.")
        return
    run("assess")
    if target == "assessed":
        return
    run("start_analysis")
    if target == "root_cause_analysis":
        return
    run("record_known_error", **KNOWN_ERROR[target])
    if target.startswith("published"):
        run("publish_workaround")
    if target == "published_fix":
        run("start_fix")
    if target == "resolved":
        run("start_fix")
        run(
            "resolve",
            resolution_code="fixed",
            fix_description="Recreated the index and added it to the upgrade checks.",
            linked_incidents="resolve",
        )


def load(users) -> None:
    pat = users["pat"]
    network = Team.objects.get(name="Network Operations")
    for title, category, service, impact, urgency, target, incidents in PROBLEMS:
        if Problem.objects.filter(title=title).exists():
            continue
        category = Category.objects.get(kind="problem", name=category, parent=None)
        problem = services.problem_create(
            actor=pat,
            title=title,
            description=f"Seen in {len(incidents)} incident(s) so far.",
            category=category,
            service=Service.objects.filter(name=service).first() if service else None,
            impact=impact,
            urgency=urgency,
            assignment_group=network if category.name == "Network" else None,
            incident_ids=_incident_ids(incidents),
        )
        _drive(problem, target, pat)
    major = Incident.objects.filter(title=MAJOR_TITLE).first()
    if major is not None and not Problem.objects.filter(title=MAJOR_PROBLEM).exists():
        problem = services.problem_create_from_incidents(
            actor=pat, incident_ids=[major.pk], title=MAJOR_PROBLEM
        )
        _drive(problem, "assessed", pat)
