"""Pages: the handler's workbench (inbox, bulk, item page, supervision) and the publicity board (V2–V4).

Every read goes through `visible_voices`; every step goes through `steps.perform`, which calls the
registered voice actions (minyi/voices/actions/register.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minyi.core.apiutil.actors import actor_in_role
from minyi.core.engine import runtime
from minyi.core.engine.labels import localized
from minyi.core.engine.registry import current_definition
from minyi.core.engine.steps import perform
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Attachment, Channel, Person
from minyi.core.models.units import UnitKind
from minyi.core.paging import CappedPaginator
from minyi.core.scope import units_in_scope
from minyi.voices.actions.notes import do_add_note
from minyi.voices.actions.supervision import do_end_supervision, do_supervise
from minyi.voices.actions.transparency import do_publish_voice, do_unpublish_voice
from minyi.voices.models import Supervision, Voice
from minyi.voices.predicates import handling_instance
from minyi.voices.queries import (
    HANDLER_ROLES,
    PROCESS,
    SUPERVISING_ROLES,
    TERRITORIAL_ROLES,
    filter_by_instance,
    visible_voices,
    with_handling,
)
from minyi.voices.trail import build_trail, masked_public_voice
from minyi.voices.views.handling_forms import (
    BulkForm,
    InboxFilters,
    NoteForm,
    SuperviseForm,
    step_form_class,
    step_inputs,
)

INBOX_PAGE_SIZE = 30
BOARD_PAGE_SIZE = 20


def _states() -> list[tuple[str, str]]:
    definition = current_definition(PROCESS)
    return [(name, localized(state.title)) for name, state in definition.states.items()]


def _state_titles() -> dict[str, str]:
    return dict(_states())


def _open_only(data: dict[str, Any]) -> bool:
    """Open items only (the inbox's default) unless closed ones are asked for, by the checkbox or by
    choosing a final state."""
    if data.get("include_closed"):
        return False
    state = current_definition(PROCESS).states.get(data.get("state") or "")
    return state is None or not state.final


def filtered_inbox(person: Person, filters: InboxFilters) -> QuerySet[Voice]:
    """The inbox: visible items, open ones only unless the filters include closed ones, overdue first."""
    now = timezone.now()
    if filters.is_bound and not filters.is_valid():
        return Voice.objects.none()
    data = filters.cleaned_data if filters.is_bound else {}
    queryset = with_handling(
        visible_voices(person, open_only=_open_only(data), read_ids=True), now
    ).select_related("category", "channel", "unit")
    if data.get("state"):
        queryset = filter_by_instance(queryset, Q(state=data["state"]))
    if data.get("overdue"):
        queryset = queryset.filter(is_overdue=True)  # type: ignore[misc]  # annotated by with_handling
    if data.get("supervised"):
        queryset = queryset.filter(is_supervised=True)
    if data.get("channel"):
        queryset = queryset.filter(channel__code=data["channel"])
    if data.get("category"):
        queryset = queryset.filter(category=data["category"])
    if data.get("unit"):
        text = data["unit"]
        queryset = queryset.filter(
            Q(unit__name__contains=text)
            | Q(pk__in=filter_by_instance(Voice.objects.all(), Q(unit__name__contains=text)).values("pk"))
        )
    if data.get("q"):
        text = data["q"]
        queryset = queryset.filter(
            Q(title__contains=text) | Q(content__contains=text) | Q(tracking_code__iexact=text)
        )
    return queryset.order_by(
        F("is_overdue").desc(), F("process_deadline").asc(nulls_last=True), "-created_at", "-pk"
    )


def _departments_for_bulk(person: Person) -> QuerySet[Any]:
    from minyi.core.models import Unit

    return Unit.objects.filter(
        units_in_scope(person, "district_staff"), kind=UnitKind.DEPARTMENT, is_active=True
    ).order_by("path")


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    if not person.has_perm("voices.use_inbox"):
        raise PermissionDenied
    channels = [
        (c.code, c.name) for c in Channel.objects.filter(is_active=True).order_by("sort_order", "code")
    ]
    filters = InboxFilters(request.GET or None, states=_states(), channels=channels)
    page = Paginator(filtered_inbox(person, filters), INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "voices/handling/inbox.html",
        {
            "filters": filters,
            "page": page,
            "state_titles": _state_titles(),
            "query": query.urlencode(),
            "can_bulk": person.has_perm("voices.add_note"),
            "departments": _departments_for_bulk(person),
        },
    )


@dataclass
class BulkOutcome:
    voice_id: int
    label: str
    error: str = ""


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Accept or assign several items at once, each through its step action; all or nothing."""
    person = current_person(request)
    form = BulkForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("请选择事项和批量操作")
            + "："
            + "；".join(str(e) for errors in form.errors.values() for e in errors),
        )
        return redirect("voices:inbox")
    action = form.cleaned_data["action"]
    department = form.cleaned_data.get("lead_department")
    chosen = list(dict.fromkeys(form.cleaned_data["voices"]))
    voices = {v.pk: v for v in visible_voices(person).filter(pk__in=chosen)}
    outcomes: list[BulkOutcome] = []
    with transaction.atomic():
        for voice_id in chosen:
            voice = voices.get(voice_id)
            if voice is None:
                outcomes.append(BulkOutcome(voice_id, f"#{voice_id}", _("找不到该事项或无权查看")))
                continue
            instance = handling_instance(voice)
            inputs = {"lead_department": department.pk} if action == "assign" and department else {}
            try:
                with transaction.atomic():
                    if instance is None:
                        raise ActionError("no_process", _("该事项没有办理流程"))
                    perform(instance, action, person=person, inputs=inputs, reason="")
            except ActionError as error:
                outcomes.append(BulkOutcome(voice_id, voice.tracking_code, error.message))
            else:
                outcomes.append(BulkOutcome(voice_id, voice.tracking_code))
        failed = [o for o in outcomes if o.error]
        if failed:
            transaction.set_rollback(True)
    if failed:
        messages.error(
            request,
            _("批量操作未执行（全部撤回），以下事项不能办理：")
            + "；".join(f"{o.label}：{o.error}" for o in failed),
        )
    else:
        messages.success(request, _("已批量办理 %(n)d 件事项") % {"n": len(outcomes)})
    return redirect("voices:inbox")


