"""Portal pages for service requests (thin: selectors to read, services to write).

The catalogue (by category, with search), an item's form drawn from its questions (it
works without JavaScript and keeps what was typed when the server finds errors; a small
script only hides questions whose condition is not met), "My requests", the request page
(the shared :class:`itsm.portal.records.RecordPortal`), and deciding from the shared
approvals inbox (``itsm.portal.approvals``) through the ``approve`` and ``reject``
transitions.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from itsm.errors import Refused
from itsm.keyset import InvalidCursor, keyset_page
from itsm.models import ConfigurationItem
from itsm.portal.records import RecordPortal, validation_messages
from itsm.registry import record_type_for
from requests_app import selectors, services
from requests_app.answers import raw_from_form, snapshot
from requests_app.choices import QuestionKind
from requests_app.forms import AttachForm, CommentForm, RequestForm, transition_form
from requests_app.models import LIST_ORDER, ServiceRequest
from requests_app.timeline import build_timeline
from requests_app.workflow import request_staff

PAGE_SIZE = 25
CHOICES_SHOWN = 500
DONE = {
    "confirm": "Thank you for confirming that you received {number}.",
    "cancel": "{number} is cancelled.",
    "approve": "You approved {number}.",
    "reject": "You rejected {number}.",
}


def portal() -> RecordPortal:
    return RecordPortal(
        record_type=record_type_for(ServiceRequest),
        namespace="requests_app",
        detail_template="requests_app/detail.html",
        record_name="service_request",
        transition_form=transition_form,
        comment_form=CommentForm,
        attach_form=AttachForm,
        done=DONE,
        timeline=lambda *, record, user: build_timeline(request=record, user=user),
        attachments_visible_to=lambda *, user, record: selectors.request_attachments_visible_to(
            user=user, request=record
        ),
        attachment_get_for_user=selectors.request_attachment_get_for_user,
        is_visible_to=selectors.request_is_visible_to,
        answers=("confirm",),
        context=_detail_context,
    )


def _detail_context(request, record) -> dict:
    return {
        "requester": request.user.pk in (record.requested_by_id, record.requested_for_id),
        "answers": _answer_rows(record),
        "tasks": list(record.tasks.select_related("group").order_by("order", "pk")),
    }


def _answer_rows(record) -> list[tuple[str, str]]:
    """(label, readable answer) for each stored answer, in the question order."""
    users = get_user_model().objects.in_bulk(
        [
            v
            for q in record.questions
            if q["kind"] == QuestionKind.USER
            for v in [record.answers.get(q["key"])]
            if v
        ]
    )
    items = ConfigurationItem.objects.in_bulk(
        [
            v
            for q in record.questions
            if q["kind"] == QuestionKind.CONFIGURATION_ITEM
            for v in [record.answers.get(q["key"])]
            if v
        ]
    )
    rows = []
    for question in record.questions:
        value = record.answers.get(question["key"])
        if value is None:
            continue
        if question["kind"] == QuestionKind.USER:
            found = users.get(value)
            value = (found.get_full_name() or found.get_username()) if found else value
        elif question["kind"] == QuestionKind.CONFIGURATION_ITEM:
            value = items.get(value, value)
        elif isinstance(value, bool):
            value = "Yes" if value else "No"
        elif isinstance(value, list):
            value = ", ".join(value)
        rows.append((question["label"], str(value)))
    return rows


# --- Catalogue ---------------------------------------------------------------------------


@login_required
def catalog(request):
    search = request.GET.get("q", "").strip()[:100]
    items = selectors.catalog_items_for(user=request.user)
    if search:
        items = items.filter(name__icontains=search) | items.filter(
            short_description__icontains=search
        )
    categories = {}
    for item in items.order_by("category__order", "category__name", "order", "name"):
        categories.setdefault(item.category, []).append(item)
    return render(
        request, "requests_app/catalog.html", {"categories": categories, "search": search}
    )


def _people_for(user) -> list[tuple[int, str]]:
    """Whom the user may request for besides themselves: reports, or anyone for the desk."""
    people = get_user_model().objects.filter(is_active=True).exclude(pk=user.pk)
    if not request_staff(user, None):
        people = people.filter(profile__manager=user)
    return [
        (u.pk, u.get_full_name() or u.get_username())
        for u in people.order_by("first_name", "username")[:CHOICES_SHOWN]
    ]


def _fields(questions, values, errors) -> list[dict]:
    users = []
    kinds = {q["kind"] for q in questions}
    if QuestionKind.USER in kinds:
        users = [
            (u.pk, u.get_full_name() or u.get_username())
            for u in get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name")[:CHOICES_SHOWN]
        ]
    cis = []
    if QuestionKind.CONFIGURATION_ITEM in kinds:
        cis = list(
            ConfigurationItem.objects.filter(is_active=True)
            .order_by("name")
            .values_list("pk", "name")[:CHOICES_SHOWN]
        )
    labels = {q["key"]: q["label"] for q in questions}
    fields = []
    for question in questions:
        key = question["key"]
        value = values.get(key)
        options = {QuestionKind.USER: users, QuestionKind.CONFIGURATION_ITEM: cis}.get(
            question["kind"], [(c, c) for c in question["choices"]]
        )
        condition = question.get("condition")
        fields.append(
            {
                **question,
                "name": f"q_{key}",
                "value": "" if value is None or isinstance(value, list) else str(value),
                "values": value if isinstance(value, list) else [],
                "options": [(str(v), label) for v, label in options],
                "error": errors.get(key, ""),
                "condition_label": labels.get(condition["key"], "") if condition else "",
            }
        )
    return fields


@login_required
def item(request, pk):
    found = selectors.catalog_item_for(user=request.user, pk=pk)
    questions = snapshot(list(found.questions.order_by("order", "pk")))
    people = _people_for(request.user)
    posted = request.method == "POST"
    form = RequestForm(request.POST if posted else None, people=people)
    values = raw_from_form(questions, request.POST) if posted else {}
    errors, status = {}, 200
    if posted and form.is_valid():
        try:
            created = services.request_submit(
                actor=request.user,
                item_id=found.pk,
                answers=values,
                requested_for=_person(form.cleaned_data.get("requested_for")),
                quantity=form.cleaned_data["quantity"],
            )
        except ValidationError as error:
            for field, texts in validation_messages(error).items():
                if field and field.startswith("answers."):
                    errors[field.removeprefix("answers.")] = " ".join(texts)
                else:
                    form.add_error(field if field in form.fields else None, " ".join(texts))
        except Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            messages.success(request, f"Thank you. Your request {created.number} was submitted.")
            return redirect(created)
    if posted:
        status = 400
    context = {
        "item": found,
        "form": form,
        "fields": _fields(questions, values, errors),
        "error_count": len(errors) + len(form.errors),
    }
    return render(request, "requests_app/item.html", context, status=status)


def _person(pk):
    return get_user_model().objects.filter(pk=pk, is_active=True).first() if pk else None


# --- My requests and the request page ------------------------------------------------------


@login_required
def request_list(request):
    rows = selectors.request_mine(user=request.user).select_related(None).select_related("item")
    rows = rows.order_by(*LIST_ORDER)
    try:
        page = keyset_page(rows, size=PAGE_SIZE, cursor=request.GET.get("cursor"))
    except InvalidCursor:
        page = keyset_page(rows, size=PAGE_SIZE)
    return render(request, "requests_app/list.html", {"page": page})
