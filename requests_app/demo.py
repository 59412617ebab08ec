"""Demo catalogue and requests: eight items with realistic forms and task templates, line
managers for the demo employees, and requests in every state a request rests in.

Idempotent: items are found by name, and the requests are made once (when none of the
demo items has any). Requests go through the services and real transitions.
"""

from itsm.audit import system_user
from itsm.models import Profile, Team
from requests_app import services
from requests_app.models import CatalogCategory, CatalogItem, Question, ServiceRequest, TaskTemplate

DESK, NETWORK, HR = "Service Desk", "Network Operations", "HR Systems"
MANAGERS = {
    "emma": "chris",
    "eli": "chris",
    "dana": "sam",
    "ravi": "sam",
    "nina": "sam",
    "hana": "sam",
    "sam": "chris",
    "chris": "pat",
    "pat": "chris",
    "alex": "chris",
    "avery": "chris",
}
CATEGORIES = [
    ("Hardware", "Computers, phones and accessories."),
    ("Software", "Licences for software not installed by default."),
    ("Access", "Access to shared drives, systems and the network."),
    ("People", "Joiners, movers and leavers."),
    ("Communication", "E-mail and distribution lists."),
    ("Facilities", "Meeting rooms and their equipment."),
]


def q(key, label, kind, *, required=False, choices=(), help_text="", when=None, **limits):
    return {
        "key": key,
        "label": label,
        "kind": kind,
        "required": required,
        "choices": list(choices),
        "help_text": help_text,
        "when": when,
        **limits,
    }


