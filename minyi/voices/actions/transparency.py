"""V4 — publishing an item on the portal's publicity board, only when the submitter agreed."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.record.write import record_event
from minyi.voices.models import Voice


def _check_staff(voice: Voice, actor: Actor) -> None:
    if not actor.is_system and not (actor.person and actor.person.has_perm("voices.publish_voice", voice)):
        raise NotPermitted("not_permitted", _("您没有公示该事项的权限"))


@transaction.atomic
def do_publish_voice(voice: Voice, *, actor: Actor) -> Voice:
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    _check_staff(voice, actor)
    if not voice.wants_public:
        raise ActionError("not_consented", _("提交人未同意公开，不能公示"))
    if voice.duplicate_of_id is not None:
        raise ActionError("voice_merged", _("已并案的事项请公示原事项"))
    if voice.is_published:
        raise ActionError("already_published", _("该事项已公示"))
    voice.is_published = True
    voice.save(update_fields=["is_published"])
    record_event(actor=actor, action="voices.publish", subject=voice, unit=voice.unit, public=True)
    return voice


@transaction.atomic
def do_unpublish_voice(voice: Voice, *, actor: Actor, reason: str) -> Voice:
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    _check_staff(voice, actor)
    if not voice.is_published:
        raise ActionError("not_published", _("该事项未公示"))
    if not reason.strip():
        raise ActionError("reason_required", _("撤下公示必须说明理由"), {"field": "reason"})
    voice.is_published = False
    voice.save(update_fields=["is_published"])
    record_event(
        actor=actor, action="voices.unpublish", subject=voice, unit=voice.unit, reason=reason.strip()
    )
    return voice
