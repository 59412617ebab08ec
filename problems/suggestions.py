"""Known errors offered on the incident report form before the incident is logged."""

from django.urls import reverse

from itsm.markup import render_markdown
from itsm.portal.suggestions import Suggester, Suggestion
from problems import selectors
from problems.services.records import set_incident_problem

LIMIT = 5


def search(*, user, title: str, service) -> list[Suggestion]:
    found = selectors.known_error_search(user=user, text=title, service=service)[:LIMIT]
    return [
        Suggestion(
            pk=problem.pk,
            number=problem.number,
            title=problem.title,
            body_html=render_markdown(problem.workaround),
            solved_url=reverse("problems:solved", args=[problem.pk]),
        )
        for problem in found
    ]


def link(*, record, pk, actor) -> None:
    """ "I still need help" on a suggestion: the new incident is linked to its problem."""
    problem = selectors.known_error_get_for_user(user=actor, pk=pk)
    set_incident_problem(
        record.pk, problem, actor=actor, reason=f"reported against known error {problem.number}"
    )


KNOWN_ERRORS = Suggester(search=search, link=link)
