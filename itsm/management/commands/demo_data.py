"""``manage.py demo_data``: load the demo company and print the logins. Safe to run again."""

from django.core.management.base import BaseCommand

from itsm.demo import load_demo
from itsm.demo.people import DEMO_PASSWORD, PEOPLE


class Command(BaseCommand):
    help = "Load demo people, reference data and records (idempotent) and print the logins."

    def handle(self, *args, **options):
        users = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded ({len(users)} people)."))
        self.stdout.write(logins_table())


def logins_table() -> str:
    width = max(len("username"), *(len(username) for username, *_ in PEOPLE))
    lines = ["", f"Demo logins (every password is '{DEMO_PASSWORD}'):", ""]
    lines.append(f"  {'username':<{width}}  {'password':<8}  role")
    for username, _first, _last, _roles, what in PEOPLE:
        lines.append(f"  {username:<{width}}  {DEMO_PASSWORD:<8}  {what}")
    return "\n".join(lines) + "\n"
