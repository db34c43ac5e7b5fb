"""Core named rules as a grid: role × where the object lies relative to the grant × rule.

Every grant in this file is made on 青云街道 (tree.township). Relative to it:
same = 青云街道, descendant = 金沙社区, ancestor = 东城区, sibling = 东城区住建局 (another child of
东城区), other = 白沙社区 in 西城区. A role reaches its unit's subtree and nothing else.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from minyi.core.actions.people import PersonInput, do_create_person
from minyi.core.actions.roles import do_grant_role, do_revoke_role
from minyi.core.models import Person, RoleGrant
from minyi.core.roles import SUPERVISORY_ROLE_CODES

PLACES = ["same", "descendant", "ancestor", "sibling", "other"]
INSIDE = {"same", "descendant"}
UNIT_RULES = [
    "core.manage_units",
    "core.grant_role",
    "core.manage_people",
    "core.manage_deputies",
    "core.override_process",
    "core.verify_record",
]
ADMIN_ONLY_RULES = {
    "core.manage_units",
    "core.grant_role",
    "core.manage_people",
    "core.manage_deputies",
    "core.override_process",
}
ROLES = ["admin", "leader", "supervisor", "community_staff", "township_staff", "deputy", "resident"]


def place_unit(tree, place):  # type: ignore[no-untyped-def]
    return {
        "same": tree.township,
        "descendant": tree.community,
        "ancestor": tree.district,
        "sibling": tree.department,
        "other": tree.other_community,
    }[place]


def expected(role: str, rule: str, place: str) -> bool:
    if place not in INSIDE:
        return False
    if rule in ADMIN_ONLY_RULES:
        return role == "admin"
    if rule == "core.verify_record":
        return role == "admin" or role in SUPERVISORY_ROLE_CODES
    raise AssertionError(rule)


def fresh(person: Person) -> Person:
    """The person as a new request sees them (no cached grants)."""
    return Person.objects.get(pk=person.pk)


GRID = [(role, rule, place) for role in ROLES for rule in UNIT_RULES for place in PLACES]


def test_grid_has_more_negative_than_positive_cases() -> None:
    positives = sum(expected(*case) for case in GRID)
    assert 0 < positives < len(GRID) - positives


# One test per role (the tree is built once per test); every mismatch in the row is reported at once.
@pytest.mark.parametrize("role", ROLES)
def test_unit_rules_grid(tree, make_person, role) -> None:  # type: ignore[no-untyped-def]
    user = fresh(make_person(role, tree.township))
    wrong = [
        (rule, place)
        for rule in UNIT_RULES
        for place in PLACES
        if user.has_perm(rule, place_unit(tree, place)) is not expected(role, rule, place)
    ]
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_revoke_role_rule_grid(tree, make_person, system, role) -> None:  # type: ignore[no-untyped-def]
    user = fresh(make_person(role, tree.township))
    target = make_person()
    wrong = []
    for place in PLACES:
        grant = do_grant_role(target, "resident", place_unit(tree, place), actor=system)
        if user.has_perm("core.revoke_role", grant) is not (role == "admin" and place in INSIDE):
            wrong.append(place)
    assert wrong == []


@pytest.mark.parametrize("role", ROLES)
def test_view_person_grid(tree, make_person, system, role) -> None:  # type: ignore[no-untyped-def]
    user = fresh(make_person(role, tree.township))
    wrong = []
    for place in PLACES:
        target = do_create_person(
            PersonInput(username=f"t-{place}", name="李四", home_unit=place_unit(tree, place)), actor=system
        )
        if user.has_perm("core.view_person", target) is not (role == "admin" and place in INSIDE):
            wrong.append(place)
    assert wrong == []


def test_view_person_through_a_grant_in_scope(tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    admin = fresh(make_person("admin", tree.township))
    worker = make_person()  # no home unit
    assert not admin.has_perm("core.view_person", worker)
    do_grant_role(worker, "community_staff", tree.community, actor=system)
    assert admin.has_perm("core.view_person", fresh(worker))
    elsewhere = make_person("community_staff", tree.other_community)
    assert not admin.has_perm("core.view_person", fresh(elsewhere))


def test_everyone_sees_themselves_and_the_tree(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    person = fresh(make_person())
    assert person.has_perm("core.view_person", person)
    assert person.has_perm("core.view_unit", tree.other_community)
    assert AnonymousUser().has_perm("core.view_unit", tree.city)


def test_revoked_grant_gives_nothing(tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    admin = make_person("admin", tree.township)
    do_grant_role(admin, "leader", tree.township, actor=system)
    for grant in RoleGrant.objects.filter(person=admin):
        do_revoke_role(grant, actor=system, reason="调离")
    admin = fresh(admin)
    for rule in [*UNIT_RULES, "core.revoke_role", "core.use_admin_site"]:
        assert not admin.has_perm(rule, tree.township), rule
        assert not admin.has_perm(rule, tree.community), rule
        assert not admin.has_perm(rule), rule


def test_inactive_person_holds_no_role(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    admin = make_person("admin", tree.city)
    Person.objects.filter(pk=admin.pk).update(is_active=False)
    admin = fresh(admin)
    for rule in [*UNIT_RULES, "core.use_admin_site", "core.manage_channels"]:
        assert not admin.has_perm(rule, tree.township), rule
        assert not admin.has_perm(rule), rule


def test_anonymous_holds_nothing(tree) -> None:  # type: ignore[no-untyped-def]
    for rule in [*UNIT_RULES, "core.use_admin_site", "core.manage_channels", "core.view_person"]:
        assert not AnonymousUser().has_perm(rule, tree.township), rule
        assert not AnonymousUser().has_perm(rule), rule


def test_object_without_a_unit_is_outside_every_scope(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    admin = fresh(make_person("admin", tree.city))
    homeless = make_person()
    assert not admin.has_perm("core.view_person", homeless)
    assert not admin.has_perm("core.verify_record", object())


def test_no_object_means_anywhere(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    admin = fresh(make_person("admin", tree.community))
    assert admin.has_perm("core.grant_role")
    assert admin.has_perm("core.use_admin_site")
    resident = fresh(make_person("resident", tree.community))
    assert not resident.has_perm("core.grant_role")
    assert not resident.has_perm("core.use_admin_site")


def test_manage_channels_needs_a_root_administrator(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    cases = [
        ("admin", "city", True),
        ("admin", "district", False),
        ("admin", "township", False),
        ("leader", "city", False),
        ("resident", "city", False),
    ]
    for role, where, allowed in cases:
        user = fresh(make_person(role, getattr(tree, where)))
        assert user.has_perm("core.manage_channels") is allowed, (role, where)


def test_superuser_passes_every_rule(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    root = make_person()
    Person.objects.filter(pk=root.pk).update(is_superuser=True)
    root = fresh(root)
    for rule in [*UNIT_RULES, "core.revoke_role", "core.manage_channels"]:
        assert root.has_perm(rule, tree.other_community)
