"""O2 + O3 — asking for a role and deciding the request, through the `role_request` process.

The process instance (state, deadline, who is awaited) fills the administrators' workbench; the
decision grants the role with `do_grant_role`, so the grant has its own event on the person's chain.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actions.roles import do_grant_role
from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.engine.steps import register_step
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.models import Person, ProcessInstance, RoleGrant, RoleRequest, Unit
from minyi.core.notify import notify
from minyi.core.roles import ROLE_BY_CODE, role_label
from minyi.core.subjects import subject_ref

PROCESS = "role_request"
NOTE_MAX_LENGTH = 500


def instance_for(request: RoleRequest) -> ProcessInstance:
    kind, pk = subject_ref(request)
    return ProcessInstance.objects.select_related("unit").get(
        process=PROCESS, subject_type=kind, subject_id=pk
    )


def check_request_role(person: Person | None, role: str, unit: Unit, note: str) -> None:
    if person is None or not person.is_active:
        raise NotPermitted("login_required", _("请先登录后再申请角色"))
    if role not in ROLE_BY_CODE:
        raise ActionError("role_unknown", _("未知的角色：%(role)s") % {"role": role}, {"field": "role"})
    if not unit.is_active:
        raise ActionError("unit_inactive", _("该单位已停用"), {"field": "unit"})
    if len(note) > NOTE_MAX_LENGTH:
        raise ActionError(
            "input_invalid", _("申请说明不能超过 %(n)d 个字") % {"n": NOTE_MAX_LENGTH}, {"field": "note"}
        )
    if RoleGrant.objects.active().filter(person=person, role=role, unit=unit).exists():
        raise ActionError("role_already_granted", _("您已在此单位拥有该角色"), {"field": "role"})
    open_requests = RoleRequest.objects.filter(person=person, role=role, unit=unit).values_list(
        "pk", flat=True
    )
    kind = RoleRequest._meta.label_lower
    if ProcessInstance.objects.filter(
        process=PROCESS, subject_type=kind, is_final=False, subject_id__in=[str(pk) for pk in open_requests]
    ).exists():
        raise ActionError("role_request_pending", _("同一角色的申请正在审批中"), {"field": "role"})


@transaction.atomic
def do_request_role(role: str, unit: Unit, *, actor: Actor, note: str = "") -> RoleRequest:
    """The actor asks for `role` on `unit` for themselves."""
    note = note.strip()
    check_request_role(actor.person, role, unit, note)
    person = actor.person
    assert person is not None  # check_request_role refuses anonymous requests
    request = RoleRequest.objects.create(person=person, role=role, unit=unit, note=note)
    runtime.start(
        PROCESS,
        subject=request,
        unit=unit,
        actor=actor,
        title=_("%(name)s 申请 %(role)s（%(unit)s）")
        % {"name": actor.person, "role": role_label(role), "unit": unit.name},
        inputs={"role": role, "unit": unit.pk, "note": note},
    )
    return request


@transaction.atomic
def do_decide_role_request(
    request: RoleRequest, *, approve: bool, actor: Actor, reason: str = ""
) -> RoleRequest:
    """Approve (granting the role) or reject (reason required); the engine checks who may decide."""
    instance = instance_for(request)
    runtime.transition(instance, "approve" if approve else "reject", actor=actor, reason=reason)
    request = RoleRequest.objects.select_for_update().get(pk=request.pk)
    if approve:
        request.grant = do_grant_role(
            request.person,
            request.role,
            request.unit,
            actor=actor,
            note=_("角色申请 #%(id)s") % {"id": request.pk},
        )
        request.save(update_fields=["grant"])
    notify(
        [request.person],
        kind="core.role_request.decided",
        title=(_("角色申请已批准：%(role)s") if approve else _("角色申请未批准：%(role)s"))
        % {"role": role_label(request.role)},
        body=reason.strip(),
    )
    return request


@transaction.atomic
def do_withdraw_role_request(request: RoleRequest, *, actor: Actor, reason: str = "") -> RoleRequest:
    runtime.transition(instance_for(request), "withdraw", actor=actor, reason=reason)
    return request


def _perform_decision(approve: bool):  # type: ignore[no-untyped-def]
    def perform(instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor) -> RoleRequest:
        request = RoleRequest.objects.get(pk=instance.subject_id)
        return do_decide_role_request(request, approve=approve, actor=actor, reason=reason)

    return perform


def _perform_withdraw(instance: ProcessInstance, *, inputs: dict[str, object], reason: str, actor: Actor) -> RoleRequest:
    return do_withdraw_role_request(RoleRequest.objects.get(pk=instance.subject_id), actor=actor, reason=reason)


# Pages and the API take role-request steps through these actions, so approval always grants the role.
register_step(PROCESS, "approve", _perform_decision(True))
register_step(PROCESS, "reject", _perform_decision(False))
register_step(PROCESS, "withdraw", _perform_withdraw)
