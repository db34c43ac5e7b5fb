"""What a person may see of voices (V2–V4): one scoped queryset used by every page and the API.

- territorial handlers (community, station, township, district staff, hotline operators): items whose
  area (`Voice.unit`) or current handling unit (the process instance's unit) lies in their scope;
- department handlers: items handled now by a unit in their scope, or whose lead department or a
  co-handling department is in their scope — never other departments' items;
- supervisory roles (leader, discipline, procuratorate, inspection) and deputies/CPPCC members:
  every item in their scope, read-only;
- submitters: their own items.

The voice points at its process instance (`Voice.instance`). What a person may see is the UNION of
one id query per reason, each a range on the unit path index (see minyi.core.scope.scope_q) or a key
lookup, so every part is served by an index; lists then sort and page that set.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

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


def visible_ids(person: Person) -> QuerySet[Any, Any]:
    """The ids of the voices `person` may see, as one UNION of per-reason id queries.

    Each part is answered from an index — the submitter key, the unit path range joined to the
    voice's unit, its process instance's unit (`Voice.instance`), its lead department, or its
    co-handling rows — where one OR across them would make the database scan every voice.
    """
    parts: list[QuerySet[Any, Any]] = [Voice.objects.filter(submitter=person).values("pk")]
    nothing = Q(pk__in=[])
    for roles, field in (
        (ALL_VIEW_ROLES, "instance__unit__path"),
        (AREA_ROLES, "unit__path"),
        (DEPARTMENT_ROLE, "lead_department__path"),
    ):
        condition = scope_q(person, roles, field)
        if condition != nothing:
            parts.append(Voice.objects.filter(condition).values("pk"))
    co_handling = scope_q(person, DEPARTMENT_ROLE)
    if co_handling != nothing:
        parts.append(CoHandler.objects.filter(co_handling).values("voice_id"))
    first, *rest = parts
    return first.union(*rest) if rest else first


def visible_q(person: Person | None) -> Q:
    """The one definition of what `person` may see, as a filter on voices (see the module doc)."""
    if person is None or not person.is_authenticated or not person.is_active:
        return Q(pk__in=[])
    return Q(pk__in=visible_ids(person))


def visible_voices(person: Person | None) -> QuerySet[Voice]:
    """Every voice `person` may see (superusers: all)."""
    if person is not None and person.is_authenticated and person.is_superuser:
        return Voice.objects.all()
    return Voice.objects.filter(visible_q(person))


def with_handling(queryset: QuerySet[Voice], now: dt.datetime) -> QuerySet[Voice]:
    """Annotate the process state, deadline, handling unit and overdue flag from `Voice.instance`
    (joined columns: no subquery and no extra query per row)."""
    return queryset.annotate(
        process_state=F("instance__state"),
        process_deadline=F("instance__deadline_at"),
        process_unit_name=F("instance__unit__name"),
        process_instance_id=F("instance_id"),
        is_overdue=Case(
            When(instance__is_final=False, instance__deadline_at__lt=now, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    )


def filter_by_instance(queryset: QuerySet[Voice], condition: Q) -> QuerySet[Voice]:
    """`queryset` restricted to voices whose process instance matches `condition` (instance fields)."""
    return queryset.filter(instance__in=voice_instances().filter(condition))
