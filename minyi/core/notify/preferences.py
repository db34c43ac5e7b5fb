"""A person's delivery preferences; people who never saved any get the defaults (daily email digest)."""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings

from minyi.core.models import NotificationPreference, Person


def default_preference(person: Person) -> NotificationPreference:
    """Unsaved defaults: the model's field defaults (email digest, no SMS, no WeChat, nothing muted)."""
    return NotificationPreference(person=person)


def preference_for(person: Person) -> NotificationPreference:
    """The person's saved preference or the defaults. Free when loaded with select_related."""
    try:
        return person.notification_preference
    except NotificationPreference.DoesNotExist:
        return default_preference(person)


def preferences_for(people: Sequence[Person]) -> dict[int, NotificationPreference]:
    """Preferences of many people in one query."""
    saved = {pref.person_id: pref for pref in NotificationPreference.objects.filter(person__in=people)}
    return {person.pk: saved.get(person.pk) or default_preference(person) for person in people}


def language_of(person: Person) -> str:
    """The person's language if the site offers it, else the site default (zh-hans)."""
    offered = {code for code, _label in settings.LANGUAGES}
    return person.language if person.language in offered else settings.LANGUAGE_CODE
