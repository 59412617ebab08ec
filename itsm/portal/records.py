"""The portal pages every record type shares: the record page, its transition buttons and
forms, comments, attachments and watching.

A record app describes its pages once with a :class:`RecordPortal` (its registered
record type, its templates, forms and messages) and routes its URLs, named as in
:data:`URL_NAMES` in its namespace, to the portal's methods. Its record template extends
``itsm/record/detail.html`` and fills the blocks (badges, details, sections above the
work). Which transitions the page offers comes from the table: every transition the
workflow offers in the portal (``Workflow.offered_in("portal")``) that the user may run
now; the app names only the ones that are the requester's answer (shown apart from the
staff's work). A transition without input is a one-click button, one with input gets its
form. Every view loads the record through the app's ``get_for_user`` selector, so a
record outside the user's scope is a 404 for reads and writes alike.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from itsm.attachments import download_response
from itsm.errors import Refused
from itsm.registry import RecordType
from itsm.roles import is_agent

CORRECT_BELOW = "Please correct the errors below."
# The URL names (in the app's namespace) the shared templates link to.
URL_NAMES = ("list", "detail", "transition", "comment", "attach", "attachment", "watch")


def validation_messages(error: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError as {field or None: [messages]}."""
    if hasattr(error, "error_dict"):
        return {
            field: [m for e in errors for m in e.messages]
            for field, errors in error.error_dict.items()
        }
    return {None: error.messages}


def add_errors(form, error: ValidationError) -> None:
    for field, texts in validation_messages(error).items():
        for text in texts:
            form.add_error(field if field in form.fields else None, text)


def call_service(form, call) -> int | None:
    """Run a service call; on refusal put its errors on ``form`` and return the status."""
    try:
        call()
    except ValidationError as error:
        add_errors(form, error)
        return 400
    except Refused as refused:
        form.add_error(None, refused.message)
        return refused.status
    return None


def _asks_input(transition) -> bool:
    return bool(transition.inputs) or transition.needs_reason


