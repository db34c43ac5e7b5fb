"""The notification centre: marking notifications read, and each person's delivery preferences."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotFound, NotPermitted
from minyi.core.models import Notification, NotificationPreference, Person
from minyi.core.models.notifications import EmailMode
from minyi.core.record.write import record_event

KIND_RE = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
MAX_MUTED_KINDS = 50


def _check_own(person: Person, actor: Actor) -> None:
    # Notifications are private: only their recipient reads them or changes how they arrive.
    if actor.person is None or actor.person.pk != person.pk:
        raise NotPermitted("notification_not_yours", _("只能处理本人的通知"))


def check_mark_read(person: Person, *, actor: Actor, notification_id: int | None = None) -> None:
    _check_own(person, actor)
    if (
        notification_id is not None
        and not Notification.objects.filter(pk=notification_id, recipient=person).exists()
    ):
        raise NotFound("notification_not_found", _("通知不存在"), {"id": notification_id})


@transaction.atomic
def do_mark_read(person: Person, *, actor: Actor, notification_id: int | None = None) -> int:
    """Mark one notification (or, without an id, all of them) read. Returns how many changed.

    No public-record event: whether someone has read their inbox is private UI state, not a step of
    any procedure (the actions that created the notifications are recorded).
    """
    check_mark_read(person, actor=actor, notification_id=notification_id)
    unread = Notification.objects.filter(recipient=person, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


@dataclass(frozen=True)
class PreferenceInput:
    email_mode: str = EmailMode.DIGEST
    sms: bool = False
    wechat: bool = False
    muted_kinds: list[str] = field(default_factory=list)


def check_set_notification_preference(person: Person, data: PreferenceInput, *, actor: Actor) -> None:
    _check_own(person, actor)
    if data.email_mode not in EmailMode.values:
        raise ActionError("email_mode_unknown", _("未知的邮件接收方式"), {"field": "email_mode"})
    if data.sms and not person.phone:
        raise ActionError("sms_needs_phone", _("开通短信提醒前请先填写手机号码"), {"field": "sms"})
    if len(data.muted_kinds) > MAX_MUTED_KINDS:
        raise ActionError("muted_kinds_too_many", _("屏蔽的通知类型过多"), {"field": "muted_kinds"})
    for kind in data.muted_kinds:
        if not KIND_RE.match(kind) or len(kind) > 60:
            raise ActionError(
                "muted_kind_invalid",
                _("通知类型 %(kind)s 格式不正确") % {"kind": kind},
                {"field": "muted_kinds", "kind": kind},
            )


@transaction.atomic
def do_set_notification_preference(
    person: Person, data: PreferenceInput, *, actor: Actor
) -> NotificationPreference:
    check_set_notification_preference(person, data, actor=actor)
    preference, _created = NotificationPreference.objects.select_for_update().get_or_create(person=person)
    preference.email_mode = data.email_mode
    preference.sms = data.sms
    preference.wechat = data.wechat
    preference.muted_kinds = sorted(set(data.muted_kinds))
    preference.save(update_fields=["email_mode", "sms", "wechat", "muted_kinds"])
    # Recorded (not public) because consent to SMS/WeChat contact is something the platform must show on request.
    record_event(
        actor=actor,
        action="core.notification_preference.set",
        subject=person,
        unit=None,
        data={
            "email_mode": preference.email_mode,
            "sms": preference.sms,
            "wechat": preference.wechat,
            "muted_kinds": preference.muted_kinds,
        },
    )
    return preference