ITEMS = [
    {
        "name": "Laptop",
        "category": "Hardware",
        "icon": "laptop",
        "short": "A new or replacement work laptop.",
        "approval": "manager",
        "days": 5,
        "questions": [
            q(
                "model",
                "Model",
                "choice",
                required=True,
                choices=["Standard 14-inch", "Performance 16-inch"],
            ),
            q(
                "why_performance",
                "Why do you need the performance model?",
                "long_text",
                required=True,
                when=("model", "Performance 16-inch"),
            ),
            q("keyboard", "Keyboard layout", "choice", choices=["UK", "US", "German"]),
            q(
                "accessories",
                "Accessories",
                "multi_choice",
                choices=["Docking station", "Headset", "Second screen"],
            ),
            q("needed_by", "Needed by", "date"),
        ],
        "tasks": [
            ("Take the laptop from stock or order it", DESK, 1),
            ("Image, enrol and hand over the laptop", DESK, 2),
        ],
    },
    {
        "name": "Software licence",
        "category": "Software",
        "icon": "box",
        "short": "A licence for Visio, Project, Acrobat Pro or other software.",
        "approval": "manager",
        "days": 3,
        "questions": [
            q(
                "product",
                "Product",
                "choice",
                required=True,
                choices=["Visio", "Project", "Acrobat Pro", "Other"],
            ),
            q(
                "product_name",
                "Which product?",
                "short_text",
                required=True,
                when=("product", "Other"),
                maximum=100,
            ),
            q("reason", "What do you need it for?", "long_text", required=True),
        ],
        "tasks": [("Assign the licence and install", DESK, 1)],
    },
    {
        "name": "Access to a shared drive",
        "category": "Access",
        "icon": "folder",
        "short": "Read or write access to a department share.",
        "approval": "manager_then_group",
        "approver_group": NETWORK,
        "days": 2,
        "questions": [
            q(
                "share",
                "Share path",
                "short_text",
                required=True,
                pattern=r"\\\\[\w.-]+\\.+",
                help_text=r"For example \\files\finance",
            ),
            q("level", "Access", "choice", required=True, choices=["Read", "Read and write"]),
            q("until", "Until (leave empty for no end)", "date"),
        ],
        "tasks": [("Grant access to the share", NETWORK, 1)],
    },
    {
        "name": "New starter",
        "category": "People",
        "icon": "person",
        "short": "Account, equipment and desk for someone joining.",
        "approval": "group",
        "approver_group": HR,
        "days": 10,
        "questions": [
            q("starter", "Name of the new starter", "short_text", required=True),
            q("start_date", "Start date", "date", required=True),
            q("line_manager", "Their line manager", "user", required=True),
            q("needs_laptop", "Do they need a laptop?", "yes_no", required=True),
            q(
                "laptop_model",
                "Laptop model",
                "choice",
                required=True,
                choices=["Standard 14-inch", "Performance 16-inch"],
                when=("needs_laptop", "yes"),
            ),
        ],
        "tasks": [
            ("Create the account", HR, 1),
            ("Prepare the desk and equipment", DESK, 1),
            ("Welcome and IT induction", DESK, 2),
        ],
    },
    {
        "name": "VPN token",
        "category": "Access",
        "icon": "key",
        "short": "Remote access to the company network.",
        "approval": "manager",
        "days": 2,
        "questions": [
            q(
                "token",
                "Token type",
                "choice",
                required=True,
                choices=["Hardware token", "Phone app"],
            ),
            q(
                "phone",
                "Mobile number for the app",
                "short_text",
                required=True,
                when=("token", "Phone app"),
                pattern=r"\+?[0-9 ]{7,20}",
            ),
        ],
        "tasks": [("Issue and register the token", NETWORK, 1)],
    },
    {
        "name": "Mobile phone",
        "category": "Hardware",
        "icon": "phone",
        "short": "A company mobile phone and number.",
        "approval": "manager",
        "days": 5,
        "questions": [
            q("model", "Model", "choice", required=True, choices=["Standard", "Large screen"]),
            q("keep_number", "Keep your existing number?", "yes_no", required=True),
            q(
                "number",
                "Existing number",
                "short_text",
                required=True,
                when=("keep_number", "yes"),
                pattern=r"\+?[0-9 ]{7,20}",
            ),
        ],
        "tasks": [("Order the phone", DESK, 1), ("Port the number and hand over", DESK, 2)],
    },
    {
        "name": "Distribution list change",
        "category": "Communication",
        "icon": "mail",
        "short": "Create a distribution list or change its members.",
        "approval": "none",
        "days": 1,
        "questions": [
            q(
                "address",
                "List address",
                "short_text",
                required=True,
                pattern=r"[\w.+-]+@[\w-]+\.[\w.-]+",
            ),
            q(
                "change",
                "Change",
                "choice",
                required=True,
                choices=["Add members", "Remove members", "Create the list"],
            ),
            q("members", "Members (one address per line)", "long_text", required=True),
        ],
        "tasks": [("Update the distribution list", DESK, 1)],
    },
    {
        "name": "Meeting room equipment",
        "category": "Facilities",
        "icon": "screen",
        "short": "A projector, speakerphone or webcam set up for a meeting.",
        "approval": "none",
        "days": 1,
        "questions": [
            q("room", "Room", "short_text", required=True),
            q(
                "equipment",
                "Equipment",
                "multi_choice",
                required=True,
                minimum=1,
                choices=["Projector", "Speakerphone", "Webcam"],
            ),
            q("date", "Date of the meeting", "date", required=True),
            q("attendees", "Number of attendees", "number", minimum=1, maximum=200),
        ],
        "tasks": [("Set up the equipment", DESK, 1)],
    },
]


def _managers(users) -> None:
    for person, manager in MANAGERS.items():
        Profile.objects.update_or_create(user=users[person], defaults={"manager": users[manager]})


