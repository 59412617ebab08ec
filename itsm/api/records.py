"""The record API base: what every record type's viewset shares.

A record app's viewset names its model and its serializers per reader, and says how a
record is created and edited; this base gives the rest, from the app's registered
:class:`~itsm.registry.RecordType`:

- scoping: every row comes from the app's selector, and every endpoint on one record
  looks it up for the caller first, so a record out of scope is a 404 whatever the
  method, body or transition;
- strict JSON input (unknown keys and wrongly typed values are a 400) and version checks
  (``version`` is required to edit; a stale one is a 409 on every write);
- PUT and DELETE: records are never replaced whole nor deleted (they are cancelled). The
  handlers answer 404 for a record out of scope and 405 otherwise; the schema leaves them
  out, as it documents only what the API does;
- one POST endpoint per transition the table offers the API
  (:mod:`itsm.api.transitions`), and the ``comments/`` and ``history/`` actions.

A transition that reports more than the record (what its follow-up did to other records)
names its answer's serializers in ``transition_answers``.
"""

from functools import cache
from typing import ClassVar

from django.db.models import Model
from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.response import Response

from itsm.api import history as audit
from itsm.api.inputs import ApiErrorSerializer, CommentCreateSerializer, CommentSerializer
from itsm.api.pagination import CappedPageNumberPagination
from itsm.api.parsers import JSONParser
from itsm.api.schema import ApiSchema
from itsm.api.transitions import transition_action
from itsm.api.viewsets import ScopedViewSet
from itsm.records import CommentBase
from itsm.registry import record_type_for
from itsm.roles import is_agent

ERROR = OpenApiResponse(ApiErrorSerializer)
NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not found, or not yours to see.")
INVALID = OpenApiResponse(ApiErrorSerializer, description="`code` is `invalid`: see `errors`.")
WRITE_ERRORS = {400: INVALID, 403: ERROR, 404: NOT_FOUND, 409: ERROR}


@cache
def one_of(name: str, serializers: tuple):
    """The schema of an answer whose shape depends on the reader (requester or staff)."""
    if len(set(serializers)) == 1:
        return serializers[0]
    return PolymorphicProxySerializer(
        component_name=name, serializers=list(serializers), resource_type_field_name=None
    )


class RecordSchema(ApiSchema):
    """Requests and answers of the standard actions from the viewset's serializer pairs."""

    def _pair(self, attribute: str, suffix: str):
        view = type(self.view)
        return one_of(f"{view.model.__name__}{suffix}", getattr(view, attribute))

    def get_request_serializer(self):
        action_name = getattr(self.view, "action", None)
        if action_name == "create":
            return self._pair("create_serializers", "Create")
        if action_name == "partial_update":
            return self._pair("update_serializers", "Update")
        return super().get_request_serializer()

    def get_response_serializers(self):
        detail = self._pair("detail_serializers", "Detail")
        action_name = getattr(self.view, "action", None)
        if action_name == "list":
            return {200: self._pair("list_serializers", "ListItem"), 400: INVALID, 404: ERROR}
        if action_name == "retrieve":
            return {200: detail, 404: NOT_FOUND}
        if action_name == "create":
            return {201: detail, 400: INVALID, 403: ERROR}
        if action_name == "partial_update":
            return {200: detail, **WRITE_ERRORS}
        return super().get_response_serializers()


