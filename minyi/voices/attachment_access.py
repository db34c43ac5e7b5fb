"""Who may open the files of voices and courier visits (registered with core.attachments)."""

from __future__ import annotations

from minyi.core.models import Person
from minyi.voices.models import Voice
from minyi.voices.models.couriers import CourierVisit


def may_see_voice_files(person: Person, subject_id: str) -> bool:
    voice = Voice.objects.filter(pk=int(subject_id)).select_related("unit").first()
    return voice is not None and person.has_perm("voices.view_voice", voice)


def may_see_visit_files(person: Person, subject_id: str) -> bool:
    visit = CourierVisit.objects.filter(pk=int(subject_id)).select_related("community").first()
    return visit is not None and (visit.courier_id == person.pk or person.has_perm("voices.manage_couriers", visit))
