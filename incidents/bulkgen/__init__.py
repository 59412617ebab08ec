"""Realistic incidents in bulk, for benchmarks: ``manage.py bench_data``.

``plan`` decides what happens to each incident and when; ``build`` replays those steps
the way the services do, in memory; ``write`` stores the rows with COPY. The rows are
the services' own (``incidents/tests/test_bulkgen.py`` proves it), at a few thousand
incidents a second instead of a few dozen.
"""

import multiprocessing
import time
from dataclasses import dataclass

from django.db import connections, transaction
from django.utils import timezone

from incidents import sla
from incidents.bulkgen import write
from incidents.bulkgen.build import Builder, Output
from incidents.bulkgen.cast import load_cast
from incidents.bulkgen.plan import Planner
from itsm.models import PriorityMatrixCell, Team


@dataclass
class Generated:
    incidents: int
    rows: int
    seconds: float


def make_builder(cast, *, ids, out, numbers, now) -> Builder:
    matrix = {(c.impact, c.urgency): c.priority for c in PriorityMatrixCell.objects.all()}
    # With their members, so the table's assign checks the assignee without a query.
    teams = {team.pk: team for team in Team.objects.prefetch_related("members")}
    return Builder(
        policy=sla.default_policy(),
        teams=teams,
        matrix=matrix,
        agent_ids=cast.agent_ids,
        system=cast.system,
        numbers=numbers,
        ids=ids,
        out=out,
        now=now,
    )


def generate(*, incidents: int, people: int = 400, seed: int = 1, batch: int = 5000,
             workers: int = 1, now=None, progress=None) -> Generated:  # fmt: skip
    """Add ``incidents`` incidents logged over the past months or years, up to ``now``.

    Batches are independent (each has its own numbers and id ranges), so ``workers``
    processes can build and write them side by side.
    """
    started = time.perf_counter()
    now = now or timezone.now()
    cast = load_cast(people=people)
    job = Job(cast, Planner(cast, count=incidents, now=now, seed=seed), now, batch,
              write.next_ids(), write.reserve_numbers("INC", incidents))  # fmt: skip
    batches = [(index, first, min(first + batch, incidents))
               for index, first in enumerate(range(0, incidents, batch))]  # fmt: skip
    if workers > 1:
        connections.close_all()  # each forked worker opens its own connection
        with multiprocessing.get_context("fork").Pool(workers, _adopt, (job,)) as pool:
            results = list(_progress(pool.imap_unordered(_run_batch, batches), started, progress))
    else:
        results = list(_progress((job.run(*b) for b in batches), started, progress))
    rows = sum(count for count, _ in results)
    done = sum(count for _, count in results)
    write.reset_sequences()
    write.analyze()
    return Generated(incidents=done, rows=rows, seconds=time.perf_counter() - started)


class Job:
    def __init__(self, cast, planner, now, size, bases, first_number):
        self.cast, self.planner, self.now, self.size = cast, planner, now, size
        self.bases, self.first_number = bases, first_number

    def run(self, index: int, first: int, last: int) -> tuple[int, int]:
        """Build and store incidents ``first`` to ``last``; (rows written, incidents)."""
        out = Output()
        numbers = write.numbers("INC", self.first_number + first)
        ids = write.batch_ids(self.bases, index, self.size)
        builder = make_builder(self.cast, ids=ids, out=out, numbers=numbers, now=self.now)
        with transaction.atomic():
            for position in range(first, last):
                builder.build(self.planner.plan(position))
            write.write_all(out.rows, reset=False)
        return sum(len(found) for found in out.rows.values()), last - first


_job = None


def _adopt(job) -> None:
    global _job
    _job = job


def _run_batch(batch) -> tuple[int, int]:
    return _job.run(*batch)


def _progress(results, started, progress):
    rows = done = 0
    for result in results:
        rows, done = rows + result[0], done + result[1]
        if progress:
            progress(done, rows, time.perf_counter() - started)
        yield result
