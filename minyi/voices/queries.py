"""What a person may see of voices (V2–V4): one scoped queryset used by every page and the API.

- territorial handlers (community, station, township, district staff, hotline operators): items whose
  area (`Voice.unit`) or current handling unit (the process instance's unit) lies in their scope;
- department handlers: items handled now by a unit in their scope, or whose lead department or a
  co-handling department is in their scope — never other departments' items;
- supervisory roles (leader, discipline, procuratorate, inspection) and deputies/CPPCC members:
  every item in their scope, read-only;
- submitters: their own items.

The voice points at its process instance (`Voice.instance`). The reasons above are listed once
(`_reasons`) and written two ways with the same meaning: `visible_q`, a per-row filter (search,
whole-tree scopes), and `visible_ids`, a UNION of one indexed id query per reason (lists of part of the
tree), so neither forces the database to read every voice for a small scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import BooleanField, Case, F, Q, QuerySet, Value, When

from minyi.core.models import Person, ProcessInstance, Unit
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import scope_q, scope_roots, units_in_scope
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


# A voice whose handling is not finished: its process instance is not in a final state. `closed_at`
# follows the instance (written by `minyi.voices.closed_at` with every step into or out of a final
# state), so `closed_at IS NULL` holds exactly for open items: it lets the partial indexes
# `voice_open_unit`/`voice_open_dept` find the candidates; the instance decides.
OPEN = Q(closed_at__isnull=True, instance__is_final=False)


# Up to this many visible items are read as a list of ids (visible_voices, for the inbox); beyond, a
# subquery.
IDS_READ_AT_MOST = 20_000


def voice_instances() -> QuerySet[ProcessInstance]:
    return ProcessInstance.objects.filter(process=PROCESS, subject_type=SUBJECT_TYPE)


# Each way a handler's role makes a voice visible: the roles, and the voice's unit field they reach.
_REACH = (
    (ALL_VIEW_ROLES, "instance__unit"),  # where it is handled now
    (AREA_ROLES, "unit"),  # where the matter is
    (DEPARTMENT_ROLE, "lead_department"),
)


def _reasons(person: Person, *, per_row: bool, open_only: bool = False) -> list[Q]:
    """Every reason `person` may see a voice, each as a filter on Voice (their OR is the visible set).

    `open_only` narrows every reason to items whose process instance is not final (the inbox's
    default), so each part of the id UNION reads open items only; the set is the visible set ∩ open.

    `per_row` (search: a filter tested on the rows the full-text index yields, newest first) tests
    each reason on the row itself: the unit's (or the handling unit's) path against the scope's
    ranges, one key lookup per row, whatever the size of the scope — a list of a city's 200,000
    units would cost more to build than the search. Otherwise (lists) the conditions are
    `unit IN (units in scope)`: the unit path index finds the units, then the voice's key index its
    voices; the handling unit's voices are found from their instances' key.
    """
    reasons = [Q(submitter=person)]
    for roles, field in _REACH:
        if not scope_roots(person, roles):
            continue
        if per_row and _whole_tree(person, roles):
            reasons.append(scope_q(person, roles, field=f"{field}__path"))
        elif per_row:
            reasons.append(Q(**{f"{field}__in": Unit.objects.filter(units_in_scope(person, roles))}))
        elif field == "instance__unit":
            instances = ProcessInstance.objects.filter(scope_q(person, roles))
            reasons.append(Q(instance__in=instances.filter(is_final=False) if open_only else instances))
        else:
            reasons.append(Q(**{f"{field}__in": Unit.objects.filter(units_in_scope(person, roles))}))
    if scope_roots(person, DEPARTMENT_ROLE):
        co_handled = CoHandler.objects.filter(scope_q(person, DEPARTMENT_ROLE)).values("voice_id")
        reasons.append(Q(pk__in=co_handled))
    if open_only:
        return [reason & OPEN for reason in reasons]
    return reasons


def _is_live(person: Person | None) -> bool:
    return person is not None and person.is_authenticated and person.is_active


def _whole_tree(person: Person, roles: frozenset[str] | str = ALL_VIEW_ROLES) -> bool:
    """Does `person` see everything under a root of the tree (a city leader, say), by one of `roles`?"""
    return any(len(root) == Unit.steplen for root in scope_roots(person, roles))


def visible_q(person: Person | None) -> Q:
    """The one definition of what `person` may see, as a per-row filter on voices (module doc).

    Search adds it to the full-text match (`is_published OR visible_q`), so it is tested on the
    matched rows only.
    """
    if person is None or not _is_live(person):
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    for reason in _reasons(person, per_row=True):
        condition |= reason
    return condition


def visible_ids(person: Person, *, open_only: bool = False) -> QuerySet[Any, Any]:
    """The same set as `visible_q`, as ids: the UNION of one id query per reason (with `open_only`,
    each part restricted to open items, so a wide scope's union holds only its open work).

    Each part is answered from indexes (the submitter key; the unit path index, then the voices by
    their unit, instance or lead-department key; the co-handler rows), where an OR of the reasons
    makes the database read every voice; a list then sorts and pages just these.
    """
    first, *rest = [
        Voice.objects.filter(reason).values("pk")
        for reason in _reasons(person, per_row=False, open_only=open_only)
    ]
    return first.union(*rest) if rest else first


def visible_voices(
    person: Person | None, *, open_only: bool = False, read_ids: bool = False
) -> QuerySet[Voice]:
    """Every voice `person` may see (superusers: all), shaped for lists: the id UNION for a scope
    of part of the tree, the per-row filter for a whole-tree scope (where nearly every row passes).
    With `open_only`, only those whose handling is not finished (the inbox's default); with `read_ids`
    (the inbox: a page and its count) the ids are read into a list first, up to `IDS_READ_AT_MOST`."""
    voices = Voice.objects.filter(OPEN) if open_only else Voice.objects.all()
    if person is not None and person.is_authenticated and person.is_superuser:
        return voices
    if person is None or not _is_live(person):
        return Voice.objects.none()
    if _whole_tree(person):
        return voices.filter(visible_q(person))
    ids = visible_ids(person, open_only=open_only)
    if read_ids:
        # A scope's open work is small (the items being handled now), and even all of a district's
        # items are a few thousand: their ids are read once, and the page and its count each look up
        # that list instead of running the UNION again.
        found = list(ids.values_list("pk", flat=True)[: IDS_READ_AT_MOST + 1])
        if len(found) <= IDS_READ_AT_MOST:
            return Voice.objects.filter(pk__in=found)
    return Voice.objects.filter(pk__in=ids)


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