@dataclass
class StepForm:
    name: str
    title: str
    form: forms.Form


def _visible_voice(request: HttpRequest, pk: int) -> Voice:
    person = current_person(request)
    voice = get_object_or_404(
        Voice.objects.select_related("category", "channel", "unit", "lead_department", "duplicate_of"), pk=pk
    )
    if not person.has_perm("voices.view_voice", voice):
        raise Http404
    return voice


def _item_context(
    request: HttpRequest,
    voice: Voice,
    bound: tuple[str, forms.Form] | None = None,
    note_form: NoteForm | None = None,
    supervise_form: SuperviseForm | None = None,
) -> dict[str, Any]:
    person = current_person(request)
    instance = handling_instance(voice)
    steps: list[StepForm] = []
    state_title, deadline = "", None
    if instance is not None:
        definition = runtime.definition_of(instance)
        state_title = localized(definition.states[instance.state].title)
        for step in runtime.available_transitions(instance, person):
            form = (
                bound[1]
                if bound and bound[0] == step.name
                else step_form_class(step, instance)(prefix=step.name)
            )
            steps.append(StepForm(step.name, localized(step.title), form))
        from minyi.core.workbench import deadline_status

        deadline = deadline_status(instance, timezone.now()) if not instance.is_final else None
    can_supervise = person.has_perm("voices.supervise_voice", voice) and voice.closed_at is None
    can_note = person.has_perm("voices.add_note", voice)
    return {
        "voice": voice,
        "instance": instance,
        "state_title": state_title,
        "deadline": deadline,
        "show_contact": person.has_perm("voices.view_contact", voice),
        "is_official": person.has_perm("voices.view_names", voice),
        "photos": Attachment.objects.filter(subject_type="voices.voice", subject_id=str(voice.pk)),
        "trail": build_trail(voice, show_names=person.has_perm("voices.view_names", voice)),
        "co_handlers": voice.co_handlers.select_related("unit"),
        "notes": voice.notes.select_related("author", "unit")
        if can_note or person.has_perm("voices.view_names", voice)
        else [],
        "supervisions": voice.supervisions.select_related("supervisor", "unit"),
        "steps": steps,
        "can_note": can_note,
        "note_form": note_form or NoteForm(),
        "can_supervise": can_supervise,
        "supervise_form": supervise_form or SuperviseForm(),
        "can_publish": person.has_perm("voices.publish_voice", voice) and voice.wants_public,
    }


@login_required
def item(request: HttpRequest, pk: int) -> HttpResponse:
    voice = _visible_voice(request, pk)
    return render(request, "voices/handling/item.html", _item_context(request, voice))


