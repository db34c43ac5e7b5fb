"""Granting and revoking roles (rules `core.grant_role` on the unit, `core.revoke_role` on the grant)."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from minyi.core.actions.roles import do_grant_role, do_revoke_role
from minyi.core.api.people import grant_out
from minyi.core.api.schemas import GrantOut
from minyi.core.apiutil.actors import actor_in_role
from minyi.core.apiutil.auth import current_person
from minyi.core.apiutil.errors import error_responses
from minyi.core.apiutil.types import ObjectId, Text
from minyi.core.errors import NotPermitted
from minyi.core.models import Person, RoleGrant, Unit

router = Router(tags=["roles"])

# The roles through which core.grant_role / core.revoke_role are held (see minyi/core/rules.py).
GRANTING_ROLES = ("admin",)


class GrantIn(Schema):
    person: ObjectId
    role: Annotated[Text, Field(max_length=40)]
    unit: ObjectId
    note: Annotated[Text, Field(max_length=200)] = ""


def _require(person: Person, perm: str, obj: Unit | RoleGrant, unit: Unit) -> None:
    if not person.has_perm(perm, obj):
        raise NotPermitted("not_permitted", _("您无权在该单位授予或撤销角色"), {"unit": unit.pk})


@router.post("/role-grants", response={201: GrantOut, **error_responses(400, 401, 403, 404, 422)})
def create_role_grant(request: HttpRequest, data: GrantIn) -> Status:
    me = current_person(request)
    unit = get_object_or_404(Unit, pk=data.unit)
    _require(me, "core.grant_role", unit, unit)
    grantee = get_object_or_404(Person, pk=data.person)
    grant = do_grant_role(
        grantee, data.role, unit, actor=actor_in_role(me, GRANTING_ROLES, unit), note=data.note
    )
    return Status(201, grant_out(grant))


class RevokeGrantIn(Schema):
    reason: Annotated[Text, Field(max_length=200)]


@router.post(
    "/role-grants/{grant_id}/revoke", response={200: GrantOut, **error_responses(400, 401, 403, 404, 422)}
)
def revoke_role_grant(request: HttpRequest, grant_id: ObjectId, data: RevokeGrantIn) -> GrantOut:
    me = current_person(request)
    grant = get_object_or_404(RoleGrant.objects.select_related("unit"), pk=grant_id)
    _require(me, "core.revoke_role", grant, grant.unit)
    grant = do_revoke_role(grant, actor=actor_in_role(me, GRANTING_ROLES, grant.unit), reason=data.reason)
    return grant_out(grant)
