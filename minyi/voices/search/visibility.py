"""Which voices a person may find: a stand-in for v_handling's `minyi.voices.queries.visible_voices`.

TODO(lead): when `minyi/voices/queries.py:visible_voices(person)` is merged, make
`searchable_voices` return `visible_voices(person)` (keeping the published-only rule for anonymous
callers) so search, duplicates and hot spots share one definition of visibility.

Until then the rule is: anyone finds published items; a submitter finds their own; office and
supervisory roles find items whose unit lies in their scope; a department handler finds the items
its department leads or co-handles.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from minyi.core.models import Person
from minyi.core.scope import scope_q, scope_roots
from minyi.voices.models import CoHandler, Voice

# Roles that see every item whose unit is in their scope (office and joint-supervision roles).
AREA_ROLES = (
    "admin",
    "leader",
    "district_staff",
    "township_staff",
    "community_staff",
    "station_staff",
    "hotline_operator",
    "supervisor",
    "procuratorate",
    "inspector",
)
DEPARTMENT_ROLES = ("department_handler",)


def public_voices() -> QuerySet[Voice]:
    """What an anonymous visitor may find: published items only."""
    return Voice.objects.filter(is_published=True)


def searchable_voices(person: Person | None) -> QuerySet[Voice]:
    """Voices `person` may find (published ones only when `person` is None or anonymous)."""
    if person is None or not person.is_authenticated:
        return public_voices()
    condition = (
        Q(is_published=True)
        | Q(submitter=person)
        | scope_q(person, AREA_ROLES)
        | scope_q(person, DEPARTMENT_ROLES, field="lead_department__path")
    )
    if scope_roots(person, DEPARTMENT_ROLES):
        co_handled = CoHandler.objects.filter(scope_q(person, DEPARTMENT_ROLES), voice=OuterRef("pk"))
        condition |= Q(Exists(co_handled))
    return Voice.objects.filter(condition)
