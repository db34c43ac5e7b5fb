"""Small helpers shared by the insights pages and API: state titles and links that may not exist yet."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from minyi.core.engine.labels import localized
from minyi.core.engine.registry import current_definition
from minyi.core.models import Person
from minyi.voices.models import Voice


def state_title(state: str | None) -> str:
    """The `voice` process's title of `state` in the reader's language."""
    if not state:
        return ""
    found = current_definition("voice").states.get(state)
    return localized(found.title) if found else state


def voice_url(voice: Voice, person: Person | None) -> str:
    """The item page for staff and the submitter, the public page for a published item, else ""."""
    candidates: list[tuple[str, object]] = []
    if person is not None and person.is_authenticated:
        candidates.append(("voices:item", voice.pk))
    if voice.is_published:
        candidates.append(("voices:public_item", voice.tracking_code))
    for name, arg in candidates:
        try:
            return reverse(name, args=[arg])
        except NoReverseMatch:  # the page belongs to another helper's area and may not be merged yet
            continue
    return ""