@login_required
@require_POST
def item_step(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    voice = _visible_voice(request, pk)
    instance = handling_instance(voice)
    if instance is None:
        raise Http404
    step = runtime.definition_of(instance).transitions.get(name)
    if step is None:
        raise Http404
    form = step_form_class(step, instance)(request.POST, prefix=name)
    if form.is_valid():
        inputs, reason = step_inputs(form)
        try:
            perform(instance, name, person=current_person(request), inputs=inputs, reason=reason)
        except ActionError as error:
            field = error.details.get("field")
            form.add_error(field if field in form.fields else None, error.message)
        else:
            messages.success(request, _("已办理：%(step)s") % {"step": localized(step.title)})
            return redirect("voices:item", pk=voice.pk)
    context = _item_context(request, voice, bound=(name, form))
    if not any(s.name == name for s in context["steps"]):
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    return render(request, "voices/handling/item.html", context, status=400)


@login_required
@require_POST
def add_note(request: HttpRequest, pk: int) -> HttpResponse:
    voice = _visible_voice(request, pk)
    person = current_person(request)
    form = NoteForm(request.POST)
    if form.is_valid():
        unit = handling_instance(voice)
        actor = actor_in_role(person, HANDLER_ROLES, unit.unit if unit else voice.unit)
        if actor.unit is None and voice.lead_department is not None:
            actor = actor_in_role(person, HANDLER_ROLES, voice.lead_department)
        try:
            do_add_note(voice, actor=actor, text=form.cleaned_data["text"])
        except ActionError as error:
            form.add_error("text", error.message)
        else:
            messages.success(request, _("已记录办理情况"))
            return redirect("voices:item", pk=voice.pk)
    return render(
        request, "voices/handling/item.html", _item_context(request, voice, note_form=form), status=400
    )


@login_required
@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    voice = _visible_voice(request, pk)
    person = current_person(request)
    if not person.has_perm("voices.supervise_voice", voice):
        raise PermissionDenied
    form = SuperviseForm(request.POST)
    if form.is_valid():
        unit = handling_instance(voice)
        actor = actor_in_role(person, SUPERVISING_ROLES, voice.unit)
        if actor.unit is None and unit is not None:
            actor = actor_in_role(person, SUPERVISING_ROLES, unit.unit)
        try:
            do_supervise(voice, actor=actor, note=form.cleaned_data["note"])
        except ActionError as error:
            form.add_error("note", error.message)
        else:
            messages.success(request, _("已督办"))
            return redirect("voices:item", pk=voice.pk)
    return render(
        request, "voices/handling/item.html", _item_context(request, voice, supervise_form=form), status=400
    )


@login_required
@require_POST
def end_supervision(request: HttpRequest, pk: int) -> HttpResponse:
    supervision = get_object_or_404(Supervision.objects.select_related("voice"), pk=pk)
    voice = _visible_voice(request, supervision.voice_id)
    person = current_person(request)
    try:
        do_end_supervision(supervision, actor=actor_in_role(person, SUPERVISING_ROLES, voice.unit))
    except ActionError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("已结束督办"))
    return redirect("voices:item", pk=voice.pk)


@login_required
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    voice = _visible_voice(request, pk)
    person = current_person(request)
    actor = actor_in_role(person, TERRITORIAL_ROLES, voice.unit)
    try:
        if request.POST.get("publish") == "0":
            do_unpublish_voice(voice, actor=actor, reason=request.POST.get("reason", ""))
            messages.success(request, _("已撤下公示"))
        else:
            do_publish_voice(voice, actor=actor)
            messages.success(request, _("已在公示栏公示"))
    except ActionError as error:
        messages.error(request, error.message)
    return redirect("voices:item", pk=voice.pk)


def _published() -> QuerySet[Voice]:
    return Voice.objects.filter(is_published=True, wants_public=True).select_related("category", "unit")


def board(request: HttpRequest) -> HttpResponse:
    """The portal's publicity board (公示栏): published items, personal data masked."""
    queryset = with_handling(_published(), timezone.now()).order_by("-created_at", "-pk")
    page = CappedPaginator(queryset, BOARD_PAGE_SIZE).get_page(request.GET.get("page"))
    titles = _state_titles()
    rows = [masked_public_voice(voice, titles) for voice in page.object_list]
    return render(request, "voices/handling/board.html", {"page": page, "rows": rows})


def public_item(request: HttpRequest, tracking_code: str) -> HttpResponse:
    voice = get_object_or_404(with_handling(_published(), timezone.now()), tracking_code=tracking_code)
    return render(
        request,
        "voices/handling/public_item.html",
        {
            "row": masked_public_voice(voice, _state_titles()),
            "trail": build_trail(voice, show_names=False, public=True),
        },
    )


urlpatterns = [
    path("inbox/", inbox, name="inbox"),
    path("inbox/bulk/", bulk, name="bulk"),
    path("items/<int:pk>/", item, name="item"),
    path("items/<int:pk>/steps/<slug:name>/", item_step, name="item_step"),
    path("items/<int:pk>/notes/", add_note, name="add_note"),
    path("items/<int:pk>/supervise/", supervise, name="supervise"),
    path("items/<int:pk>/publish/", publish, name="publish"),
    path("supervisions/<int:pk>/end/", end_supervision, name="end_supervision"),
    path("board/", board, name="board"),
    path("board/<str:tracking_code>/", public_item, name="public_item"),
]
