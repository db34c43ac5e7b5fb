"""The public projection of an event, for the portal's publicity board (O4 公示, V4).

Who is shown: an actor appears as role + unit. Their name is shown only when they act in a public
office — staff of a unit, supervisory bodies, deputies and CPPCC members acting as such — because
holding office publicly is what makes their acts accountable. Residents, enterprises, couriers,
council members, evaluators, hotline operators and administrators are never named. See
docs/public-record.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from minyi.core.masking import mask_address, mask_id_number, mask_name, mask_phone, mask_text
from minyi.core.models import Event
from minyi.core.roles import STAFF_ROLE_CODES, role_label

# Named when acting in office. Administrators and hotline operators are staff but act as clerks.
OFFICIAL_ROLE_CODES = (STAFF_ROLE_CODES - {"admin", "hotline_operator"}) | {"deputy", "cppcc_member"}

# Keys whose values are personal data, by kind. Other string values still pass through mask_text.
NAME_KEYS = frozenset(
    {
        "name_of_person",
        "person_name",
        "real_name",
        "full_name",
        "submitter_name",
        "contact_name",
        "contact",
        "resident_name",
        "applicant_name",
        "proposer_name",
        "respondent_name",
        "reporter_name",
        "visitor_name",
        "username",
        "姓名",
        "联系人",
    }
)
PHONE_KEYS = frozenset(
    {
        "phone",
        "mobile",
        "tel",
        "telephone",
        "phone_number",
        "contact_phone",
        "手机",
        "电话",
        "联系电话",
        "手机号码",
    }
)
ID_KEYS = frozenset({"id_number", "id_card", "identity_number", "身份证", "身份证号"})
ADDRESS_KEYS = frozenset({"address", "home_address", "addr", "住址", "地址", "家庭住址"})

ACTION_LABELS: dict[str, str | Promise] = {
    "core.unit.create": _("新建单位"),
    "core.unit.rename": _("单位更名"),
    "core.person.create": _("新建人员"),
    "core.deputy.add": _("登记代表委员"),
    "core.role.grant": _("授予角色"),
    "core.role.revoke": _("撤销角色"),
}

# What public_event_view reads beyond the event row; list pages select_related these (no N+1).
PUBLIC_EVENT_RELATED = ("actor", "actor_unit", "unit")


def register_action_labels(labels: Mapping[str, str | Promise]) -> None:
    """Apps name their actions for the portal (call from the app's AppConfig.ready)."""
    ACTION_LABELS.update(labels)


def action_label(action: str) -> str:
    """The action in words; an action no app has named yet reads neutrally, never as its code."""
    label = ACTION_LABELS.get(action)
    return str(label) if label is not None else str(_("公示事项"))


@dataclass(frozen=True)
class PublicEvent:
    id: int
    chain: str
    seq: int
    hash: str
    occurred_at: datetime
    action: str
    action_label: str
    unit_name: str
    actor_label: str  # "金沙社区 · 社区（村）两委成员", plus the name only for an official in office
    actor_name: str  # "" unless OFFICIAL_ROLE_CODES
    reason: str
    data: dict[str, Any] = field(default_factory=dict)


def _key_kind(key: str) -> str:
    lowered = key.lower()
    if lowered in NAME_KEYS:
        return "name"
    if lowered in PHONE_KEYS or lowered.endswith("_phone"):
        return "phone"
    if lowered in ID_KEYS or lowered.endswith("_id_number"):
        return "id"
    if lowered in ADDRESS_KEYS or lowered.endswith("_address"):
        return "address"
    return ""


def mask_data(value: Any, unit_name: str = "", kind: str = "") -> Any:
    """Mask personal fields (by key) and digits embedded in any other text, recursively."""
    if isinstance(value, dict):
        return {key: mask_data(item, unit_name, _key_kind(str(key))) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_data(item, unit_name, kind) for item in value]
    if kind and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # a phone or ID stored as a number is still personal
    if not isinstance(value, str):
        return value
    if kind == "name":
        return mask_name(value)
    if kind == "phone":
        return mask_phone(value)
    if kind == "id":
        return mask_id_number(value)
    if kind == "address":
        return mask_address(value, unit_name)
    return mask_text(value)


def public_event_view(event: Event) -> PublicEvent:
    unit_name = event.unit.name if event.unit is not None else ""
    if event.actor is None:
        actor_label, actor_name = str(_("系统")), ""
    else:
        parts = [event.actor_unit.name] if event.actor_unit is not None else []
        if event.actor_role:
            parts.append(role_label(event.actor_role))
        actor_name = event.actor.name if event.actor_role in OFFICIAL_ROLE_CODES else ""
        actor_label = " · ".join(parts) + (f" {actor_name}" if actor_name else "")
    return PublicEvent(
        id=event.pk,
        chain=event.chain,
        seq=event.seq,
        hash=event.hash,
        occurred_at=event.occurred_at,
        action=event.action,
        action_label=action_label(event.action),
        unit_name=unit_name,
        actor_label=actor_label,
        actor_name=actor_name,
        reason=mask_text(event.reason),
        data=mask_data(event.data, unit_name),
    )


def public_events() -> QuerySet[Event]:
    """Events the portal may show, newest first, with what public_event_view reads."""
    return Event.objects.filter(public=True).select_related(*PUBLIC_EVENT_RELATED).order_by("-occurred_at")
