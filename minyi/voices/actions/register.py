"""Step performers for the `voice` process (see minyi.core.engine.steps.register_step).

The generic process page, the voices pages and the API all take voice steps through
`steps.perform`, which calls these, so no page can bypass an action's business effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.engine.steps import register_step
from minyi.core.errors import ActionError
from minyi.core.models import ProcessInstance, Unit
from minyi.voices.actions import handling
from minyi.voices.models import Voice
from minyi.voices.queries import PROCESS

Performer = Callable[..., Any]


def _voice(instance: ProcessInstance) -> Voice:
    return Voice.objects.get(pk=int(instance.subject_id))


def _unit(value: object, field: str) -> Unit:
    if isinstance(value, Unit):
        return value
    try:
        return Unit.objects.get(pk=int(str(value)))
    except (Unit.DoesNotExist, ValueError):
        raise ActionError("input_invalid", _("找不到所选单位"), {"field": field}) from None


def _optional_int(value: object, field: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise ActionError("input_invalid", _("请输入整数"), {"field": field}) from None


def _text(inputs: Mapping[str, object], name: str) -> str:
    value = inputs.get(name)
    return "" if value is None else str(value)


def _perform_assign(
    instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor
) -> Any:
    if inputs.get("lead_department") in (None, ""):
        raise ActionError("input_required", _("请选择牵头单位"), {"field": "lead_department"})
    raw_co = inputs.get("co_handlers") or []
    co_values = raw_co if isinstance(raw_co, list | tuple) else [raw_co]
    return handling.do_assign(
        _voice(instance),
        actor=actor,
        lead_department=_unit(inputs["lead_department"], "lead_department"),
        co_handlers=[_unit(value, "co_handlers") for value in co_values],
        due_days=_optional_int(inputs.get("due_days"), "due_days"),
        reason=reason,
    )


def _simple(action: Callable[..., Any]) -> Performer:
    def perform(instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor) -> Any:
        return action(_voice(instance), actor=actor, reason=reason)

    return perform


def _perform_reply(instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor) -> Any:
    return handling.do_reply(
        _voice(instance),
        actor=actor,
        reply=_text(inputs, "reply"),
        resolution=_text(inputs, "resolution"),
        reason=reason,
    )


def _perform_feedback(
    instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor
) -> Any:
    return handling.do_feedback(
        _voice(instance),
        actor=actor,
        satisfaction=_text(inputs, "satisfaction"),
        comment=_text(inputs, "comment"),
        reason=reason,
    )


def _perform_merge(instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor) -> Any:
    return handling.do_merge(_voice(instance), actor=actor, original=_text(inputs, "original"), reason=reason)


PERFORMERS: dict[str, Performer] = {
    "accept": _simple(handling.do_accept),
    "take_at_township": _simple(handling.do_take_at_township),
    "escalate_to_township": _simple(handling.do_escalate_to_township),
    "escalate_to_district": _simple(handling.do_escalate_to_district),
    "assign": _perform_assign,
    "return_to_community": _simple(handling.do_return_to_community),
    "return_to_township": _simple(handling.do_return_to_township),
    "return_to_district": _simple(handling.do_return_to_district),
    "reply": _perform_reply,
    "feedback": _perform_feedback,
    "reopen": _simple(handling.do_reopen),
    "decline": _simple(handling.do_decline),
    "merge": _perform_merge,
}

for _name, _performer in PERFORMERS.items():
    register_step(PROCESS, _name, _performer)