def _item(spec, categories, teams, actor) -> CatalogItem:
    found = CatalogItem.objects.filter(name=spec["name"]).first()
    if found is not None:
        return found
    item = CatalogItem(
        category=categories[spec["category"]],
        name=spec["name"],
        short_description=spec["short"],
        icon=spec["icon"],
        fulfilment_group=teams[spec["tasks"][0][1]],
        delivery_days=spec["days"],
        approval=spec["approval"],
        approver_group=teams.get(spec.get("approver_group")),
    )
    services.catalog_item_save(item=item, actor=actor, reason="demo catalogue")
    by_key = {}
    for order, question in enumerate(spec["questions"], start=1):
        data = dict(question)
        when = data.pop("when")
        row = Question(item=item, order=order, **data)
        if when:
            row.condition_question, row.condition_value = by_key[when[0]], when[1]
        row.full_clean()
        row.save()
        by_key[row.key] = row
    for title, group, order in spec["tasks"]:
        TaskTemplate.objects.create(item=item, title=title, group=teams[group], order=order)
    return item


def _work(request, actor, *steps) -> None:
    tasks = list(request.tasks.order_by("order", "pk"))
    for index, name in steps:
        services.task_transition(task_id=tasks[index].pk, name=name, actor=actor)


def _requests(users, items) -> None:
    emma, eli, chris, sam = users["emma"], users["eli"], users["chris"], users["sam"]
    submit = services.request_submit
    act = services.request_transition
    submit(
        actor=emma,
        item_id=items["Laptop"].pk,
        answers={
            "model": "Performance 16-inch",
            "why_performance": "I edit video for the marketing team.",
            "keyboard": "UK",
            "accessories": ["Docking station"],
        },
    )
    submit(
        actor=eli,
        item_id=items["Distribution list change"].pk,
        answers={
            "address": "sales-team@example.com",
            "change": "Add members",
            "members": "emma@example.com",
        },
    )
    started = submit(
        actor=emma,
        item_id=items["Meeting room equipment"].pk,
        answers={
            "room": "Orion, 2nd floor",
            "equipment": ["Projector", "Webcam"],
            "date": "2026-12-15",
            "attendees": 12,
        },
    )
    _work(started, sam, (0, "start"))
    vpn = submit(actor=eli, item_id=items["VPN token"].pk, answers={"token": "Hardware token"})
    act(request_id=vpn.pk, name="approve", actor=chris)
    _work(vpn, users["ravi"], (0, "start"), (0, "done"))
    licence = submit(
        actor=emma,
        item_id=items["Software licence"].pk,
        answers={"product": "Visio", "reason": "Network diagrams for the office move."},
    )
    act(request_id=licence.pk, name="approve", actor=chris)
    _work(licence, sam, (0, "start"), (0, "done"))
    act(request_id=licence.pk, name="confirm", actor=emma)
    phone = submit(
        actor=eli,
        item_id=items["Mobile phone"].pk,
        answers={"model": "Large screen", "keep_number": "no"},
    )
    act(
        request_id=phone.pk,
        name="reject",
        actor=chris,
        reason="You already have a phone from last year; the standard model is on the way.",
    )
    share = submit(
        actor=emma,
        item_id=items["Access to a shared drive"].pk,
        answers={"share": r"\\files\finance", "level": "Read"},
    )
    act(request_id=share.pk, name="cancel", actor=emma, reason="Finance shared the report by mail.")
    submit(
        actor=sam,
        item_id=items["New starter"].pk,
        requested_for=sam,
        answers={
            "starter": "Jordan Lee",
            "start_date": "2027-01-04",
            "line_manager": chris.pk,
            "needs_laptop": "yes",
            "laptop_model": "Standard 14-inch",
        },
    )


def load(users) -> None:
    actor = system_user()
    _managers(users)
    teams = {team.name: team for team in Team.objects.filter(name__in=[DESK, NETWORK, HR])}
    categories = {}
    for order, (name, description) in enumerate(CATEGORIES, start=1):
        categories[name], _ = CatalogCategory.objects.get_or_create(
            name=name, defaults={"description": description, "order": order}
        )
    items = {spec["name"]: _item(spec, categories, teams, actor) for spec in ITEMS}
    if not ServiceRequest.objects.filter(item__in=items.values()).exists():
        _requests(users, items)
