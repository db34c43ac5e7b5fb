"""Response schemas shared by the core routers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema

from minyi.core.models import Unit
from minyi.core.models.units import UnitKind


class UnitRef(Schema):
    id: int
    name: str
    kind: str
    code: str | None

    @staticmethod
    def of(unit: Unit) -> UnitRef:
        return UnitRef(id=unit.pk, name=unit.name, kind=unit.kind, code=unit.code)


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    code: str | None
    parent_id: int | None
    depth: int
    path: str
    has_children: bool
    is_active: bool
    address: str
    phone: str


def unit_out(unit: Unit, parent_ids: dict[str, int]) -> UnitOut:
    return UnitOut(
        id=unit.pk,
        name=unit.name,
        kind=unit.kind,
        kind_label=str(UnitKind(unit.kind).label) if unit.kind in UnitKind.values else unit.kind,
        code=unit.code,
        parent_id=parent_ids.get(unit.path[: -Unit.steplen]) if unit.depth > 1 else None,
        depth=unit.depth,
        path=unit.path,
        has_children=unit.numchild > 0,
        is_active=unit.is_active,
        address=unit.address,
        phone=unit.phone,
    )


def units_out(units: list[Unit]) -> list[UnitOut]:
    """Many units at once: parents are looked up in one query, whatever the number of rows."""
    parent_paths = {u.path[: -Unit.steplen] for u in units if u.depth > 1}
    parent_ids = (
        dict(Unit.objects.filter(path__in=parent_paths).values_list("path", "pk")) if parent_paths else {}
    )
    return [unit_out(u, parent_ids) for u in units]


class RoleOut(Schema):
    code: str
    label: str
    description: str
    staff: bool


class GrantOut(Schema):
    id: int
    person_id: int
    role: str
    role_label: str
    unit: UnitRef
    granted_at: datetime
    note: str
    revoked_at: datetime | None
    revoke_reason: str


class MeOut(Schema):
    id: int
    username: str
    name: str
    email: str
    home_unit: UnitRef | None
    language: str
    roles: list[GrantOut]


class ChannelOut(Schema):
    code: str
    name: str
    staff_entered: bool


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class EventOut(Schema):
    id: int
    chain: str
    seq: int
    hash: str
    prev_hash: str
    occurred_at: datetime
    action: str
    action_label: str
    subject_type: str
    subject_id: str
    unit_id: int | None
    actor_role: str
    actor_unit_id: int | None
    actor_label: str  # role and unit; a name only for officials in office (see docs/public-record.md)
    actor_id: int | None  # only for callers who may verify the record over the event's unit
    # Verifiers get the stored data and reason; everyone else the public projection, personal data masked.
    masked: bool
    data: dict[str, Any]
    reason: str
    public: bool


class ProcessInstanceOut(Schema):
    id: int
    process: str
    version: int
    subject_type: str
    subject_id: str
    title: str
    unit: UnitRef
    state: str
    state_entered_at: datetime
    deadline_at: datetime | None
    awaiting_roles: list[str]
    is_final: bool
    created_at: datetime
    updated_at: datetime


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None


class NewTokenOut(TokenOut):
    token: str  # shown once, never again
