from django import forms

from changes.choices import ChangeType


class CalendarForm(forms.Form):
    """The calendar's view, the day it shows around and an optional type filter."""

    view = forms.ChoiceField(choices=[("month", "Month"), ("week", "Week")], required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    type = forms.ChoiceField(choices=[("", "All types"), *ChangeType.choices], required=False)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day and not 1900 <= day.year <= 2999:
            raise forms.ValidationError("Choose a date between 1900 and 2999.")
        return day


class CabAgendaForm(forms.Form):
    """The CAB meeting the agenda is for, and the last day of planned starts it covers."""

    meeting = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        for name in ("meeting", "until"):
            day = data.get(name)
            if day and not 1900 <= day.year <= 2999:
                self.add_error(name, "Choose a date between 1900 and 2999.")
        if data.get("meeting") and data.get("until") and data["until"] < data["meeting"]:
            self.add_error("until", "The last day cannot be before the meeting.")
        return data
