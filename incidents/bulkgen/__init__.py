"""Realistic incidents in bulk, for benchmarks: ``manage.py bench_data``.

``plan`` decides what happens to each incident and when; ``build`` replays those steps
the way the services do, in memory; ``write`` stores the rows with COPY. The rows are
the services' own (``incidents/tests/test_bulkgen.py`` proves it), at a few thousand
incidents a second instead of a few dozen.
"""

import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from incidents import sla
from incidents.bulkgen import write
from incidents.bulkgen.build import Builder, Ids, Output
from incidents.bulkgen.cast import load_cast
from incidents.bulkgen.plan import Planner
from itsm.models import PriorityMatrixCell


@dataclass
class Generated:
    incidents: int
    rows: int
    seconds: float


def make_builder(cast, *, ids, out, numbers, now) -> Builder:
    matrix = {(c.impact, c.urgency): c.priority for c in PriorityMatrixCell.objects.all()}
    return Builder(
        policy=sla.default_policy(),
        matrix=matrix,
        agent_ids=cast.agent_ids,
        system=cast.system,
        numbers=numbers,
        ids=ids,
        out=out,
        now=now,
    )


def generate(*, incidents: int, people: int = 400, seed: int = 1, batch: int = 5000,
             now=None, progress=None) -> Generated:  # fmt: skip
    """Add ``incidents`` incidents logged over the past months or years, up to ``now``."""
    started = time.perf_counter()
    now = now or timezone.now()
    cast = load_cast(people=people)
    planner = Planner(cast, count=incidents, now=now, seed=seed)
    rows = 0
    for first in range(0, incidents, batch):
        last = min(first + batch, incidents)
        with transaction.atomic():
            out = Output()
            numbers = write.allocate_numbers("INC", last - first)
            builder = make_builder(cast, ids=Ids(write.next_ids()), out=out, numbers=numbers,
                                   now=now)  # fmt: skip
            for index in range(first, last):
                builder.build(planner.plan(index))
            write.write_all(out.rows)
        rows += sum(len(found) for found in out.rows.values())
        if progress:
            progress(last, rows, time.perf_counter() - started)
    write.analyze()
    return Generated(incidents=incidents, rows=rows, seconds=time.perf_counter() - started)
