"""Read-only history with field diffs, and admins for rows nobody edits by hand."""

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject, ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper


class HistoryDiffHelper(HistoricalRecordContextHelper):
    """Shows choice labels, and an empty foreign key as empty rather than a deleted row."""

    def prepare_delta_change_value(self, change, value):
        if isinstance(value, DeletedObject) and value.pk is None:
            return None
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, (list, DeletedObject)):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class ReadOnlyHistoryMixin(SimpleHistoryAdmin):
    """History with field diffs that can be read and never reverted or edited.

    A record outside ``get_queryset(request)`` (the caller's scope) is a 404 on every page
    of it, as if it did not exist: change, delete, history and each historical version.
    """

    # simple-history diffs only editable fields; these non-editable ones matter too.
    history_diff_extra_fields: tuple[str, ...] = ()

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Django's change and delete views redirect to the index with "doesn't exist";
        # out of scope answers 404 here as everywhere else.
        raise Http404(f"No such {opts.verbose_name}.")

    def _require_in_scope(self, request, object_id) -> None:
        """404 unless the record is in the caller's queryset.

        simple-history's pages fall back to the last historical copy of a record the
        queryset does not hold (meant for deleted ones), which would show an out-of-scope
        record; only superusers, who see everything, keep that view of deleted records.
        """
        object_id = unquote(object_id)
        try:
            self.opts.pk.to_python(object_id)
        except ValidationError:
            raise Http404(f"No such {self.opts.verbose_name}.") from None
        if request.user.is_superuser:
            return
        if self.get_object(request, object_id) is None:
            raise Http404(f"No such {self.opts.verbose_name}.")

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryDiffHelper(self.model, historical_record)

    def get_history_diff_extra_fields(self) -> list[str]:
        return list(self.history_diff_extra_fields)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        extra = self.get_history_diff_extra_fields()
        newer = None
        for older in historical_records:  # newest first
            if newer is not None:
                delta = newer.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                for name in extra:
                    if getattr(older, name) != getattr(newer, name):
                        change = ModelChange(name, getattr(older, name), getattr(newer, name))
                        delta.changes.insert(0, change)
                helper = self.get_historical_record_context_helper(request, newer)
                newer.history_delta_changes = helper.context_for_delta_changes(delta)
            newer = older

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed historical form even when revert is disabled.
        if request.method != "GET":
            return HttpResponseNotAllowed(["GET"])
        self._require_in_scope(request, object_id)
        request.itsm_history_page = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if getattr(request, "itsm_history_page", False):
            if self.fieldsets:
                everything = flatten_fieldsets(self.fieldsets)
            elif self.fields:
                everything = flatten_fieldsets([(None, {"fields": self.fields})])
            else:
                everything = [f.name for f in self.model._meta.fields if f.editable]
            fields += [name for name in everything if name not in fields]
        return fields


class NoWritesMixin:
    """Nobody adds, changes or deletes these rows in the admin; code writes them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(NoWritesMixin, admin.ModelAdmin):
    """For system-written tables without history nobody edits by hand."""


class ReadOnlyRecordAdmin(NoWritesMixin, ReadOnlyHistoryMixin):
    """For rows only services write (comments, pauses, events): view and history only."""

    show_full_result_count = False


class ReadOnlyInline(NoWritesMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False