@dataclass(frozen=True)
class RecordPortal:
    """The portal pages of one record type.

    ``transition_form(name, record=None, data=None)`` returns the form of a transition
    (with the record's version; ``params()`` gives the service's keyword arguments);
    ``done`` maps a transition to its success message (``{number}`` is the record's);
    ``answers`` names the transitions that are the requester's answer;
    ``context(request, record)`` adds what the app's record template needs;
    ``timeline(record=, user=)``, ``attachments_visible_to(user=, record=)``,
    ``attachment_get_for_user(user=, pk=)`` and ``is_visible_to(user=, pk=)`` are its
    selectors.
    """

    record_type: RecordType
    namespace: str
    detail_template: str
    record_name: str
    transition_form: Callable
    comment_form: Callable
    attach_form: Callable
    done: dict[str, str]
    timeline: Callable
    attachments_visible_to: Callable
    attachment_get_for_user: Callable
    is_visible_to: Callable
    answers: tuple[str, ...] = ()
    context: Callable = lambda request, record: {}
    answered: Callable = lambda record: False

    # --- The record page -------------------------------------------------------------------

    def offered(self, record, user) -> list:
        """The table's portal transitions that ``user`` may run on ``record`` now."""
        workflow = self.record_type.workflow
        portal = {t.name for t in workflow.offered_in("portal")}
        available = [t for t in workflow.available(record, user) if t.name in portal]
        if self.answered(record):
            available = [t for t in available if t.name not in self.answers]
        return available

    def render_record(self, request, record, *, status=200, bound=None):
        """The record page; ``bound`` holds a submitted form to show with its errors.

        IT staff (``is_agent``) get the work section and may write work notes.
        """
        user, bound = request.user, bound or {}
        staff, workflow = is_agent(user), self.record_type.workflow

        def form_for(name):
            return bound.get(name) or self.transition_form(name, record)

        offered = self.offered(record, user)
        work = [t for t in offered if t.name not in self.answers]
        context = {
            self.record_name: record,
            "record": record,
            "staff": staff,
            "timeline": self.timeline(record=record, user=user),
            "attachments": self.attachments_visible_to(user=user, record=record),
            "open_for_input": getattr(record, workflow.field) not in workflow.terminal,
            "comment_form": bound.get("comment") or self.comment_form(staff=staff),
            "attach_form": bound.get("attach") or self.attach_form(),
            "watching": record.watchers.filter(pk=user.pk).exists(),
            "urls": {view: f"{self.namespace}:{view}" for view in URL_NAMES},
            "record_label": record._meta.verbose_name,
            "requester_forms": {
                t.name: form_for(t.name) for t in offered if t.name in self.answers
            },
            "buttons": [(t, form_for(t.name)) for t in work if not _asks_input(t)],
            "staff_forms": {t.name: form_for(t.name) for t in work if _asks_input(t)},
            **self.context(request, record),
        }
        return render(request, self.detail_template, context, status=status)

    def _url(self, record, anchor: str = "") -> str:
        return record.get_absolute_url() + (f"#{anchor}" if anchor else "")

    def _get(self, request, pk):
        return self.record_type.get_for_user(user=request.user, pk=pk)

    # --- Views (login and method checks are the app's URL wrappers' job) --------------------

    def detail(self, request, pk):
        return self.render_record(request, self._get(request, pk))

    def transition(self, request, pk, name):
        record = self._get(request, pk)
        if name not in {t.name for t in self.record_type.workflow.offered_in("portal")}:
            raise Http404("No such action.")
        anchor = "resolution" if name in self.answers else "actions"
        form = self.transition_form(name, data=request.POST)
        if not form.is_valid():
            messages.error(request, CORRECT_BELOW)
            return self.render_record(request, record, status=400, bound={name: form})
        try:
            self.record_type.transition(
                record_id=record.pk,
                name=name,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
                **form.params(),
            )
        except Refused as refused:
            if refused.field in form.fields:
                form.add_error(refused.field, refused.message)
                messages.error(request, CORRECT_BELOW)
                return self.render_record(
                    request, record, status=refused.status, bound={name: form}
                )
            messages.error(request, refused.message)
            return redirect(self._url(record, anchor))
        messages.success(request, self.done[name].format(number=record.number))
        if not self.is_visible_to(user=request.user, pk=record.pk):
            # A restricted record escalated past the user's group: its page is a 404 now.
            return redirect(f"{self.namespace}:list")
        return redirect(self._url(record, anchor))

    def comment(self, request, pk):
        record = self._get(request, pk)
        form = self.comment_form(request.POST, staff=is_agent(request.user))
        status = 400
        if form.is_valid():
            status = call_service(
                form,
                lambda: self.record_type.comment_add(
                    record_id=record.pk,
                    actor=request.user,
                    body=form.cleaned_data["body"],
                    visibility=form.cleaned_data["visibility"],
                ),
            )
        if status is None:
            messages.success(request, "Your comment was added.")
            return redirect(self._url(record, "timeline"))
        return self.render_record(request, record, status=status, bound={"comment": form})

    def attach(self, request, pk):
        record = self._get(request, pk)
        form = self.attach_form(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            status = call_service(
                form,
                lambda: self.record_type.attachment_add(
                    record_id=record.pk, actor=request.user, upload=form.cleaned_data["file"]
                ),
            )
        if status is None:
            messages.success(request, "The file was attached.")
            return redirect(self._url(record, "attachments"))
        return self.render_record(request, record, status=status, bound={"attach": form})

    def attachment_download(self, request, pk):
        return download_response(self.attachment_get_for_user(user=request.user, pk=pk))

    def watch(self, request, pk):
        record = self._get(request, pk)
        watching = request.POST.get("watching") == "1"
        self.record_type.watch(record_id=record.pk, actor=request.user, watching=watching)
        if watching:
            messages.success(request, f"You are now watching {record.number}.")
        else:
            messages.success(request, f"You stopped watching {record.number}.")
            if not self.is_visible_to(user=request.user, pk=record.pk):
                return redirect(f"{self.namespace}:list")
        return redirect(record)


def record_urls(portal: Callable[[], RecordPortal]) -> list:
    """The URLs of a record page and what it posts (detail, comment, attach, watch,
    transition, attachment download) for an app's ``urlpatterns``; ``portal()`` builds
    the app's :class:`RecordPortal` when a request comes."""

    def view(method: str, *, post: bool = True):
        def handle(request, **kwargs):
            return getattr(portal(), method)(request, **kwargs)

        return login_required(require_POST(handle) if post else handle)

    return [
        path("<int:pk>/", view("detail", post=False), name="detail"),
        path("<int:pk>/comment/", view("comment"), name="comment"),
        path("<int:pk>/attach/", view("attach"), name="attach"),
        path("<int:pk>/watch/", view("watch"), name="watch"),
        path("<int:pk>/transition/<slug:name>/", view("transition"), name="transition"),
        path("attachments/<uuid:pk>/", view("attachment_download", post=False), name="attachment"),
    ]
