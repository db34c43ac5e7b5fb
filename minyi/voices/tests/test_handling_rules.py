"""Who sees and does what with a voice: role × scope × state, plus the scoped queryset."""

from __future__ import annotations

import pytest

from minyi.core.actions.roles import do_revoke_role
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.engine.steps import perform
from minyi.core.models import RoleGrant
from minyi.voices.actions.handling import instance_for
from minyi.voices.queries import visible_voices
from minyi.voices.tests.handling_support import register_voice

pytestmark = pytest.mark.django_db

RULES = [
    "voices.view_voice",
    "voices.view_contact",
    "voices.supervise_voice",
    "voices.add_note",
    "voices.view_names",
    "voices.publish_voice",
]

# role, where (a tree attribute), expected rules on a community item still at the community
GRID = [
    (
        "community_staff",
        "community",
        {"view_voice", "view_contact", "add_note", "view_names", "publish_voice"},
    ),
    ("community_staff", "other_community", set()),
    ("township_staff", "township", {"view_voice", "view_contact", "add_note", "view_names", "publish_voice"}),
    ("township_staff", "other_township", set()),
    ("district_staff", "district", {"view_voice", "view_contact", "add_note", "view_names", "publish_voice"}),
    ("district_staff", "other_district", set()),
    ("station_staff", "station", set()),  # the station is beside the community, not above it
    ("department_handler", "department", set()),  # not assigned yet
    ("supervisor", "district", {"view_voice", "supervise_voice", "view_names"}),
    ("procuratorate", "district", {"view_voice", "supervise_voice", "view_names"}),
    ("inspector", "other_district", set()),
    ("leader", "city", {"view_voice", "supervise_voice", "view_names"}),
    ("deputy", "township", {"view_voice", "supervise_voice", "view_names"}),
    ("cppcc_member", "other_township", set()),
    ("admin", "city", set()),
    ("resident", "community", set()),
    ("courier", "community", set()),
]


@pytest.mark.parametrize(("role", "where", "expected"), GRID)
def test_rules_grid_on_a_new_item(tree, make_person, role, where, expected) -> None:  # type: ignore[no-untyped-def]
    person = make_person(role, getattr(tree, where))
    voice = register_voice(tree.community, wants_public=True)
    got = {name.split(".")[1] for name in RULES if person.has_perm(name, voice)}
    assert got == expected
    assert (voice in visible_voices(person)) == ("view_voice" in expected)


def test_submitter_sees_own_item_and_contact_but_not_others(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = make_person(), make_person()
    voice = register_voice(tree.community, submitter=mine)
    other = register_voice(tree.community, submitter=theirs)
    assert mine.has_perm("voices.view_voice", voice) and mine.has_perm("voices.view_contact", voice)
    assert not mine.has_perm("voices.view_names", voice)
    assert not mine.has_perm("voices.view_voice", other) and not mine.has_perm("voices.view_contact", other)
    assert list(visible_voices(mine)) == [voice]


def test_department_sees_only_its_assignments(tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    second = do_create_unit(
        UnitInput(name="东城区城管局", kind="department", code="D-CG"), tree.district, actor=system
    )
    community = make_person("community_staff", tree.community)
    township = make_person("township_staff", tree.township)
    district = make_person("district_staff", tree.district)
    lead = make_person("department_handler", tree.department)
    helper = make_person("department_handler", second)
    assigned, unassigned = register_voice(tree.community), register_voice(tree.community)
    for voice in (assigned,):
        perform(instance_for(voice), "accept", person=community, inputs={}, reason="")
        perform(instance_for(voice), "escalate_to_township", person=community, inputs={}, reason="r")
        perform(instance_for(voice), "escalate_to_district", person=township, inputs={}, reason="r")
    assert list(visible_voices(lead)) == [] and not lead.has_perm("voices.view_voice", assigned)
    perform(
        instance_for(assigned),
        "assign",
        person=district,
        reason="",
        inputs={"lead_department": tree.department.pk, "co_handlers": [second.pk]},
    )
    assigned.refresh_from_db()
    assert list(visible_voices(lead)) == [assigned] and lead.has_perm("voices.view_contact", assigned)
    assert list(visible_voices(helper)) == [assigned] and helper.has_perm("voices.add_note", assigned)
    assert not lead.has_perm("voices.view_voice", unassigned)
    # Returned to the district: the department no longer sees the item.
    perform(instance_for(assigned), "return_to_district", person=lead, inputs={}, reason="不属本局")
    assigned.refresh_from_db()
    assert assigned not in visible_voices(lead)
    # Township staff still see items of their area after escalation.
    assert set(visible_voices(township)) == {assigned, unassigned}


def test_revoked_and_inactive_see_nothing(tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    revoked = make_person("community_staff", tree.community)
    inactive = make_person("community_staff", tree.community)
    voice = register_voice(tree.community)
    do_revoke_role(RoleGrant.objects.get(person=revoked), actor=system, reason="调岗")
    inactive.is_active = False
    inactive.save(update_fields=["is_active"])
    for person in (revoked, inactive):
        person.refresh_from_db()
        assert not person.has_perm("voices.view_voice", voice)
        assert list(visible_voices(person)) == []


def test_supervisors_are_read_only(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    from minyi.core.engine import runtime

    supervisor = make_person("supervisor", tree.district)
    voice = register_voice(tree.community)
    assert runtime.available_transitions(instance_for(voice), supervisor) == []
