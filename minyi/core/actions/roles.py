"""O2 — granting and revoking roles. Every grant and revocation is recorded."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Person, RoleGrant, Unit
from minyi.core.record.write import record_event
from minyi.core.roles import ROLE_BY_CODE
from minyi.core.scope import forget_grants


def check_grant_role(person: Person, role: str, unit: Unit) -> None:
    if role not in ROLE_BY_CODE:
        raise ActionError("role_unknown", _("未知的角色：%(role)s") % {"role": role}, {"field": "role"})
    if not person.is_active:
        raise ActionError("person_inactive", _("该人员账号已停用"), {"field": "person"})
    if RoleGrant.objects.active().filter(person=person, role=role, unit=unit).exists():
        raise ActionError("role_already_granted", _("该人员已在此单位拥有该角色"), {"field": "role"})


@transaction.atomic
def do_grant_role(person: Person, role: str, unit: Unit, *, actor: Actor, note: str = "") -> RoleGrant:
    check_grant_role(person, role, unit)
    grant = RoleGrant.objects.create(person=person, role=role, unit=unit, granted_by=actor.person, note=note)
    record_event(actor=actor, action="core.role.grant", subject=person, unit=unit, public=False,
                 data={"role": role, "unit": unit.pk, "grant": grant.pk}, reason=note)
    forget_grants(person)
    return grant


def check_revoke_role(grant: RoleGrant) -> None:
    if grant.revoked_at is not None:
        raise ActionError("role_already_revoked", _("该角色授予已撤销"), {"field": "grant"})


@transaction.atomic
def do_revoke_role(grant: RoleGrant, *, actor: Actor, reason: str) -> RoleGrant:
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    check_revoke_role(grant)
    if not reason.strip():
        raise ActionError("reason_required", _("撤销角色必须说明理由"), {"field": "reason"})
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor.person
    grant.revoke_reason = reason.strip()
    grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    record_event(actor=actor, action="core.role.revoke", subject=grant.person, unit=grant.unit,
                 data={"role": grant.role, "unit": grant.unit_id, "grant": grant.pk}, reason=reason)
    forget_grants(grant.person)
    return grant
