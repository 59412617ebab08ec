from django import forms


class DecisionForm(forms.Form):
    """An approver's decision from the inbox; the comment is required to reject."""

    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("reject", "Reject")])
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    version = forms.IntegerField(min_value=1)
