"""Which voices a person may find: what they may see (`minyi.voices.queries.visible_q`, the one
definition of visibility), plus every published item; anonymous visitors find published items only.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from minyi.core.models import Person
from minyi.voices.models import Voice
from minyi.voices.queries import visible_q


def public_voices() -> QuerySet[Voice]:
    """What an anonymous visitor may find: published items only."""
    return Voice.objects.filter(is_published=True)


def searchable_voices(person: Person | None) -> QuerySet[Voice]:
    """Voices `person` may find (published ones only when `person` is None or anonymous)."""
    if person is None or not person.is_authenticated:
        return public_voices()
    return Voice.objects.filter(Q(is_published=True) | visible_q(person))
