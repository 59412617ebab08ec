"""About forty demo incidents across statuses, priorities, groups and SLA states.

Every incident is made through the services (so numbers, SLA clocks and history are
real) and found again by its title, so loading twice creates nothing new.
"""

from datetime import timedelta

from django.utils import timezone

from incidents import services
from incidents.models import Incident
from itsm.models import Category, Service, Team

# title, reporter, category, subcategory, service, impact, urgency, reported hours ago,
# where to take it ("new", "assigned", "in_progress", "on_hold:<reason>", "resolved",
# "closed", "cancelled")
INCIDENTS = [
    ("VPN drops every few minutes", "emma", "Network", "VPN", "VPN", "medium", "high", 3, "in_progress"),
    ("Cannot connect to office Wi-Fi on floor 3", "eli", "Network", "Wi-Fi", "Wi-Fi", "medium", "medium", 26, "assigned"),
    ("Outlook keeps asking for my password", "emma", "Software", "E-mail", "E-mail", "low", "medium", 1, "new"),
    ("Payslip shows the wrong tax code", "eli", "Software", "Payroll", "Payroll", "low", "high", 50, "on_hold:awaiting_caller"),
    ("Laptop battery swollen", "emma", "Hardware", "Laptop", "Laptops", "low", "high", 5, "assigned"),
    ("Printer on floor 2 prints blank pages", "eli", "Hardware", "Printer", None, "low", "low", 72, "resolved"),
    ("Account locked after holiday", "emma", "Access", "Account locked", None, "low", "high", 200, "closed"),
    ("ERP purchase orders stuck in approval", "eli", "Software", "ERP", "ERP", "high", "medium", 30, "in_progress"),
    ("Shared mailbox not visible", "emma", "Software", "E-mail", "E-mail", "low", "low", 4, "new"),
    ("Wired network port dead in meeting room B", "eli", "Network", "Wired network", None, "low", "medium", 100, "on_hold:awaiting_vendor"),
    ("Password reset link expired", "emma", "Access", "Password reset", None, "low", "medium", 150, "closed"),
    ("VPN client will not install on macOS", "eli", "Network", "VPN", "VPN", "low", "medium", 8, "in_progress"),
    ("ERP reports time out", "emma", "Software", "ERP", "ERP", "medium", "medium", 120, "resolved"),
    ("Docking station does not charge the laptop", "eli", "Hardware", "Laptop", "Laptops", "low", "low", 2, "new"),
    ("Calendar invites arrive twice", "emma", "Software", "E-mail", "E-mail", "low", "low", 300, "cancelled"),
    ("Guest Wi-Fi portal shows an error", "eli", "Network", "Wi-Fi", "Wi-Fi", "low", "medium", 60, "on_hold:awaiting_change"),
    ("Payroll export file rejected by bank", "emma", "Software", "Payroll", "Payroll", "high", "high", 7, "in_progress"),
    ("Mail delivery delayed by an hour", "eli", "Software", "E-mail", "E-mail", "medium", "high", 20, "assigned"),
    ("Laptop keyboard missing keys", "emma", "Hardware", "Laptop", "Laptops", "low", "low", 400, "closed"),
    ("Printer driver missing after update", "eli", "Hardware", "Printer", None, "low", "medium", 90, "resolved"),
    ("Cannot open ERP invoices", "emma", "Software", "ERP", "ERP", "low", "high", 12, "new"),
    ("Wi-Fi slow in the canteen", "eli", "Network", "Wi-Fi", "Wi-Fi", "low", "low", 170, "closed"),
    ("Locked out of payroll self-service", "emma", "Access", "Account locked", "Payroll", "low", "medium", 6, "assigned"),
    ("Phishing e-mail reported", "eli", "Software", "E-mail", "E-mail", "medium", "high", 1, "in_progress"),
    ("Second monitor flickers", "emma", "Hardware", "Laptop", "Laptops", "low", "low", 230, "cancelled"),
    ("VPN certificate expired warning", "eli", "Network", "VPN", "VPN", "medium", "medium", 46, "on_hold:awaiting_vendor"),
    ("Out-of-office reply not sent", "emma", "Software", "E-mail", "E-mail", "low", "low", 260, "closed"),
    ("ERP login page blank in Firefox", "eli", "Software", "ERP", "ERP", "low", "medium", 75, "resolved"),
    ("Password expiry notice every day", "emma", "Access", "Password reset", None, "low", "low", 15, "new"),
    ("Network share not mapped at login", "eli", "Network", "Wired network", None, "low", "medium", 40, "in_progress"),
    ("Laptop will not wake from sleep", "emma", "Hardware", "Laptop", "Laptops", "low", "medium", 95, "resolved"),
    ("Mailbox full warning at 50 %", "eli", "Software", "E-mail", "E-mail", "low", "low", 500, "closed"),
    ("Payroll approvals missing for one team", "emma", "Software", "Payroll", "Payroll", "medium", "high", 28, "assigned"),
    ("Wi-Fi access point blinking red", "eli", "Network", "Wi-Fi", "Wi-Fi", "medium", "medium", 10, "new"),
    # HR is a restricted category: only HR Systems (hana), service desk leads (sam) and
    # the people on the record see these; ravi, nina and dana get a 404.
    ("Salary file readable by the whole sales team", "eli", "HR", "Payroll data", "Payroll", "high", "high", 4, "in_progress"),
    ("My personnel file shows someone else's address", "emma", "HR", "Personnel data", None, "low", "medium", 30, "assigned"),
]  # fmt: skip

