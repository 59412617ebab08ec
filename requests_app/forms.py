"""Portal forms for requests. The item form is drawn from the question definitions in the
template (so typed values come back as typed); the answers are checked by the service."""

from django import forms

from itsm.attachments import validate_upload
from itsm.forms import transition_form_class
from itsm.markup import MAX_LENGTH
from requests_app.models import RequestComment
from requests_app.services.records import MAX_QUANTITY
from requests_app.workflow import WORKFLOW


class CommentForm(forms.Form):
    body = forms.CharField(
        max_length=MAX_LENGTH, label="Comment", widget=forms.Textarea(attrs={"rows": 4})
    )
    visibility = forms.ChoiceField(
        choices=RequestComment.Visibility.choices,
        initial=RequestComment.Visibility.PUBLIC,
        widget=forms.RadioSelect,
        label="Who can see it",
    )

    def __init__(self, *args, staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not staff:
            self.fields["visibility"].widget = forms.HiddenInput()


class AttachForm(forms.Form):
    file = forms.FileField(label="Add a file")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload)
        return upload


class RequestForm(forms.Form):
    """What the item form asks besides its questions."""

    quantity = forms.IntegerField(min_value=1, max_value=MAX_QUANTITY, initial=1)
    requested_for = forms.TypedChoiceField(
        coerce=int, required=False, empty_value=None, label="Who is it for?"
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        if people:
            self.fields["requested_for"].choices = [("", "Me"), *people]
        else:
            del self.fields["requested_for"]


class TransitionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, name: str, **kwargs):
        kwargs.setdefault("auto_id", f"{name}-%s")
        super().__init__(*args, **kwargs)
        self.name = name
        if "reason" in self.fields:
            self.fields["reason"].widget = forms.Textarea(attrs={"rows": 3})

    def params(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


FORMS = {
    t.name: transition_form_class(t, base=TransitionForm) for t in WORKFLOW.offered_in("portal")
}


def transition_form(name: str, request=None, data=None) -> TransitionForm:
    initial = {"version": request.version} if request is not None else None
    return FORMS[name](data, name=name, initial=initial)
