"""Every read of problems that depends on who asks.

Problems are staff records: IT staff whose role may view problems see every problem, its
work notes and its linked incidents; everyone else gets a 404. Employees read only the
known-error database: published workarounds of problems still being worked or resolved,
never work notes, unpublished workarounds or linked incidents.
"""

import re

from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from itsm.roles import role_allows
from problems.choices import KEDB_STATUSES, OPEN_STATUSES
from problems.models import Problem, ProblemComment

LIST_RELATED = ["assignment_group", "assignee", "category", "service"]
DETAIL_RELATED = ["reported_by", "resolved_by", "closed_by"]
# What employees may read of a known error.
KNOWN_ERROR_FIELDS = ("id", "number", "title", "workaround", "service", "known_error_at", "status")
SEARCH_WORDS = 8


def sees_all_problems(user) -> bool:
    """IT staff whose role may view problems see them all, with work notes."""
    return role_allows(user, "problems", "view")


def problem_list_visible_to(*, user) -> QuerySet:
    if not sees_all_problems(user):
        return Problem.objects.none()
    return Problem.objects.select_related(*LIST_RELATED)


def problem_list_with_incident_figures(*, user) -> QuerySet:
    """The visible problems with their linked-incident count and last incident date.

    Two correlated subqueries on the incidents' problem index, so a page of N problems
    costs one query whatever N and however many incidents they have.
    """
    from incidents.models import Incident

    linked = Incident.objects.filter(problem=OuterRef("pk")).order_by()
    count = linked.values("problem").annotate(n=Count("pk")).values("n")
    last = linked.order_by("-reported_at").values("reported_at")[:1]
    return problem_list_visible_to(user=user).annotate(
        incident_count=Coalesce(Subquery(count), 0), last_incident_at=Subquery(last)
    )


def problem_get_for_user(*, user, pk) -> Problem:
    found = problem_list_visible_to(user=user).select_related(*DETAIL_RELATED).filter(pk=pk)
    problem = found.first() if str(pk).isdigit() else None
    if problem is None:
        raise Http404("No such problem.")
    return problem


def problem_comments_visible_to(*, user, problem) -> QuerySet:
    if not sees_all_problems(user):
        return ProblemComment.objects.none()
    return problem.comments.select_related("author")


def problem_incidents_visible_to(*, user) -> QuerySet:
    """Incidents linked to some problem that ``user`` may see (their incident scope), for
    the problem page's linked-incident list (prefetched by ``problem``)."""
    from incidents.selectors import incident_list_visible_to

    if not sees_all_problems(user):
        return incident_list_visible_to(user=user).none()
    return (
        incident_list_visible_to(user=user)
        .select_related(None)
        .filter(problem__isnull=False)
        .only("pk", "number", "title", "status", "reported_at", "problem_id")
        .order_by("-reported_at", "-pk")
    )


def problem_open_for_user(*, user) -> list:
    """The open problems assigned to ``user`` (the portal home section)."""
    if not sees_all_problems(user):
        return []
    return list(
        problem_list_visible_to(user=user)
        .filter(assignee=user, status__in=OPEN_STATUSES)
        .select_related(None)
        .only("pk", "number", "title", "status")[:10]
    )


# --- The known-error database ---------------------------------------------------------------


def known_error_list_visible_to(*, user) -> QuerySet:
    """Published known errors: what every signed-in user may read."""
    if not getattr(user, "is_authenticated", False):
        return Problem.objects.none()
    return _published()


def _published() -> QuerySet:
    return (
        Problem.objects.filter(workaround_published=True, status__in=KEDB_STATUSES)
        .select_related("service")
        .only(*KNOWN_ERROR_FIELDS, "service__name")
        .order_by("-known_error_at", "-id")
    )


def known_error_get_for_user(*, user, pk) -> Problem:
    problem = (
        known_error_list_visible_to(user=user).filter(pk=pk).first() if str(pk).isdigit() else None
    )
    if problem is None:
        raise Http404("No such known error.")
    return problem


def search_words(text: str) -> list[str]:
    """Up to ``SEARCH_WORDS`` distinct lowercase words of three letters or more."""
    words = re.findall(r"[^\W_]{3,}", (text or "").lower())
    return list(dict.fromkeys(words))[:SEARCH_WORDS]


def known_error_search(*, user, text: str = "", service=None) -> QuerySet:
    """Published known errors matching ``text``, best first: those of ``service`` first,
    then by relevance (full-text rank on PostgreSQL, matching words elsewhere).

    With neither words nor a service, nothing matches.
    """
    return _search(known_error_list_visible_to(user=user), text=text, service=service)


def known_error_suggestions_for(incident, *, limit: int = 3) -> list:
    """Published known errors matching an incident's title and service, for the staff
    page that shows the incident (its reader is signed in, so may read them all)."""
    found = _search(_published(), text=incident.title, service=incident.service_id)
    return list(found[:limit])


def _search(found, *, text: str, service) -> QuerySet:
    words = search_words(text)
    service_id = getattr(service, "pk", service)
    same_service = Case(
        When(service_id=service_id, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    if not words:
        if service_id is None:
            return found.none()
        return found.filter(service_id=service_id).annotate(same_service=same_service)
    if connection.vendor == "postgresql":
        found = _ranked_full_text(found, words)
    else:
        found = _ranked_word_match(found, words)
    return found.annotate(same_service=same_service).order_by(
        "-same_service", "-relevance", "-known_error_at", "-id"
    )


def _ranked_full_text(found, words):
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    vector = (
        SearchVector("title", weight="A", config="english")
        + SearchVector("workaround", weight="B", config="english")
        + SearchVector("service__name", weight="B", config="english")
    )
    query = SearchQuery(words[0], config="english")
    for word in words[1:]:
        query |= SearchQuery(word, config="english")
    return found.annotate(relevance=SearchRank(vector, query)).filter(relevance__gt=0)


def _ranked_word_match(found, words):
    score = Value(0)
    matches = Q()
    for word in words:
        hit = Q(title__icontains=word) | Q(workaround__icontains=word)
        hit |= Q(service__name__icontains=word)
        matches |= hit
        score = score + Case(When(hit, then=Value(1)), default=Value(0))
    return found.filter(matches).annotate(relevance=score)
