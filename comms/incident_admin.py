"""What stakeholder communication adds to the incident console.

- The declare-major page also asks for the stakeholder list (people and teams): the
  incident admin takes :class:`DeclareMajorMixin`, which adds the fields to the table's
  form and, in the same transaction as the transition, adds them through
  ``stakeholders_add``. Subscribers of the affected components follow after commit
  (the ``major_declared`` listener).
- Buttons on a major incident's page: send a stakeholder update, edit the list.
- A read-only summary (stakeholders, updates, missed cadence, the live page's link).
"""

from django.db import transaction
from django.template.loader import render_to_string

from comms import selectors, services
from comms.forms import UpdateFields, stakeholder_fields
from itsm.admin.transitions import Operation, TransitionForm

DECLARE = "declare_major"


class UpdateForm(TransitionForm, UpdateFields):
    pass


class StakeholdersForm(TransitionForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = stakeholder_fields()
        self.fields["stakeholder_people"] = fields["stakeholder_people"]
        self.fields["stakeholder_teams"] = fields["stakeholder_teams"]
        if self.record is not None:
            listed = selectors.stakeholders_of(self.record)
            self.initial["stakeholder_people"] = [s.person_id for s in listed if s.person_id]
            self.initial["stakeholder_teams"] = [s.team_id for s in listed if s.team_id]


def _send(request, record_id, params):
    return services.stakeholder_update_send(
        incident_id=record_id, actor=request.user, body=params["body"], channels=params["channels"]
    )


def _set(request, record_id, params):
    return services.stakeholders_set(
        incident_id=record_id,
        actor=request.user,
        people=params["stakeholder_people"],
        teams=params["stakeholder_teams"],
    )


def _available(request, incident) -> bool:
    return incident.is_major and services.may_communicate(request.user)


OPERATIONS = {
    "send_stakeholder_update": Operation(
        "Send a stakeholder update", _send, UpdateForm, available=_available
    ),
    "stakeholders": Operation("Stakeholders", _set, StakeholdersForm, available=_available),
}


class DeclareMajorMixin:
    """The incident admin's declare-major page asks for the stakeholders too."""

    def get_transition_form_class(self, name: str):
        form_class = super().get_transition_form_class(name)
        if name != DECLARE or form_class is None:
            return form_class
        fields = stakeholder_fields()
        attrs = {**fields, "extension_fields": frozenset(fields)}
        return type("DeclareMajorForm", (form_class,), attrs)

    def run_transition(self, request, obj_pk, name, params):
        if name != DECLARE:
            return super().run_transition(request, obj_pk, name, params)
        params = dict(params)
        people = params.pop("stakeholder_people", None) or []
        teams = params.pop("stakeholder_teams", None) or []
        with transaction.atomic():
            incident = super().run_transition(request, obj_pk, name, params)
            services.stakeholders_add(
                incident_id=obj_pk, actor=request.user, people=people, teams=teams
            )
        return incident


def communications_summary(incident) -> str:
    if not incident.is_major:
        return "-"
    context = {
        "incident": incident,
        "stakeholders": len(selectors.stakeholders_of(incident)),
        "updates": incident.stakeholder_updates.count(),
        "missed": selectors.missed_cadence_count(incident),
    }
    return render_to_string("comms/admin/summary.html", context)
