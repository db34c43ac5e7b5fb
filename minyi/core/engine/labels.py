"""How an instance is named on pages: the process and state titles in the reader's language."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import get_language

from minyi.core.calendar import DayKind
from minyi.core.engine.definitions import Title
from minyi.core.engine.registry import get_definition
from minyi.core.models import ProcessInstance


def localized(title: Title) -> str:
    return title.en if (get_language() or "").startswith("en") else title.zh


@dataclass(frozen=True)
class InstanceLabels:
    process: str
    state: str
    deadline_kind: DayKind


def describe(instance: ProcessInstance) -> InstanceLabels:
    """Titles from the instance's own definition version (cached in memory after the first read)."""
    definition = get_definition(instance.process, instance.version)
    state = definition.states.get(instance.state)
    if state is None:
        return InstanceLabels(localized(definition.title), instance.state, DayKind.WORKING)
    kind = state.deadline.calendar if state.deadline else DayKind.WORKING
    return InstanceLabels(localized(definition.title), localized(state.title), kind)


# Apps name the page of their subjects (e.g. "voices.voice" → "voices:item"), so the workbench links
# to the item's own page without loading the item; others open the generic process page.
_SUBJECT_URL_NAMES: dict[str, str] = {}


def register_subject_url(subject_type: str, url_name: str) -> None:
    """`url_name` takes the subject's primary key as its only argument (call from AppConfig.ready)."""
    _SUBJECT_URL_NAMES[subject_type] = url_name


def instance_url(instance: ProcessInstance) -> str:
    from django.urls import reverse

    url_name = _SUBJECT_URL_NAMES.get(instance.subject_type)
    if url_name is not None:
        return reverse(url_name, args=[instance.subject_id])
    return reverse("core:process_instance", args=[instance.pk])
