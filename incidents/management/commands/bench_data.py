"""``manage.py bench_data --incidents 100000``: realistic incidents in bulk, for benchmarks."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.bulkgen import generate


class Command(BaseCommand):
    help = (
        "Add generated incidents (about 30 % open) with their history, SLA fields, pauses, "
        "events, comments and watchers, for a few hundred generated people. For benchmarks "
        "and load tests, never for a production database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--incidents", type=int, default=1000)
        parser.add_argument("--people", type=int, default=400)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=5000, help="Incidents per transaction.")
        parser.add_argument("--workers", type=int, default=1, help="Processes building batches.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (production settings)."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError("DEBUG is off: this looks like production. Use --force if not.")
        if min(options["incidents"], options["batch"], options["workers"]) < 1:
            raise CommandError("--incidents, --batch and --workers must be positive.")

        def progress(done, rows, seconds):
            self.stdout.write(f"{done} incidents, {rows} rows, {seconds:.0f} s")

        result = generate(
            incidents=options["incidents"],
            people=options["people"],
            seed=options["seed"],
            batch=options["batch"],
            workers=options["workers"],
            progress=progress,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {result.incidents} incidents ({result.rows} rows) in "
                f"{result.seconds:.0f} s ({result.incidents / result.seconds:.0f} incidents/s)."
            )
        )
