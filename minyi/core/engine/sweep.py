"""The periodic sweep: apply the overdue steps that have come due to open instances past their deadline.

Step i of a state's `overdue` list is due `after` it the previous step's due moment (the first one
counts from the deadline; no `after` means at the same moment). `overdue_steps_applied` records how
many have been applied, so a second sweep applies nothing twice. Each step is recorded as an event
by the system actor, inside one transaction per instance.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.calendar import deadline_after
from minyi.core.engine.definitions import ESCALATE_PARENT, OverdueStep, ProcessDefinition
from minyi.core.engine.runtime import (
    STATE_FIELDS,
    definition_of,
    enter_state,
    responsible_people,
    subject_of,
    unwrap_roles,
    wrap_roles,
)
from minyi.core.engine.runtime import (
    now as engine_now,
)
from minyi.core.models import ProcessInstance, Unit
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.core.roles import RELATIONAL_ROLE_BY_CODE

logger = logging.getLogger(__name__)


@dataclass
class SweepReport:
    examined: int = 0
    reminded: int = 0
    escalated: int = 0
    transitioned: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def applied(self) -> int:
        return self.reminded + self.escalated + self.transitioned


def step_due_times(deadline_at: dt.datetime, steps: tuple[OverdueStep, ...]) -> list[dt.datetime]:
    due: list[dt.datetime] = []
    moment = deadline_at
    for step in steps:
        if step.after is not None:
            moment = deadline_after(moment, step.after.days, step.after.calendar)
        due.append(moment)
    return due


def escalation_unit(unit: Unit, to_unit: str) -> Unit | None:
    """The unit an escalation moves to, or None when there is none above (the instance stays)."""
    if not to_unit:
        return None
    ancestors = list(unit.ancestors_and_self().exclude(pk=unit.pk).order_by("-depth"))
    if to_unit == ESCALATE_PARENT:
        return ancestors[0] if ancestors else None
    return next((u for u in ancestors if u.kind == to_unit), None)


def _apply_step(
    instance: ProcessInstance,
    definition: ProcessDefinition,
    step: OverdueStep,
    index: int,
    at: dt.datetime,
    report: SweepReport,
) -> None:
    system = Actor.system()
    subject = subject_of(instance)
    state_title = definition.states[instance.state].title.zh
    action = f"{definition.name}.overdue.{step.kind}"
    data: dict[str, object] = {"instance": instance.pk, "state": instance.state, "step": index}
    url = ""
    if step.kind == "remind":
        people = responsible_people(instance, subject)
        notify(
            people,
            kind="process.remind",
            url=url,
            title=_("待办超期提醒：%(title)s") % {"title": instance.title},
            body=_("“%(state)s”已超过办理时限，请尽快办理。") % {"state": state_title},
        )
        data["notified"] = [person.pk for person in people]
        instance.overdue_steps_applied = index + 1
        instance.save(update_fields=["overdue_steps_applied", "updated_at"])
        report.reminded += 1
    elif step.kind == "escalate":
        data["from_unit"] = instance.unit_id
        target = escalation_unit(instance.unit, step.to_unit)
        if target is not None:
            instance.unit = target
        if step.to_role:
            relational = [r for r in unwrap_roles(instance.awaiting_roles) if r in RELATIONAL_ROLE_BY_CODE]
            instance.awaiting_roles = wrap_roles([*relational, step.to_role])
        instance.overdue_steps_applied = index + 1
        instance.save(update_fields=["unit", "awaiting_roles", "overdue_steps_applied", "updated_at"])
        people = responsible_people(instance, subject)
        notify(
            people,
            kind="process.escalate",
            url=url,
            title=_("超期事项已上交：%(title)s") % {"title": instance.title},
            body=_("“%(state)s”超过办理时限，已转由您办理。") % {"state": state_title},
        )
        data.update(
            to_unit=instance.unit_id,
            awaiting_roles=unwrap_roles(instance.awaiting_roles),
            notified=[person.pk for person in people],
        )
        report.escalated += 1
    else:
        data.update({"from": instance.state, "to": step.to_state})
        enter_state(instance, definition, step.to_state, at)
        instance.save(update_fields=STATE_FIELDS)
        report.transitioned += 1
    record_event(
        actor=system,
        action=action,
        subject=subject or instance,
        unit=instance.unit,
        public=definition.public,
        data=data,
    )


def sweep_instance(instance_pk: int, at: dt.datetime, report: SweepReport) -> None:
    with transaction.atomic():
        instance = ProcessInstance.objects.select_for_update().select_related("unit").get(pk=instance_pk)
        if instance.is_final or instance.deadline_at is None or instance.deadline_at > at:
            return
        definition = definition_of(instance)
        steps = definition.states[instance.state].overdue
        due = step_due_times(instance.deadline_at, steps)
        while instance.overdue_steps_applied < len(steps) and due[instance.overdue_steps_applied] <= at:
            index = instance.overdue_steps_applied
            _apply_step(instance, definition, steps[index], index, at, report)
            if steps[index].kind == "transition":
                break  # the new state has its own deadline and steps; a later sweep handles them


def sweep(now: dt.datetime | None = None) -> SweepReport:
    """Apply every overdue step that has come due. Safe to run repeatedly and concurrently."""
    at = now or engine_now()
    report = SweepReport()
    due_ids = list(
        ProcessInstance.objects.filter(is_final=False, deadline_at__lte=at)
        .order_by("deadline_at", "pk")
        .values_list("pk", flat=True)
    )
    for pk in due_ids:
        report.examined += 1
        try:
            sweep_instance(pk, at, report)
        except Exception as exc:  # one broken instance must not stop the others' reminders
            logger.exception("process sweep failed on instance %s", pk)
            report.errors.append(f"instance {pk}: {exc!r}")
    return report
