"""Shared helpers for survey pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404

from minyi.core.actors import Actor
from minyi.core.models import Person
from minyi.core.scope import authorizing_grant
from minyi.surveys.models import Survey
from minyi.surveys.predicates import SURVEY_STAFF_ROLES


def get_or_404(queryset: QuerySet[Any], **lookup: Any) -> Any:
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj


def staff_actor(person: Person, survey: Survey | None = None, unit: Model | None = None) -> Actor:
    target = survey.unit if survey is not None else unit
    grant = authorizing_grant(person, SURVEY_STAFF_ROLES, target) if target is not None else None  # type: ignore[arg-type]
    if grant is None:
        return Actor(person=person)
    return Actor(person=person, role=grant.role, unit=grant.unit)
