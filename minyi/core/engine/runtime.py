"""Moving process instances: start, the one guarded transition, and the recorded manager override.

Who may take a transition: a person holding one of its roles on the instance's unit or an
ancestor, or holding one of its relational roles on the subject (the subject model answers through
`relational_roles(person) -> set[str]`). After an overdue escalation with `to_role`, that role takes
over the office roles of the current state until the instance leaves it (see docs/processes.md).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import rules
from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.calendar import deadline_after
from minyi.core.engine.definitions import ProcessDefinition, TransitionDef
from minyi.core.engine.inputs import clean_inputs
from minyi.core.engine.registry import current_definition, ensure_stored_once, get_definition
from minyi.core.engine.signals import state_entered
from minyi.core.errors import ActionError, Conflict, NotFound, NotPermitted
from minyi.core.models import Event, Person, ProcessInstance, RoleGrant, Unit
from minyi.core.record.write import prepare_event, record_event
from minyi.core.roles import RELATIONAL_ROLE_BY_CODE
from minyi.core.scope import has_role
from minyi.core.subjects import subject_ref


def now() -> dt.datetime:
    """The engine's clock (tests move it to fixed dates such as the 2026 Spring Festival)."""
    return timezone.now()


def wrap_roles(roles: Iterable[str]) -> str:
    """ ",a,b," — the stored form the workbench queries with `awaiting_roles__contains=",a,"`."""
    codes = list(dict.fromkeys(roles))
    return f",{','.join(codes)}," if codes else ""


def unwrap_roles(stored: str) -> list[str]:
    return [code for code in stored.split(",") if code]


def definition_of(instance: ProcessInstance) -> ProcessDefinition:
    return get_definition(instance.process, instance.version)


def subject_of(instance: ProcessInstance) -> models.Model | None:
    model = apps.get_model(instance.subject_type)
    return model._default_manager.filter(pk=instance.subject_id).first()


def relational_roles_of(subject: Any, person: Person | None) -> set[str]:
    if person is None or subject is None or not hasattr(subject, "relational_roles"):
        return set()
    return set(subject.relational_roles(person)) & set(RELATIONAL_ROLE_BY_CODE)


def enter_state(
    instance: ProcessInstance, definition: ProcessDefinition, state: str, at: dt.datetime
) -> None:
    """Set every field that follows from being in `state` since `at` (caller saves); tells the
    subject's app (`signals.state_entered`)."""
    state_def = definition.states[state]
    was_final = instance.is_final
    instance.state = state
    instance.state_entered_at = at
    instance.deadline_at = (
        deadline_after(at, state_def.deadline.days, state_def.deadline.calendar)
        if state_def.deadline
        else None
    )
    instance.awaiting_roles = "" if state_def.final else wrap_roles(definition.awaiting_roles(state))
    instance.overdue_steps_applied = 0
    instance.is_final = state_def.final
    state_entered.send(
        sender=ProcessInstance,
        instance=instance,
        state=state,
        final=state_def.final,
        was_final=was_final,
        at=at,
    )


STATE_FIELDS = [
    "state",
    "state_entered_at",
    "deadline_at",
    "awaiting_roles",
    "overdue_steps_applied",
    "is_final",
    "updated_at",
]


def escalated_roles(instance: ProcessInstance, definition: ProcessDefinition) -> set[str]:
    """Roles made responsible by an escalation, beyond what the definition names for this state."""
    return set(unwrap_roles(instance.awaiting_roles)) - set(definition.awaiting_roles(instance.state))


def effective_roles(
    transition: TransitionDef, instance: ProcessInstance, definition: ProcessDefinition
) -> set[str]:
    """The roles that may take `transition` now: its own, with office roles handed to an escalation role."""
    awaiting = set(unwrap_roles(instance.awaiting_roles))
    roles = set(transition.relational_roles) | (set(transition.office_roles) & awaiting)
    if transition.office_roles:
        roles |= escalated_roles(instance, definition)
    return roles


def may_take(
    person: Person | None,
    transition: TransitionDef,
    instance: ProcessInstance,
    definition: ProcessDefinition,
    subject: Any,
) -> bool:
    roles = effective_roles(transition, instance, definition)
    if has_role(person, roles - set(RELATIONAL_ROLE_BY_CODE), instance.unit):
        return True
    return bool(roles & relational_roles_of(subject, person))


def responsible_people(instance: ProcessInstance, subject: Any = None) -> list[Person]:
    """Everyone who may act now: awaiting office roles on the unit or an ancestor, and relational holders."""
    return responsible_people_of([(instance, subject)])[0]


