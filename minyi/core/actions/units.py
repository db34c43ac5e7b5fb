"""O1 — creating and changing units."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError
from minyi.core.models import Unit
from minyi.core.models.units import ALLOWED_PARENT_KINDS, UnitKind
from minyi.core.record.write import record_event


@dataclass(frozen=True)
class UnitInput:
    name: str
    kind: str
    code: str | None = None
    address: str = ""
    phone: str = ""


def check_create_unit(data: UnitInput, parent: Unit | None) -> None:
    if not data.name.strip():
        raise ActionError("unit_name_required", _("单位名称不能为空"), {"field": "name"})
    if data.kind not in UnitKind.values:
        raise ActionError("unit_kind_unknown", _("未知的单位类别：%(kind)s") % {"kind": data.kind}, {"field": "kind"})
    allowed = ALLOWED_PARENT_KINDS[data.kind]
    if parent is None and allowed:
        raise ActionError("unit_parent_required", _("该类别的单位必须有上级单位"), {"field": "parent"})
    if parent is not None and parent.kind not in allowed:
        raise ActionError(
            "unit_parent_kind",
            _("%(kind)s 不能设在 %(parent_kind)s 之下")
            % {"kind": UnitKind(data.kind).label, "parent_kind": UnitKind(parent.kind).label},
            {"field": "parent"},
        )
    if data.code and Unit.objects.filter(code=data.code).exists():
        raise ActionError("unit_code_taken", _("单位编码 %(code)s 已存在") % {"code": data.code}, {"field": "code"})


@transaction.atomic
def do_create_unit(data: UnitInput, parent: Unit | None, *, actor: Actor) -> Unit:
    check_create_unit(data, parent)
    fields = {"name": data.name.strip(), "kind": data.kind, "code": data.code or None,
              "address": data.address, "phone": data.phone}
    if parent is None:
        unit = Unit.add_root(**fields)
    else:
        # treebeard reads numchild from the instance: refresh so sibling inserts in one run stay consistent.
        parent.refresh_from_db(fields=["numchild", "path"])
        unit = parent.add_child(**fields)
    record_event(
        actor=actor, action="core.unit.create", subject=unit, unit=unit, public=True,
        data={"name": unit.name, "kind": unit.kind, "code": unit.code, "parent": parent.pk if parent else None},
    )
    return unit


@transaction.atomic
def do_rename_unit(unit: Unit, name: str, *, actor: Actor, reason: str) -> Unit:
    if not name.strip():
        raise ActionError("unit_name_required", _("单位名称不能为空"), {"field": "name"})
    old = unit.name
    unit.name = name.strip()
    unit.save(update_fields=["name"])
    record_event(actor=actor, action="core.unit.rename", subject=unit, unit=unit, public=True,
                 data={"from": old, "to": unit.name}, reason=reason)
    return unit
