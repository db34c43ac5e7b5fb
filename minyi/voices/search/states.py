"""Filters on where a voice stands in its `voice` process (the instance's state is the truth), read
through `Voice.instance` (a join on its key; suggestions have no `voice` instance and match none)."""

from __future__ import annotations

from django.db.models import F, Q


def open_q() -> Q:
    """Items still being handled: their process has not reached a final state (closed, declined, merged)."""
    return Q(instance__is_final=False)


def in_state_q(*states: str) -> Q:
    return Q(instance__state__in=states)


def process_state() -> F:
    """Annotate a voice queryset with its process state (`.annotate(state=process_state())`)."""
    return F("instance__state")
