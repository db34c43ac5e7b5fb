"""Shared helpers for deliberation pages: actors, loading with 404, and the topic rows of list pages."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from minyi.core.actors import Actor
from minyi.core.engine.labels import describe
from minyi.core.masking import mask_name
from minyi.core.models import Person
from minyi.core.scope import authorizing_grant
from minyi.deliberation.actions.topics import instances_for
from minyi.deliberation.models import Council, Topic
from minyi.deliberation.predicates import MANAGER_ROLES


def staff_actor(person: Person, council: Council) -> Actor:
    grant = authorizing_grant(person, MANAGER_ROLES, council.unit)
    if grant is None:
        return Actor(person=person)
    return Actor(person=person, role=grant.role, unit=grant.unit)


def member_actor(person: Person) -> Actor:
    return Actor(person=person, role="council_member")


def get_or_404(queryset, **lookup):  # type: ignore[no-untyped-def]
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


@dataclass(frozen=True)
class TopicRow:
    topic: Topic
    state: str
    state_label: str
    proposer: str  # masked (公示)


def topic_rows(topics: list[Topic]) -> list[TopicRow]:
    """Topics with their step, in one extra query (the process instances)."""
    instances = instances_for(topics)
    rows = []
    for topic in topics:
        instance = instances.get(topic.pk)
        rows.append(
            TopicRow(
                topic=topic,
                state=instance.state if instance else "",
                state_label=describe(instance).state if instance else "",
                proposer=mask_name(topic.proposer.name) if topic.proposer and topic.proposer.name else "",
            )
        )
    return rows
