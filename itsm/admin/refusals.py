"""Service refusals in the admin: form errors and messages instead of server errors.

Edits and additions in the admin are saved through the app's services; a refusal (a
:class:`~itsm.errors.Refused` or a ``ValidationError``) rolls the request back and the
form comes back with the service's words next to the field at fault.
"""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from itsm.errors import Refused

REFUSALS = (Refused, ValidationError)


def refusal_errors(exc) -> dict[str | None, list[str]]:
    """A service refusal as {field or None: [messages]}."""
    if isinstance(exc, Refused):
        return {exc.field: [exc.message]}
    if hasattr(exc, "error_dict"):
        return {
            None if name == NON_FIELD_ERRORS else name: messages_
            for name, messages_ in exc.message_dict.items()
        }
    return {None: list(exc.messages)}


def refusal_text(exc) -> str:
    return " ".join(message for found in refusal_errors(exc).values() for message in found)


def add_refusal_to_form(form, exc) -> None:
    for name, found in refusal_errors(exc).items():
        for message in found:
            form.add_error(name if name in form.fields else None, message)


class ServiceRefused(Exception):
    def __init__(self, errors):
        super().__init__("refused by the service")
        self.errors = errors


class ServiceFormMixin:
    """A ModelForm base that shows a service's refusal as form errors on the second pass."""

    service_errors: dict | None = None

    def clean(self):
        cleaned = super().clean()
        for name, found in (self.service_errors or {}).items():
            for message in found:
                self.add_error(name if name in self.fields else None, message)
        return cleaned


class RecordAdminForm(ServiceFormMixin, forms.ModelForm):
    """The staff edit form of a record.

    ``version`` is the version the page was built from (a hidden input the change form
    template renders); the app's update service refuses a save from a stale page. Links
    to records of the same type offer only those the user may see (``RecordAdmin``).
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields.pop("version", None)
        elif "version" in self.fields:
            self.fields["version"].required = True
            self.fields["version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        for name, field in self.fields.items():
            links_record = getattr(field, "queryset", None) is not None and (
                field.queryset.model is self._meta.model
            )
            if links_record and name in cleaned:
                cleaned[name] = self._keep_hidden_link(name, cleaned[name])
        return cleaned

    def _keep_hidden_link(self, name, value):
        """A link to a record the user may not see is not rendered, so it comes back
        empty: keep it rather than let an unrelated edit remove it."""
        current = getattr(self.instance, f"{name}_id", None)
        if value is not None or not current:
            return value
        if self.fields[name].queryset.filter(pk=current).exists():
            return value
        return getattr(self.instance, name)


class ServiceFormAdminMixin:
    """Saves the add and change forms through services, never with ``Model.save()``.

    Subclasses implement ``create_via_service(request, form)`` and
    ``update_via_service(request, obj, form)``, both returning the saved record. A refusal
    rolls the request's transaction back and the form is shown again with the errors.
    """

    def create_via_service(self, request, form):
        raise NotImplementedError

    def update_via_service(self, request, obj, form):
        raise NotImplementedError

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # Django's changeform transaction has rolled back; render the same POST again
            # with the refusal injected as validation errors, so nothing is saved twice.
            request.itsm_service_errors = refused.errors
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        errors = getattr(request, "itsm_service_errors", None)
        if errors:
            bases = (form,) if issubclass(form, ServiceFormMixin) else (ServiceFormMixin, form)
            form = type(form.__name__, bases, {"service_errors": errors})
        return form

    def save_model(self, request, obj, form, change):
        try:
            if change:
                saved = self.update_via_service(request, obj, form)
            else:
                saved = self.create_via_service(request, form)
        except REFUSALS as exc:
            raise ServiceRefused(refusal_errors(exc)) from exc
        for field in saved._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    def save_related(self, request, form, formsets, change):
        """Related rows (comments, attachments) are written by their own services only."""

    def construct_change_message(self, request, form, formsets, add=False):
        # The inline formsets are never saved (see save_related), so they changed nothing.
        return super().construct_change_message(request, form, [], add)
