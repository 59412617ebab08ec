"""The change calendar: the changes that hold a planned window and the freeze windows,
over a month or a week, laid out by day in the current time zone.

Two queries whatever the number of changes (the changes with their people, the freeze
windows with their services); the days are filled in Python.
"""

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from changes.choices import Status
from changes.models import FreezeWindow
from changes.schedule import overlapping
from changes.selectors import change_list_visible_to

MONTH, WEEK = "month", "week"
VIEWS = (MONTH, WEEK)
# Changes shown: those that hold (or held) their window. Drafts have not asked for it;
# rejected and cancelled changes gave it up.
CALENDAR_STATUSES = [
    Status.AUTHORISATION,
    Status.EMERGENCY_AUTHORISATION,
    Status.SCHEDULED,
    Status.IMPLEMENTING,
    Status.REVIEW,
    Status.CLOSED,
]


@dataclass(frozen=True)
class Period:
    view: str
    anchor: date
    first: date
    days: int
    label: str
    previous: date
    following: date

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)


@dataclass
class Day:
    date: date
    in_period: bool
    is_today: bool
    changes: list = field(default_factory=list)
    freezes: list = field(default_factory=list)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def period_for(view: str, anchor: date) -> Period:
    """The days a ``view`` (month or week) around ``anchor`` shows, Monday first."""
    if view == WEEK:
        first = anchor - timedelta(days=anchor.weekday())
        label = f"Week of {first:%-d %B %Y}"
        return Period(WEEK, anchor, first, 7, label, first - timedelta(7), first + timedelta(7))
    month_first = anchor.replace(day=1)
    month_days = calendar.monthrange(anchor.year, anchor.month)[1]
    first = month_first - timedelta(days=month_first.weekday())
    last = month_first + timedelta(days=month_days - 1)
    last += timedelta(days=6 - last.weekday())
    return Period(
        MONTH,
        anchor,
        first,
        (last - first).days + 1,
        f"{month_first:%B %Y}",
        _add_months(month_first, -1),
        _add_months(month_first, 1),
    )


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_for(*, user, period: Period, change_type: str = "") -> list[list[Day]]:
    """The period's weeks, each a list of seven days with their changes and freezes."""
    start, end = _start_of(period.first), _start_of(period.last + timedelta(days=1))
    changes = overlapping(
        change_list_visible_to(user=user).filter(status__in=CALENDAR_STATUSES), start, end
    ).order_by("planned_start", "pk")
    if change_type:
        changes = changes.filter(change_type=change_type)
    freezes = list(
        FreezeWindow.objects.filter(is_active=True, starts_at__lt=end, ends_at__gt=start)
        .prefetch_related("services")
        .order_by("starts_at", "pk")
    )
    changes = list(changes)
    today = timezone.localdate()
    days = []
    for offset in range(period.days):
        day = period.first + timedelta(days=offset)
        day_start, day_end = _start_of(day), _start_of(day + timedelta(days=1))
        in_period = period.view == WEEK or day.month == period.anchor.month
        days.append(
            Day(
                date=day,
                in_period=in_period,
                is_today=day == today,
                changes=[
                    c for c in changes if c.planned_start < day_end and c.planned_end > day_start
                ],
                freezes=[f for f in freezes if f.starts_at < day_end and f.ends_at > day_start],
            )
        )
    return [days[index : index + 7] for index in range(0, len(days), 7)]
