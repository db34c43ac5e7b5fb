"""Suggestion-process steps taken from the generic process page go through the same actions (V5).

Imported at start-up (VoicesConfig.ready) so `minyi.core.engine.steps.perform` finds them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.engine import steps
from minyi.core.errors import ActionError
from minyi.core.models import ProcessInstance, Unit
from minyi.voices.actions.suggestions import (
    PROCESS,
    ConsultationInput,
    do_assign_suggestion,
    do_close_suggestion,
    do_follow_up_suggestion,
    do_rate_suggestion,
    do_record_consultation,
    do_reply_suggestion,
    do_return_suggestion,
)
from minyi.voices.models import Voice


def _voice_of(instance: ProcessInstance) -> Voice:
    return Voice.objects.get(pk=int(instance.subject_id))


def _perform_assign(
    instance: ProcessInstance, *, inputs: Mapping[str, Any], reason: str, actor: Actor
) -> None:
    department = Unit.objects.filter(pk=inputs.get("lead_department") or 0).first()
    if department is None:
        raise ActionError("input_required", _("请选择承办单位"), {"field": "lead_department"})
    due = inputs.get("due_days")
    do_assign_suggestion(_voice_of(instance), department, actor=actor, due_days=int(due) if due else None)


def _perform_consult(
    instance: ProcessInstance, *, inputs: Mapping[str, Any], reason: str, actor: Actor
) -> None:
    try:
        held_at = dt.datetime.fromisoformat(str(inputs.get("held_at", "")).strip())
    except ValueError:
        raise ActionError("held_at_invalid", _("面商时间无效"), {"field": "held_at"}) from None
    if timezone.is_naive(held_at):
        held_at = timezone.make_aware(held_at)
    present = str(inputs.get("proposer_present", "true")).lower() not in {"false", "0", "no", "off"}
    do_record_consultation(
        _voice_of(instance),
        ConsultationInput(
            held_at=held_at,
            place=str(inputs.get("place", "")),
            proposer_present=present,
            department_attendees=str(inputs.get("department_attendees", "")),
            notes=str(inputs.get("notes", "")),
        ),
        actor=actor,
    )


def _perform_reply(
    instance: ProcessInstance, *, inputs: Mapping[str, Any], reason: str, actor: Actor
) -> None:
    do_reply_suggestion(
        _voice_of(instance),
        actor=actor,
        reply=str(inputs.get("reply", "")),
        resolution=str(inputs.get("resolution", "")),
        no_consultation_reason=reason,
    )


def _perform_rate(instance: ProcessInstance, *, inputs: Mapping[str, Any], reason: str, actor: Actor) -> None:
    do_rate_suggestion(
        _voice_of(instance),
        actor=actor,
        satisfaction=str(inputs.get("satisfaction", "")),
        comment=str(inputs.get("comment", "")),
    )


steps.register_step(PROCESS, "assign", _perform_assign)
steps.register_step(
    PROCESS,
    "return_for_reassignment",
    lambda instance, *, inputs, reason, actor: do_return_suggestion(
        _voice_of(instance), actor=actor, reason=reason
    ),
)
steps.register_step(PROCESS, "consult", _perform_consult)
steps.register_step(PROCESS, "reply", _perform_reply)
steps.register_step(PROCESS, "reply_without_consultation", _perform_reply)
steps.register_step(PROCESS, "rate", _perform_rate)
steps.register_step(
    PROCESS,
    "follow_up",
    lambda instance, *, inputs, reason, actor: do_follow_up_suggestion(
        _voice_of(instance), actor=actor, reason=reason
    ),
)
steps.register_step(
    PROCESS,
    "close",
    lambda instance, *, inputs, reason, actor: do_close_suggestion(_voice_of(instance), actor=actor),
)
