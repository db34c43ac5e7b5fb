"""Filters on where a voice stands in its `voice` process (the instance's state is the truth)."""

from __future__ import annotations

from django.db.models import CharField, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Cast

from minyi.core.models import ProcessInstance

VOICE_PROCESS = "voice"
VOICE_SUBJECT = "voices.voice"


def open_q() -> Q:
    """Items still being handled: their process has not reached a final state (closed, declined, merged)."""
    instances = ProcessInstance.objects.filter(
        process=VOICE_PROCESS, subject_type=VOICE_SUBJECT, subject_id=Cast(OuterRef("pk"), CharField()),
        is_final=False,
    )  # fmt: skip
    return Q(Exists(instances))


def in_state_q(*states: str) -> Q:
    instances = ProcessInstance.objects.filter(
        process=VOICE_PROCESS, subject_type=VOICE_SUBJECT, subject_id=Cast(OuterRef("pk"), CharField()),
        state__in=states,
    )  # fmt: skip
    return Q(Exists(instances))


def state_subquery() -> Subquery:
    """Annotate a voice queryset with its process state (`.annotate(state=state_subquery())`)."""
    instances = ProcessInstance.objects.filter(
        process=VOICE_PROCESS, subject_type=VOICE_SUBJECT, subject_id=Cast(OuterRef("pk"), CharField())
    )
    return Subquery(instances.values("state")[:1])