# The major incident and its children (affected users reporting the same outage).
MAJOR = ("Office network down in the head office", "Network", "Wired network")
MAJOR_CHILDREN = [
    ("Cannot reach anything from my desk", "emma"),
    ("Phones and PCs offline on floor 1", "eli"),
    ("No network in the finance department", "emma"),
]

RESOLUTION = {"resolution_code": "solved_permanently", "resolution_notes": "Fixed and tested."}


def _category(name, sub):
    category = Category.objects.get(kind="incident", name=name, parent=None)
    return category, Category.objects.get(kind="incident", name=sub, parent=category)


def _drive(incident, target, users):
    """Take ``incident`` through the real transitions to ``target``."""
    sam, desk = users["sam"], users["sam"]
    group = incident.assignment_group or Team.objects.get(name="Service Desk")
    agent = group.members.first() or sam
    if target == "new":
        return
    if target == "cancelled":
        services.incident_transition(
            incident_id=incident.pk, name="cancel", actor=desk, reason="Reported twice."
        )
        return
    services.incident_transition(
        incident_id=incident.pk, name="assign", actor=desk, group=group, assignee=agent
    )
    if target == "assigned":
        return
    services.incident_transition(incident_id=incident.pk, name="start", actor=agent)
    if target.startswith("on_hold:"):
        services.incident_transition(
            incident_id=incident.pk, name="hold", actor=agent, hold_reason=target.split(":")[1]
        )
        return
    if target == "in_progress":
        return
    services.incident_transition(incident_id=incident.pk, name="resolve", actor=agent, **RESOLUTION)
    if target == "closed":
        services.incident_transition(
            incident_id=incident.pk, name="confirm", actor=incident.affected_user
        )
        services.incident_transition(incident_id=incident.pk, name="close", actor=desk)


def _create(title, reporter, category, sub, service, impact, urgency, hours_ago, users, **extra):
    if Incident.objects.filter(title=title).exists():
        return None
    category, subcategory = _category(category, sub)
    # The desk logs it on the caller's behalf so the report time can lie in the past.
    return services.incident_create(
        actor=users["sam"],
        affected_user=users[reporter],
        channel="phone",
        title=title,
        description=f"Reported by {users[reporter].get_full_name()}: {title.lower()}.",
        category=category,
        subcategory=subcategory,
        service=Service.objects.filter(name=service).first() if service else None,
        impact=impact,
        urgency=urgency,
        reported_at=timezone.now() - timedelta(hours=hours_ago),
        **extra,
    )


def load(users) -> None:
    for title, reporter, cat, sub, service, impact, urgency, hours, target in INCIDENTS:
        incident = _create(title, reporter, cat, sub, service, impact, urgency, hours, users)
        if incident:
            _drive(incident, target, users)
            services.incident_sla_record_due(incident_id=incident.pk)
    _load_major(users)


def _load_major(users) -> None:
    title, cat, sub = MAJOR
    major = _create(title, "eli", cat, sub, None, "high", "high", 2, users)
    if major is None:
        return
    _drive(major, "in_progress", users)
    services.incident_transition(
        incident_id=major.pk,
        name="declare_major",
        actor=users["sam"],
        commander=users["ravi"],
        communications_lead=users["sam"],
    )
    for child_title, reporter in MAJOR_CHILDREN:
        child = _create(
            child_title, reporter, cat, sub, None, "low", "high", 1, users, parent=major
        )
        _drive(child, "assigned", users)
    services.incident_sla_record_due(incident_id=major.pk)
