"""V3 — supervision (督办) by deputies, CPPCC members and supervisory bodies."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.engine import runtime
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.notify import notify
from minyi.core.record.write import record_event
from minyi.voices.actions.handling import instance_for, voice_url
from minyi.voices.models import Supervision, Voice

NOTE_MAX_LENGTH = 2000


def check_supervise(voice: Voice, actor: Actor, note: str) -> None:
    if not actor.is_system and not (actor.person and actor.person.has_perm("voices.supervise_voice", voice)):
        raise NotPermitted("not_permitted", _("您没有督办该事项的权限"))
    if not note:
        raise ActionError("note_required", _("督办必须填写督办意见"), {"field": "note"})
    if len(note) > NOTE_MAX_LENGTH:
        raise ActionError(
            "input_invalid", _("督办意见不能超过 %(n)d 个字") % {"n": NOTE_MAX_LENGTH}, {"field": "note"}
        )
    if voice.closed_at is not None:
        raise ActionError("voice_closed", _("事项已办结，不能再督办"))
    if actor.person and voice.supervisions.filter(supervisor=actor.person, ended_at__isnull=True).exists():
        raise ActionError("already_supervising", _("您已在督办该事项"))


@transaction.atomic
def do_supervise(voice: Voice, *, actor: Actor, note: str) -> Supervision:
    """Put the item under supervision; the people handling it now are told."""
    voice = Voice.objects.select_for_update().get(pk=voice.pk)
    note = note.strip()
    check_supervise(voice, actor, note)
    assert actor.person is not None and actor.unit is not None, "supervision is taken by a person in a role"
    supervision = Supervision.objects.create(
        voice=voice, supervisor=actor.person, role=actor.role, unit=actor.unit, note=note
    )
    voice.is_supervised = True
    voice.save(update_fields=["is_supervised"])
    instance = instance_for(voice)
    record_event(
        actor=actor,
        action="voices.supervise",
        subject=voice,
        unit=instance.unit,
        data={"supervision": supervision.pk},
        reason=note,
    )
    handlers = [p for p in runtime.responsible_people(instance, voice) if p.pk != voice.submitter_id]
    notify(
        handlers,
        kind="voices.supervised",
        url=voice_url(voice),
        title=_("事项被督办：%(title)s") % {"title": voice.title},
        body=note,
    )
    return supervision


@transaction.atomic
def do_end_supervision(supervision: Supervision, *, actor: Actor, reason: str = "") -> Supervision:
    supervision = (
        Supervision.objects.select_for_update(of=("self",)).select_related("voice").get(pk=supervision.pk)
    )
    voice = supervision.voice
    own = actor.person is not None and actor.person.pk == supervision.supervisor_id
    if (
        not actor.is_system
        and not own
        and not (actor.person and actor.person.has_perm("voices.supervise_voice", voice))
    ):
        raise NotPermitted("not_permitted", _("您没有结束该督办的权限"))
    if supervision.ended_at is not None:
        raise ActionError("supervision_ended", _("该督办已结束"))
    supervision.ended_at = timezone.now()
    supervision.save(update_fields=["ended_at"])
    voice.is_supervised = voice.supervisions.filter(ended_at__isnull=True).exists()
    voice.save(update_fields=["is_supervised"])
    record_event(
        actor=actor,
        action="voices.end_supervision",
        subject=voice,
        unit=instance_for(voice).unit,
        data={"supervision": supervision.pk},
        reason=reason.strip(),
    )
    return supervision
