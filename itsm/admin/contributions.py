"""Comments, work notes and attachments of any record type in the staff console.

Inlines show them on the record's page, operations add them through the record type's
contribution services (``itsm.contributions`` behind ``RecordType.comment_add`` and
``attachment_add``), and read-only changelists list them across records, limited to the
records the user may see.
"""

import functools

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from itsm.admin.history import ReadOnlyInline, ReadOnlyRecordAdmin
from itsm.admin.transitions import TransitionForm
from itsm.admin_lists import BigTableAdminMixin
from itsm.markup import MAX_LENGTH as MARKDOWN_MAX_LENGTH
from itsm.records import CommentBase
from itsm.registry import record_type_for

Visibility = CommentBase.Visibility


class CommentForm(TransitionForm):
    body = forms.CharField(
        max_length=MARKDOWN_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 5}), label="Text"
    )
    visibility = forms.ChoiceField(
        choices=Visibility.choices,
        initial=Visibility.INTERNAL,
        widget=forms.RadioSelect,
        help_text="Public comments are shown to the reporter; work notes only to IT staff.",
    )


class AttachmentForm(TransitionForm):
    upload = forms.FileField(label="File")


def attachment_link(attachment):
    """A link to the access-checked download (``<app>:attachment``), else the name."""
    try:
        url = reverse(f"{attachment._meta.app_label}:attachment", kwargs={"pk": attachment.pk})
    except NoReverseMatch:
        return attachment.original_name
    return format_html('<a href="{}">{}</a>', url, attachment.original_name)


class CommentInline(ReadOnlyInline):
    fields = ["created_at", "author", "visibility", "body"]
    readonly_fields = fields
    verbose_name = "comment or work note"
    verbose_name_plural = "Comments and work notes (add one with the button at the top)"

    def get_queryset(self, request):
        comments = super().get_queryset(request).select_related("author")
        if record_type_for(self.parent_model).sees_all(request.user):
            return comments
        return comments.filter(visibility=Visibility.PUBLIC)


class AttachmentInline(ReadOnlyInline):
    fields = ["download", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("uploaded_by")

    @admin.display(description="File")
    def download(self, obj):
        return attachment_link(obj)


@functools.cache
def inline_for(base: type[admin.options.InlineModelAdmin], model) -> type:
    """``base`` made concrete for ``model`` (a record's comment or attachment model)."""
    return type(f"{model.__name__}Inline", (base,), {"model": model})


def record_foreign_key(model) -> str:
    """The name of a row's one foreign key that does not point at a user: its record."""
    found = [
        field.name
        for field in model._meta.fields
        if field.many_to_one and field.related_model is not get_user_model()
    ]
    if len(found) != 1:
        raise ImproperlyConfigured(
            f"{model._meta.label}: set record_field; candidates are {found or 'none'}."
        )
    return found[0]


class RecordRowAdmin(BigTableAdminMixin, ReadOnlyRecordAdmin):
    """Rows hanging off a record (comments, SLA pauses, ...), for the records one may see,
    newest first.

    ``record_field`` is the row's foreign key to its record; by default its one foreign
    key that does not point at a user.
    """

    record_field: str | None = None
    ordering = ["-pk"]

    def __init__(self, model, admin_site):
        self.record_field = self.record_field or record_foreign_key(model)
        super().__init__(model, admin_site)

    def record_type(self):
        return record_type_for(self.model._meta.get_field(self.record_field).related_model)

    def get_list_select_related(self, request):
        return [self.record_field, *(self.list_select_related or ())]

    def get_queryset(self, request):
        rows = super().get_queryset(request)
        visible = self.record_type().list_visible_to(user=request.user)
        if not visible.query.where:
            # The user sees every record: "record in (all records)" would only make each
            # page join the whole record table.
            return rows
        return rows.filter(**{f"{self.record_field}__in": visible.values("pk")})


class CommentAdmin(RecordRowAdmin):
    list_filter = ["visibility"]
    list_select_related = ["author"]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        record = self.record_field
        self.list_display = [record, "author", "visibility", "created_at"]
        self.search_fields = [f"{record}__number", "body"]
        self.fields = [record, "author", "visibility", "created_at", "body"]

    def get_queryset(self, request):
        comments = super().get_queryset(request)
        if self.record_type().sees_all(request.user):
            return comments
        return comments.filter(visibility=Visibility.PUBLIC)


class AttachmentAdmin(RecordRowAdmin):
    list_select_related = ["uploaded_by"]
    ordering = ["-uploaded_at"]
    readonly_fields = ["download"]

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        record = self.record_field
        self.list_display = ["original_name", record, "size", "uploaded_by", "uploaded_at"]
        self.search_fields = [f"{record}__number", "original_name"]
        self.fields = [record, "download", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description="File")
    def download(self, obj):
        return attachment_link(obj)