class RecordViewSet(mixins.ListModelMixin, ScopedViewSet):
    """The API of one record type.

    Subclasses set ``model`` and, as ``(requester shape, staff shape)`` pairs, the
    ``list_serializers``, ``detail_serializers``, ``create_serializers`` and
    ``update_serializers``; and implement :meth:`create_record` and :meth:`update_record`
    with the app's services. Reads use the staff shape for users the app's ``sees_all``
    names, writes for IT staff (agents).
    """

    model: type[Model]
    list_serializers: tuple
    detail_serializers: tuple
    create_serializers: tuple
    update_serializers: tuple
    # Fields requesters read that their history diffs still leave out.
    history_hidden_from_requesters: tuple[str, ...] = ()
    # Transition name -> (requester, staff) serializers of its answer, where the service
    # leaves a report on the record it returns; other transitions answer the detail.
    transition_answers: ClassVar[dict[str, tuple]] = {}

    parser_classes = [JSONParser]
    schema = RecordSchema()
    lookup_value_regex = "[0-9]+"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "model" not in cls.__dict__:
            return
        name = cls.model.__name__
        detail = one_of(f"{name}Detail", cls.detail_serializers)
        for transition in record_type_for(cls.model).workflow.offered_in("api"):
            if hasattr(cls, transition.name):
                raise TypeError(f"{cls.__name__}: transition {transition.name!r} hides a method")
            answers = cls.transition_answers.get(transition.name)
            camel = "".join(part.title() for part in transition.name.split("_"))
            response = one_of(f"{name}{camel}Answer", answers) if answers else detail
            endpoint = transition_action(transition, prefix=name, response=response)
            setattr(cls, transition.name, endpoint)

    # --- Who reads and writes ----------------------------------------------------------

    @property
    def record_type(self):
        return record_type_for(self.model)

    @property
    def staff(self) -> bool:
        """Reads: users who see the staff view of this record type get the staff shape."""
        return bool(self.record_type.sees_all(getattr(self.request, "user", None)))

    @property
    def agent(self) -> bool:
        """Writes: only IT staff get the staff write serializers."""
        return is_agent(getattr(self.request, "user", None))

    def get_queryset(self):
        return self.record_type.list_visible_to(user=self.request.user)

    def get_object(self):
        record = self.record_type.get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, record)
        return record

    def find_for_user(self, pk):
        """The record if the caller may see it, else None (no out-of-scope log: used to
        read back a write, which may take the record out of the writer's sight)."""
        return self.record_type.list_visible_to(user=self.request.user).filter(pk=pk).first()

    def get_serializer_class(self):
        if self.action == "list":
            return self.list_serializers[self.staff]
        if self.action == "create":
            return self.create_serializers[self.agent]
        if self.action == "partial_update":
            return self.update_serializers[self.agent]
        return self.detail_serializers[self.staff]

    # --- Helpers for actions -------------------------------------------------------------

    def _detail(self, record, code=status.HTTP_200_OK) -> Response:
        serializer_class = self.detail_serializers[self.staff]
        return Response(serializer_class(record, context=self.get_serializer_context()).data, code)

    def _reloaded(self, written, code=status.HTTP_200_OK) -> Response:
        """The record as a service wrote it, read back through the caller's selector.

        A write can take a record out of the caller's sight (an escalation to a group
        above theirs): the answer is then the service's copy, which shows what they just
        wrote, in their role's shape; their next read is a 404.
        """
        return self._detail(self.find_for_user(written.pk) or written, code)

    def _validated(self, serializer_class=None, **kwargs) -> dict:
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(
            data=self.request.data, context=self.get_serializer_context(), **kwargs
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    # --- Hooks for the app ---------------------------------------------------------------

    def create_record(self, data: dict):
        """Create a record from validated ``data`` through the app's service."""
        raise NotImplementedError

    def update_record(self, record, changes: dict, version: int):
        """Edit ``record`` with validated ``changes`` through the app's service."""
        raise NotImplementedError

    # --- Standard actions ----------------------------------------------------------------

    @property
    def allowed_methods(self):
        # PUT and DELETE have handlers only to answer 404 before 405; they are not allowed.
        return [m for m in super().allowed_methods if m not in ("PUT", "DELETE")]

    def retrieve(self, request, pk=None):
        return self._detail(self.get_object())

    @extend_schema(description="Unknown or protected keys are rejected (400), not ignored.")
    def create(self, request):
        return self._reloaded(self.create_record(self._validated()), status.HTTP_201_CREATED)

    @extend_schema(
        description="Edit fields. `version` is required; a stale one is a 409 "
        "`stale_version`. Keys you may not write (status and anything a transition sets) "
        "are rejected with a 400 naming them, and nothing changes."
    )
    def partial_update(self, request, pk=None):
        record = self.get_object()
        changes = self._validated(partial=True)
        version = changes.pop("version")
        return self._reloaded(self.update_record(record, changes, version))

    @extend_schema(exclude=True)
    def update(self, request, pk=None):
        self.get_object()
        raise MethodNotAllowed(request.method, detail="Change a record with PATCH.")

    @extend_schema(exclude=True)
    def destroy(self, request, pk=None):
        self.get_object()
        raise MethodNotAllowed(request.method, detail="Records are cancelled, not deleted.")

    def run_transition(self, transition, serializer_class) -> Response:
        """A transition endpoint: look the record up, check the body, call the service."""
        record = self.get_object()
        params = self._validated(serializer_class)
        written = self.record_type.transition(
            record_id=record.pk,
            name=transition.name,
            actor=self.request.user,
            expected_version=params.pop("version", None),
            **params,
        )
        answers = self.transition_answers.get(transition.name)
        if answers is None:
            return self._reloaded(written)
        # The service's own copy: the report it carries is not in the database to reload.
        context = self.get_serializer_context()
        return Response(answers[self.staff](written, context=context).data)

    # --- Comments and history ------------------------------------------------------------

    def comments_visible_to(self, record):
        """Comments the caller may read: staff read work notes too."""
        comments = record.comments.select_related("author")
        if self.staff:
            return comments
        return comments.filter(visibility=CommentBase.Visibility.PUBLIC)

    @extend_schema(
        methods=["GET"],
        responses={200: CommentSerializer(many=True), 404: NOT_FOUND},
        description="Comments you may read (requesters: public ones only), oldest first.",
    )
    @extend_schema(
        methods=["POST"],
        request=CommentCreateSerializer,
        responses={201: CommentSerializer, **WRITE_ERRORS},
        description="Add a comment; internal work notes are for IT staff only (403).",
    )
    @action(
        detail=True,
        methods=["get", "post"],
        filter_backends=[],
        pagination_class=CappedPageNumberPagination,
    )
    def comments(self, request, pk=None):
        record = self.get_object()
        if request.method == "POST":
            data = self._validated(CommentCreateSerializer)
            comment = self.record_type.comment_add(record_id=record.pk, actor=request.user, **data)
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(self.comments_visible_to(record))
        return self.get_paginated_response(CommentSerializer(page, many=True).data)

    def history_reader(self) -> audit.HistoryReader:
        serializer = self.detail_serializers[self.staff]
        hidden = () if self.staff else self.history_hidden_from_requesters
        fields = audit.diffed_fields(self.model, serializer.Meta.fields, hidden)
        return audit.HistoryReader(self.record_type.workflow, fields, staff=self.staff)

    @extend_schema(
        responses={200: audit.HistoryEntrySerializer(many=True), 404: NOT_FOUND},
        description="The audit trail, oldest first: each row with the fields it changed. "
        "Requesters see changes to the fields they can read only.",
    )
    @action(
        detail=True,
        methods=["get"],
        filter_backends=[],
        pagination_class=CappedPageNumberPagination,
    )
    def history(self, request, pk=None):
        record = self.get_object()
        rows = audit.history_rows(record)
        page = self.paginate_queryset(rows)
        previous = None
        if page and self.paginator.page.number > 1:
            previous = audit.row_before(rows, page[0])
        entries = self.history_reader().entries(page, previous)
        return self.get_paginated_response(audit.HistoryEntrySerializer(entries, many=True).data)
