"""Bulk actions on a changelist that run a transition once per selected record."""

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse

from itsm.admin.refusals import REFUSALS, refusal_text


def bulk_action_name(transition_name: str) -> str:
    """The name of the bulk action the record admin generates for a transition."""
    return f"{transition_name}_selected"


def transition_action(name, label, *, params=None, action_name=None):
    """A bulk admin action that runs transition ``name`` once per selected record.

    Each record goes through the service in its own transaction, so one refusal does not
    undo the others. A transition with input asks for it on an intermediate page first
    (the transition's own form); ``params`` is a callable ``params(request) -> dict`` for
    input taken from the request instead (it may raise the service's refusal, which is
    reported and runs nothing).
    """

    def action(modeladmin, request, queryset):
        form_class = modeladmin.get_transition_form_class(name) if params is None else None
        extra = {}
        if form_class is not None:
            bound = form_class(
                request.POST if "apply" in request.POST else None,
                user=request.user,
                model_admin=modeladmin,
            )
            if not bound.is_bound or not bound.is_valid():
                return action_page(modeladmin, request, queryset, action.__name__, label, bound)
            extra = dict(bound.cleaned_data)
        if params is not None:
            try:
                extra.update(params(request))
            except REFUSALS as exc:
                modeladmin.message_user(request, f"{label}: {refusal_text(exc)}", messages.ERROR)
                return None
        done, refused = 0, []
        for obj in queryset:
            try:
                modeladmin.run_transition(request, obj.pk, name, dict(extra))
            except REFUSALS as exc:
                refused.append(f"{modeladmin.record_label(obj)}: {refusal_text(exc)}")
            else:
                done += 1
        _report(modeladmin, request, label, done, refused)
        return None

    action.__name__ = action_name or bulk_action_name(name)
    action.transition = name
    return admin.action(description=label, permissions=["change"])(action)


def _report(modeladmin, request, label, done, refused) -> None:
    text = f"{label}: {done} done, {len(refused)} refused"
    if refused:
        shown = "; ".join(refused[:5])
        more = f"; and {len(refused) - 5} more" if len(refused) > 5 else ""
        text += f" ({shown}{more})"
    level = messages.SUCCESS if not refused else messages.WARNING if done else messages.ERROR
    modeladmin.message_user(request, text + ".", level)


def action_page(modeladmin, request, queryset, action_name, label, form):
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": label,
        "opts": modeladmin.model._meta,
        "records": [modeladmin.record_label(obj) for obj in queryset[:50]],
        "record_count": queryset.count(),
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
        "select_across": request.POST.get("select_across", "0"),
        "action_name": action_name,
        "form": form,
        "media": modeladmin.media + form.media,
    }
    return TemplateResponse(request, modeladmin.action_template, context)
