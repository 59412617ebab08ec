"""What changes add to the incident console: a button to mark the incident as caused by
a change (or clear it). The incident admin lists it in its ``extra_operations``; the
write goes through ``changes.services.incident_set_caused_by``."""

from django import forms

from changes import selectors, services
from itsm.admin.transitions import Operation, TransitionForm
from itsm.roles import role_allows


class CausedByChangeForm(TransitionForm):
    change = forms.CharField(
        label="Change number",
        max_length=16,
        required=False,
        help_text="E.g. CHG0000012; leave empty to clear.",
    )

    def clean_change(self):
        number = self.cleaned_data["change"].strip().upper()
        if not number:
            return None
        change = selectors.change_list_visible_to(user=self.user).filter(number=number).first()
        if change is None:
            raise forms.ValidationError(f"No change {number} that you may see.")
        return change


def _mark(request, record_id, params):
    change = params.get("change")
    return services.incident_set_caused_by(
        incident_id=record_id, change_id=change.pk if change else None, actor=request.user
    )


def _may_mark(request, incident) -> bool:
    return selectors.sees_all_changes(request.user) and role_allows(
        request.user, "incidents", "change"
    )


OPERATIONS = {
    "caused_by_change": Operation(
        "Mark as caused by a change", _mark, CausedByChangeForm, _may_mark
    ),
}
