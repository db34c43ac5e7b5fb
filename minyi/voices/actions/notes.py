"""Handling notes (办理过程): progress written on an item without changing its state."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from minyi.core.actors import Actor
from minyi.core.errors import ActionError, NotPermitted
from minyi.core.record.write import record_event
from minyi.voices.models import HandlingNote, Voice

NOTE_MAX_LENGTH = 2000


def check_add_note(voice: Voice, actor: Actor, text: str) -> None:
    if actor.person is None or not actor.person.has_perm("voices.add_note", voice):
        raise NotPermitted("not_permitted", _("您没有为该事项填写办理情况的权限"))
    if actor.unit is None:
        raise NotPermitted("not_permitted", _("请以所在单位的身份填写办理情况"))
    if not text:
        raise ActionError("text_required", _("请填写办理情况"), {"field": "text"})
    if len(text) > NOTE_MAX_LENGTH:
        raise ActionError(
            "input_invalid", _("办理情况不能超过 %(n)d 个字") % {"n": NOTE_MAX_LENGTH}, {"field": "text"}
        )


@transaction.atomic
def do_add_note(voice: Voice, *, actor: Actor, text: str) -> HandlingNote:
    text = text.strip()
    check_add_note(voice, actor, text)
    assert actor.person is not None and actor.unit is not None
    note = HandlingNote.objects.create(voice=voice, author=actor.person, unit=actor.unit, text=text)
    record_event(actor=actor, action="voices.note", subject=voice, unit=actor.unit, data={"note": note.pk})
    return note
