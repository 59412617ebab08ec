"""Searching for people on person fields, for staff who may not browse the user admin."""

from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import JsonResponse
from django.urls import path, reverse


class PeopleAutocomplete(AutocompleteSelect):
    """Django's autocomplete widget, answered by the record admin's own people search."""

    def __init__(self, field, admin_site, url, **kwargs):
        super().__init__(field, admin_site, **kwargs)
        self.url = url

    def get_url(self):
        return str(self.url)


class PeopleAutocompleteMixin:
    """Search for people on person fields.

    Django's autocomplete asks the user admin for view permission, which staff roles do
    not hold (the user admin shows permissions and groups); this search answers anyone
    who may view the record type, with active users' names only.
    """

    people_fields: tuple[str, ...] = ()
    people_page_size = 20

    def people_url_name(self) -> str:
        opts = self.model._meta
        return f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_people"

    def people_widget(self, db_field):
        return PeopleAutocomplete(db_field, self.admin_site, url=reverse(self.people_url_name()))

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name not in self.people_fields:
            return super().formfield_for_foreignkey(db_field, request, **kwargs)
        kwargs["widget"] = self.people_widget(db_field)
        kwargs["queryset"] = get_user_model().objects.filter(is_active=True)
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        field.label_from_instance = person_label
        return field

    def get_urls(self):
        opts = self.model._meta
        view = self.admin_site.admin_view(self.people_view)
        name = f"{opts.app_label}_{opts.model_name}_people"
        return [path("people/", view, name=name), *super().get_urls()]

    def people_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        people = get_user_model().objects.filter(is_active=True).order_by("username")
        for word in request.GET.get("term", "").split()[:5]:
            people = people.filter(
                Q(username__icontains=word)
                | Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        try:
            page = max(int(request.GET.get("page", 1)), 1)
        except ValueError:
            page = 1
        start = (page - 1) * self.people_page_size
        found = list(people[start : start + self.people_page_size + 1])
        results = [
            {"id": str(person.pk), "text": person_label(person)}
            for person in found[: self.people_page_size]
        ]
        return JsonResponse(
            {"results": results, "pagination": {"more": len(found) > self.people_page_size}}
        )


def person_label(person) -> str:
    full = person.get_full_name()
    return f"{full} ({person.get_username()})" if full else person.get_username()
