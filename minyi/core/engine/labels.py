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