def responsible_people_of(items: Sequence[tuple[ProcessInstance, Any]]) -> list[list[Person]]:
    """`responsible_people` of many (instance, subject) pairs, with one grant query for all of them.

    The instances' units must be loaded (`select_related("unit")`): their paths pick the grants.
    """
    if not items:
        return []
    wanted = [
        (set(unwrap_roles(instance.awaiting_roles)), instance.unit.ancestor_paths()) for instance, _ in items
    ]
    roles = set().union(*(awaiting for awaiting, _ in wanted))
    paths = set().union(*(set(ancestors) for _, ancestors in wanted))
    grants = list(
        RoleGrant.objects.active()
        .filter(role__in=roles, unit__path__in=paths, person__is_active=True)
        .select_related("person", "unit")
        .order_by("person_id")
    ) if roles else []  # fmt: skip
    found = []
    for (awaiting, ancestors), (_instance, subject) in zip(wanted, items, strict=True):
        reach = set(ancestors)
        people = {g.person.pk: g.person for g in grants if g.role in awaiting and g.unit.path in reach}
        if subject is not None and hasattr(subject, "relational_people"):
            for role in awaiting & set(RELATIONAL_ROLE_BY_CODE):
                for person in subject.relational_people(role):
                    people.setdefault(person.pk, person)
        found.append(list(people.values()))
    return found


def start(
    process_name: str,
    *,
    subject: models.Model,
    unit: Unit,
    title: str,
    actor: Actor,
    inputs: Mapping[str, Any] | None = None,
) -> ProcessInstance:
    """Begin one run of `process_name` for `subject`; records `<process>.start`.

    Whether the actor may start it is the calling action's question (e.g. anyone may request a role).
    Runs inside the calling action's transaction (like `record_event`): the action's atomic block
    makes it all-or-nothing, so start takes no savepoint of its own. A second start for a subject is
    refused with Conflict having written nothing (the instance insert has its savepoint). An action
    that inserts the subject itself may build the rows instead (`prepare_start`).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("runtime.start must run inside the action's transaction.atomic block")
    definition, cleaned, instance = _new_instance(process_name, subject, unit, title, inputs)
    try:
        with transaction.atomic():
            instance.save(force_insert=True)
    except IntegrityError:
        raise Conflict("process_already_started", _("该事项已有进行中的此流程")) from None
    record_event(actor=actor, subject=subject, unit=unit, **_start_record(definition, instance, cleaned))
    return instance


def prepare_start(
    process_name: str,
    *,
    pk: int,
    subject: models.Model,
    unit: Unit,
    title: str,
    actor: Actor,
    inputs: Mapping[str, Any] | None = None,
) -> tuple[ProcessInstance, Event]:
    """What `start` writes for a subject inserted by the calling action, as unsaved rows: the instance
    (primary key `pk`, reserved with `minyi.core.rows.reserve_ids`) and its prepared start event,
    for the caller to place on the subject's new chain (`record.write.start_chain`) and insert."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("runtime.prepare_start must run inside the action's transaction.atomic block")
    definition, cleaned, instance = _new_instance(process_name, subject, unit, title, inputs)
    instance.pk = pk
    event = prepare_event(
        actor=actor, subject=subject, unit=unit, **_start_record(definition, instance, cleaned)
    )
    return instance, event


def _new_instance(
    process_name: str, subject: models.Model, unit: Unit, title: str, inputs: Mapping[str, Any] | None
) -> tuple[ProcessDefinition, dict[str, Any], ProcessInstance]:
    """The definition, the cleaned start inputs and the new instance in the initial state (unsaved)."""
    try:
        definition = current_definition(process_name)
    except LookupError:
        raise NotFound("process_unknown", _("未知的流程：%(name)s") % {"name": process_name}) from None
    ensure_stored_once(definition)
    cleaned = clean_inputs(definition.start_inputs, inputs or {})
    kind, pk = subject_ref(subject)
    instance = ProcessInstance(
        process=definition.name,
        version=definition.version,
        subject_type=kind,
        subject_id=pk,
        title=title[:200],
        unit=unit,
    )
    enter_state(instance, definition, definition.initial, now())
    return definition, cleaned, instance


def _start_record(
    definition: ProcessDefinition, instance: ProcessInstance, cleaned: dict[str, Any]
) -> dict[str, Any]:
    """The `<process>.start` event's action, visibility and data."""
    return {
        "action": f"{definition.name}.start",
        "public": definition.public,
        "data": {
            "instance": instance.pk,
            "version": definition.version,
            "to": definition.initial,
            "inputs": cleaned,
        },
    }


def _locked(instance: ProcessInstance) -> ProcessInstance:
    return ProcessInstance.objects.select_for_update().select_related("unit").get(pk=instance.pk)


