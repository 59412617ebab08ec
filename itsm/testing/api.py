"""A record type's API tests in a few lines: list, detail, create, update, scoping,
query budget and history, on the record API base (``itsm.api.records``).

A record app's tests subclass :class:`RecordApiTests` in a ``Test...`` class::

    class TestIncidentApi(RecordApiTests):
        model = Incident
        create_data = {"title": "VPN drops", "urgency": "high"}
        update_data = {"title": "VPN drops every hour"}
        list_budget = {"requester": 4, "staff": 7}

Records are made with the app's kit (``tests/kit.py``): its first person is the
requester, its last one staff who sees every record; a fresh user with no role is the
outsider, to whom every record of the requester is a 404.
"""

from collections.abc import Sequence
from typing import ClassVar

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from itsm.registry import record_type_for
from itsm.testing.kit import kit_for
from itsm.testing.queries import assert_constant_queries


def api_client(user, *, session: bool = False) -> APIClient:
    """A client signed in as ``user``; with ``session`` through a real session, so every
    request loads the user and their roles as in production (for query budgets)."""
    client = APIClient()
    if session:
        client.force_login(user)
    else:
        client.force_authenticate(user)
    return client


class RecordApiTests:
    """The NetBox-style API checks every record type passes."""

    pytestmark: ClassVar = [pytest.mark.django_db]

    model: type
    # A body the requester may POST to create a record, and fields they may PATCH.
    create_data: ClassVar[dict] = {}
    update_data: ClassVar[dict] = {}
    # Queries of one list request, per reader ("requester", "staff"), whatever the rows.
    list_budget: ClassVar[dict[str, int]] = {}

    # --- Helpers -------------------------------------------------------------------------

    @property
    def kit(self):
        return kit_for(record_type_for(self.model))

    def people(self) -> Sequence:
        return list(self.kit.people())

    def requester(self):
        return self.people()[0]

    def staff(self):
        return self.people()[-1]

    def outsider(self):
        user, _ = get_user_model().objects.get_or_create(username="api-outsider")
        return user

    def record(self):
        return self.kit.create(self.requester())

    def list_url(self) -> str:
        return reverse(f"{self.model._meta.model_name}-list")

    def detail_url(self, record) -> str:
        return reverse(f"{self.model._meta.model_name}-detail", args=[record.pk])

    def record_urls(self, record) -> list[str]:
        """Every endpoint on one record: detail, comments, history, each transition."""
        detail = self.detail_url(record)
        workflow = record_type_for(self.model).workflow
        return [
            detail,
            f"{detail}comments/",
            f"{detail}history/",
            *(f"{detail}{t.slug}/" for t in workflow.offered_in("api")),
        ]

    # --- The checks ----------------------------------------------------------------------

    def test_list_shows_the_requester_and_staff_the_record(self):
        record = self.record()
        for user in (self.requester(), self.staff()):
            response = api_client(user).get(self.list_url())
            assert response.status_code == 200, response.content
            assert record.pk in [row["id"] for row in response.json()["results"]]

    def test_detail(self):
        record = self.record()
        for user in (self.requester(), self.staff()):
            response = api_client(user).get(self.detail_url(record))
            assert response.status_code == 200, response.content
            assert (response.json()["id"], response.json()["version"]) == (
                record.pk,
                record.version,
            )

    def test_create_writes_one_history_row_by_the_caller(self):
        requester = self.requester()

        response = api_client(requester).post(self.list_url(), self.create_data, format="json")

        assert response.status_code == 201, response.content
        created = self.model.objects.get(pk=response.json()["id"])
        rows = list(created.history.all())
        assert len(rows) == 1 and rows[0].history_user == requester
        assert response.json()["version"] == created.version

    def test_update_needs_the_version_and_writes_history(self):
        record = self.record()
        client = api_client(self.requester())
        rows = record.history.count()

        unversioned = client.patch(self.detail_url(record), self.update_data, format="json")
        stale = client.patch(
            self.detail_url(record), {**self.update_data, "version": 10**6}, format="json"
        )
        response = client.patch(
            self.detail_url(record), {**self.update_data, "version": record.version}, format="json"
        )

        assert unversioned.status_code == 400, unversioned.content
        assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
        assert response.status_code == 200, response.content
        assert response.json()["version"] == record.version + 1
        assert record.history.count() == rows + 1
        assert record.history.first().history_user == self.requester()

    def test_history_endpoint_lists_the_rows(self):
        record = self.record()

        response = api_client(self.staff()).get(f"{self.detail_url(record)}history/")

        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) == record.history.count()

    def test_out_of_scope_is_404_everywhere_and_changes_nothing(self):
        record = self.record()
        client = api_client(self.outsider())
        rows = record.history.count()

        for url in self.record_urls(record):
            method = client.get if url.endswith(("/comments/", "/history/")) else client.post
            if url == self.detail_url(record):
                answers = [client.get(url), client.patch(url, {"version": 1}, format="json")]
            else:
                answers = [method(url, {}, format="json")]
            for response in answers:
                assert response.status_code == 404, (url, response.status_code)
                assert response.json()["code"] == "not_found"
        listed = client.get(self.list_url()).json()["results"]
        assert record.pk not in [row["id"] for row in listed]
        assert record.history.count() == rows

    def test_put_and_delete_answer_405_in_scope_and_404_out_of_scope(self):
        record = self.record()
        url = self.detail_url(record)
        mine, theirs = api_client(self.requester()), api_client(self.outsider())

        assert mine.put(url, {}, format="json").status_code == 405
        assert mine.delete(url).status_code == 405
        assert theirs.put(url, {}, format="json").status_code == 404
        assert theirs.delete(url).status_code == 404
        assert self.model.objects.filter(pk=record.pk).exists()

    @pytest.mark.parametrize("reader", ["requester", "staff"])
    def test_list_query_count_is_constant_and_within_budget(self, reader):
        requester = self.requester()
        client = api_client(getattr(self, reader)(), session=True)

        def make_rows(count):
            for _ in range(count):
                self.kit.create(requester)

        def list_all():
            assert client.get(self.list_url(), {"page_size": 100}).status_code == 200

        count = assert_constant_queries(make_rows, list_all)

        assert count <= self.list_budget[reader]
