"""Who may see which voices in the reports (forms, ledger, rates): the handling module's visibility
(`minyi.voices.queries.visible_voices`) and rules (`voices.view_voice`, `voices.view_contact`)."""

from __future__ import annotations

from django.db.models import QuerySet

from minyi.core.models import Person
from minyi.core.roles import SUPERVISORY_ROLE_CODES
from minyi.core.scope import has_role
from minyi.voices.models import Voice
from minyi.voices.queries import visible_voices

# Who may run the ledger and the rates at all (a submitter sees only their own item's forms).
REPORT_ROLES = (
    frozenset(
        {
            "admin",
            "district_staff",
            "township_staff",
            "community_staff",
            "station_staff",
            "hotline_operator",
            "department_handler",
        }
    )
    | SUPERVISORY_ROLE_CODES
)


def report_voices(person: Person) -> QuerySet[Voice]:
    """The voices the ledger and the rates count for `person`: their ids read once (the rates page runs
    four aggregates over them; each would otherwise run the visibility UNION again)."""
    return visible_voices(person, read_ids=True)


def may_run_reports(person: Person) -> bool:
    return person.is_superuser or has_role(person, REPORT_ROLES)


def may_view_voice(person: Person, voice: Voice) -> bool:
    return person.has_perm("voices.view_voice", voice)


def may_view_contact(person: Person, voice: Voice) -> bool:
    return person.has_perm("voices.view_contact", voice)
