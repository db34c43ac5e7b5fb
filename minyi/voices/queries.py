"""What a person may see of voices (V2–V4): one scoped queryset used by every page and the API.

- territorial handlers (community, station, township, district staff, hotline operators): items whose
  area (`Voice.unit`) or current handling unit (the process instance's unit) lies in their scope;
- department handlers: items handled now by a unit in their scope, or whose lead department or a
  co-handling department is in their scope — never other departments' items;
- supervisory roles (leader, discipline, procuratorate, inspection) and deputies/CPPCC members:
  every item in their scope, read-only;
- submitters: their own items.

The process instance is linked to its voice by (subject_type, subject_id); the filters below are
semi-joins on that pair, each a range on the unit path index (see minyi.core.scope.scope_q).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BigIntegerField, CharField, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Cast

from minyi.core.models import Person, ProcessInstance
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import scope_q
from minyi.voices.models import CoHandler, Voice

PROCESS = "voice"
SUBJECT_TYPE = "voices.voice"

TERRITORIAL_ROLES = frozenset(
    {"community_staff", "station_staff", "township_staff", "district_staff", "hotline_operator"}
)
DEPARTMENT_ROLE = "department_handler"
HANDLER_ROLES = TERRITORIAL_ROLES | {DEPARTMENT_ROLE}
DEPUTY_ROLES = frozenset({"deputy", "cppcc_member"})
# Roles that may put an item under supervision (督办), V3.
SUPERVISING_ROLES = DEPUTY_ROLES | SUPERVISORY_ROLE_CODES
READ_ONLY_ROLES = SUPERVISING_ROLES
AREA_ROLES = TERRITORIAL_ROLES | READ_ONLY_ROLES
ALL_VIEW_ROLES = HANDLER_ROLES | READ_ONLY_ROLES


def voice_instances() -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(process=PROCESS, subject_type=SUBJECT_TYPE)


def voice_ids_of(instances: QuerySet[ProcessInstance]) -> QuerySet[Any, Any]:
    """The voice ids of `instances`, as a subquery for `pk__in`."""
    return instances.annotate(voice_id=Cast("subject_id", BigIntegerField())).values("voice_id")


def instance_of_voice() -> QuerySet[ProcessInstance]:
    """The instance of the outer voice row (for Subquery/Exists annotations)."""
    return voice_instances().filter(subject_id=Cast(OuterRef("pk"), CharField()))


def visible_q(person: Person | None) -> Q:
    if person is None or not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    condition = Q(submitter=person)
    handled_here = scope_q(person, ALL_VIEW_ROLES)
    if handled_here != Q(pk__in=[]):
        condition |= Q(pk__in=voice_ids_of(voice_instances().filter(handled_here)))
    condition |= scope_q(person, AREA_ROLES, "unit__path")
    condition |= scope_q(person, DEPARTMENT_ROLE, "lead_department__path")
    co_handling = scope_q(person, DEPARTMENT_ROLE)
    if co_handling != Q(pk__in=[]):
        condition |= Q(pk__in=CoHandler.objects.filter(co_handling).values("voice_id"))
    return condition


def visible_voices(person: Person | None) -> QuerySet[Voice]:
    """Every voice `person` may see (superusers: all)."""
    if person is not None and person.is_authenticated and person.is_superuser:
        return Voice.objects.all()
    return Voice.objects.filter(visible_q(person))


def with_handling(queryset: QuerySet[Voice], now: dt.datetime) -> QuerySet[Voice]:
    """Annotate the process state, deadline, handling unit and overdue flag (no extra query per row)."""
    instance = instance_of_voice()
    return queryset.annotate(
        process_state=Subquery(instance.values("state")[:1]),
        process_deadline=Subquery(instance.values("deadline_at")[:1]),
        process_unit_name=Subquery(instance.values("unit__name")[:1]),
        process_instance_id=Subquery(instance.values("pk")[:1]),
        is_overdue=Exists(instance.filter(is_final=False, deadline_at__lt=now)),
    )


def filter_by_instance(queryset: QuerySet[Voice], condition: Q) -> QuerySet[Voice]:
    return queryset.filter(pk__in=voice_ids_of(voice_instances().filter(condition)))
