"""The page of one process instance: its trail, the next steps this person may take, and override."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.definitions import ProcessDefinition, TransitionDef
from minyi.core.engine.steps import perform
from minyi.core.errors import ActionError
from minyi.core.http import current_person
from minyi.core.models import Event, Person, ProcessInstance
from minyi.core.process_forms import OverrideForm, transition_form_class
from minyi.core.roles import role_label
from minyi.core.scope import authorizing_grant


@dataclass(frozen=True)
class TrailEntry:
    event: Event
    label: str
    actor_text: str


@dataclass(frozen=True)
class StepForm:
    step: TransitionDef
    title: str
    form: forms.Form


def _title(title: Any) -> str:
    return title.en if get_language() == "en" else title.zh


def event_label(definition: ProcessDefinition, event: Event) -> str:
    """A step's title from the definition; platform steps (start, override, overdue) by name."""
    prefix = f"{definition.name}."
    if not event.action.startswith(prefix):
        return event.action
    name = event.action[len(prefix):]
    if name in definition.transitions:
        return _title(definition.transitions[name].title)
    return {
        "start": _("提交"),
        "override": _("管理员干预"),
        "overdue.remind": _("超期提醒"),
        "overdue.escalate": _("超期升级"),
        "overdue.transition": _("超期自动流转"),
    }.get(name, name)


def trail(instance: ProcessInstance, definition: ProcessDefinition, viewer: Person) -> list[TrailEntry]:
    """Every event of the subject, oldest first. Officials' names are shown only to officials."""
    events = (
        Event.objects.filter(subject_type=instance.subject_type, subject_id=instance.subject_id)
        .select_related("actor", "actor_unit")
        .order_by("seq")
    )
    show_names = viewer.has_perm("core.view_process_names", instance)
    entries = []
    for event in events:
        parts = [event.actor_unit.name if event.actor_unit else "", role_label(event.actor_role) if event.actor_role else ""]
        if event.actor is None:
            parts = [_("系统")]
        elif show_names:
            parts.append(str(event.actor))
        entries.append(TrailEntry(event, event_label(definition, event), " · ".join(p for p in parts if p)))
    return entries


def _context(request: HttpRequest, instance: ProcessInstance, bound: tuple[str, forms.Form] | None = None,
             override_form: OverrideForm | None = None) -> dict[str, Any]:
    definition = runtime.definition_of(instance)
    person = current_person(request)
    steps = []
    for step in runtime.available_transitions(instance, person):
        form = bound[1] if bound and bound[0] == step.name else transition_form_class(step)(prefix=step.name)
        steps.append(StepForm(step, _title(step.title), form))
    states = [(name, _title(state.title)) for name, state in definition.states.items()]
    can_override = person.has_perm("core.override_process", instance)
    return {
        "instance": instance,
        "definition_title": _title(definition.title),
        "state_title": _title(definition.states[instance.state].title),
        "trail": trail(instance, definition, person),
        "steps": steps,
        "can_override": can_override,
        "override_form": override_form or (OverrideForm(states=states) if can_override else None),
        "awaiting": [role_label(code) for code in runtime.unwrap_roles(instance.awaiting_roles)],
    }


def _visible_instance(request: HttpRequest, pk: int) -> ProcessInstance:
    instance = get_object_or_404(ProcessInstance.objects.select_related("unit"), pk=pk)
    if not request.user.has_perm("core.view_process", instance):
        raise PermissionDenied
    return instance


@login_required
def instance_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instance = _visible_instance(request, pk)
    return render(request, "core/process_instance.html", _context(request, instance))


@login_required
@require_POST
def instance_act(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    instance = _visible_instance(request, pk)
    definition = runtime.definition_of(instance)
    step = definition.transitions.get(name)
    if step is None:
        raise PermissionDenied
    form = transition_form_class(step)(request.POST, prefix=name)
    if form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason", "") or ""
        inputs = {key: value for key, value in data.items() if value not in (None, "")}
        try:
            perform(instance, name, person=current_person(request), inputs=inputs, reason=reason)
        except ActionError as error:
            form.add_error(error.details.get("field") if error.details.get("field") in form.fields else None,
                           error.message)
        else:
            messages.success(request, _("已办理：%(step)s") % {"step": _title(step.title)})
            return redirect("core:process_instance", pk=instance.pk)
    return render(request, "core/process_instance.html", _context(request, instance, bound=(name, form)), status=400)


@login_required
@require_POST
def instance_override(request: HttpRequest, pk: int) -> HttpResponse:
    instance = _visible_instance(request, pk)
    if not request.user.has_perm("core.override_process", instance):
        raise PermissionDenied
    definition = runtime.definition_of(instance)
    states = [(name, _title(state.title)) for name, state in definition.states.items()]
    form = OverrideForm(request.POST, states=states)
    if form.is_valid():
        try:
            runtime.override(instance, form.cleaned_data["to_state"], reason=form.cleaned_data["reason"],
                             actor=_admin_actor(current_person(request), instance))
        except ActionError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("已干预流程状态"))
            return redirect("core:process_instance", pk=instance.pk)
    return render(request, "core/process_instance.html", _context(request, instance, override_form=form), status=400)


def _admin_actor(person: Person, instance: ProcessInstance) -> Actor:
    grant = authorizing_grant(person, "admin", instance.unit)
    return Actor(person=person, role="admin", unit=grant.unit if grant else None)