def _refresh(target: ProcessInstance, source: ProcessInstance) -> ProcessInstance:
    """Copy the saved row into the caller's object so the caller never holds a stale instance."""
    for name in [*STATE_FIELDS, "unit_id"]:
        setattr(target, name, getattr(source, name))
    target.unit = source.unit
    return target


@transaction.atomic
def transition(
    instance: ProcessInstance,
    name: str,
    *,
    actor: Actor,
    inputs: Mapping[str, Any] | None = None,
    reason: str = "",
    move_to: Unit | None = None,
    deadline_at: dt.datetime | None = None,
) -> ProcessInstance:
    """Take transition `name`, or refuse with an ActionError having written nothing.

    `move_to` hands the instance to another unit in the same step (escalation to the subdistrict,
    assignment to a department); `deadline_at` replaces the state's default deadline (a deadline
    set when assigning). Both are recorded in the event.
    """
    locked = _locked(instance)
    definition = definition_of(locked)
    step = definition.transitions.get(name)
    if step is None:
        raise ActionError(
            "transition_unknown",
            _("流程“%(process)s”没有“%(name)s”这一步") % {"process": definition.title.zh, "name": name},
            {"transition": name},
        )
    if locked.is_final:
        raise ActionError("process_final", _("流程已结束，不能再办理"), {"state": locked.state})
    if locked.state not in step.sources:
        raise ActionError(
            "transition_wrong_state",
            _("当前状态“%(state)s”下不能“%(step)s”")
            % {"state": definition.states[locked.state].title.zh, "step": step.title.zh},
            {"state": locked.state, "transition": name},
        )
    subject = subject_of(locked)
    if not actor.is_system and not may_take(actor.person, step, locked, definition, subject):
        raise NotPermitted(
            "not_permitted", _("您没有办理“%(step)s”的权限") % {"step": step.title.zh}, {"transition": name}
        )
    reason = reason.strip()
    if step.require_reason and not reason:
        raise ActionError(
            "reason_required", _("“%(step)s”必须说明理由") % {"step": step.title.zh}, {"field": "reason"}
        )
    cleaned = clean_inputs(step.inputs, inputs or {})
    source_state = locked.state
    source_unit = locked.unit_id
    enter_state(locked, definition, step.target, now())
    fields = list(STATE_FIELDS)
    data: dict[str, Any] = {"instance": locked.pk, "from": source_state, "to": step.target, "inputs": cleaned}
    if move_to is not None and move_to.pk != source_unit:
        locked.unit = move_to
        fields.append("unit")
        data["unit_from"], data["unit_to"] = source_unit, move_to.pk
    if deadline_at is not None and not locked.is_final:
        locked.deadline_at = deadline_at
        data["deadline_at"] = deadline_at.isoformat()
    locked.save(update_fields=fields)
    record_event(
        actor=actor,
        action=f"{definition.name}.{name}",
        subject=subject or locked,
        unit=locked.unit,
        public=definition.public,
        reason=reason,
        data=data,
    )
    instance.cleaned_inputs = cleaned  # type: ignore[attr-defined]
    return _refresh(instance, locked)


def available_transitions(instance: ProcessInstance, person: Person | None) -> list[TransitionDef]:
    """The transitions `person` may take now, in definition order (pages show only these)."""
    if instance.is_final or person is None:
        return []
    definition = definition_of(instance)
    candidates = definition.transitions_from(instance.state)
    if not candidates:
        return []
    subject = subject_of(instance)
    return [step for step in candidates if may_take(person, step, instance, definition, subject)]


@transaction.atomic
def override(instance: ProcessInstance, to_state: str, *, actor: Actor, reason: str) -> ProcessInstance:
    """A manager puts the instance in any declared state (rule `core.override_process`); recorded."""
    locked = _locked(instance)
    definition = definition_of(locked)
    if not actor.is_system and not rules.has_perm("core.override_process", actor.person, locked):
        raise NotPermitted("not_permitted", _("您没有干预该流程的权限"))
    if to_state not in definition.states:
        raise ActionError(
            "state_unknown", _("未知的状态：%(state)s") % {"state": to_state}, {"field": "to_state"}
        )
    reason = reason.strip()
    if not reason:
        raise ActionError("reason_required", _("干预流程必须说明理由"), {"field": "reason"})
    source_state = locked.state
    enter_state(locked, definition, to_state, now())
    locked.save(update_fields=STATE_FIELDS)
    record_event(
        actor=actor,
        action=f"{definition.name}.override",
        subject=subject_of(locked) or locked,
        unit=locked.unit,
        public=definition.public,
        reason=reason,
        data={"instance": locked.pk, "from": source_state, "to": to_state},
    )
    return _refresh(instance, locked)
