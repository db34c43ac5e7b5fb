"""scope_q: one index-friendly range per disjoint granted subtree; list queries that stay flat."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from minyi.core.actions.roles import do_grant_role
from minyi.core.actions.units import UnitInput, do_create_unit
from minyi.core.models import Person, RoleGrant, Unit
from minyi.core.scope import active_grants, authorizing_grant, scope_q, scope_roots, units_in_scope


def fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_nested_and_duplicate_grants_collapse_to_disjoint_roots(tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    admin = make_person("admin", tree.township)
    for unit in (tree.community, tree.station, tree.other_community):
        do_grant_role(admin, "admin", unit, actor=system)
    do_grant_role(admin, "leader", tree.city, actor=system)  # another role: not part of the admin scope
    admin = fresh(admin)
    assert scope_roots(admin, "admin") == sorted([tree.township.path, tree.other_community.path])
    assert scope_roots(admin, {"admin", "leader"}) == [tree.city.path]
    names = set(Unit.objects.filter(units_in_scope(admin, "admin")).values_list("name", flat=True))
    assert names == {"青云街道", "金沙社区", "青云街道人大代表联络站", "白沙社区"}


def test_scope_is_a_range_not_like(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    admin = fresh(make_person("admin", tree.district))
    sql = str(Unit.objects.filter(units_in_scope(admin, "admin")).query).upper()
    assert "LIKE" not in sql
    assert ">=" in sql and "<=" in sql


def test_scope_uses_the_path_index(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    admin = fresh(make_person("admin", tree.district))
    queryset = Unit.objects.filter(units_in_scope(admin, "admin")).values("pk")
    if connection.vendor == "postgresql":
        with (
            connection.cursor() as cursor
        ):  # tiny tables: make the planner show whether it *can* use an index
            cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
        assert "Index" in plan, plan
    else:
        plan = queryset.explain()
        assert "USING" in plan and "INDEX" in plan.upper(), plan


def test_no_grant_matches_nothing_without_a_query(tree, make_person, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    resident = fresh(make_person("resident", tree.community))
    active_grants(resident)
    with django_assert_num_queries(0):
        assert list(Unit.objects.filter(units_in_scope(resident, "admin"))) == []


def test_inactive_or_anonymous_have_empty_scope(tree, make_person) -> None:  # type: ignore[no-untyped-def]
    from django.contrib.auth.models import AnonymousUser

    admin = make_person("admin", tree.city)
    Person.objects.filter(pk=admin.pk).update(is_active=False)
    assert scope_roots(fresh(admin), "admin") == []
    assert scope_roots(AnonymousUser(), "admin") == []  # type: ignore[arg-type]
    assert not Unit.objects.filter(scope_q(None, "admin", "path")).exists()


def test_grants_are_read_once_per_request(tree, make_person, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    admin = fresh(make_person("admin", tree.township))
    with django_assert_num_queries(1):
        for unit in (tree.township, tree.community, tree.district, tree.other_community):
            admin.has_perm("core.grant_role", unit)
            admin.has_perm("core.verify_record", unit)


def test_authorizing_grant_is_the_closest(tree, make_person, system) -> None:  # type: ignore[no-untyped-def]
    admin = make_person("admin", tree.city)
    do_grant_role(admin, "admin", tree.township, actor=system)
    admin = fresh(admin)
    assert authorizing_grant(admin, "admin", tree.community).unit == tree.township
    assert authorizing_grant(admin, "admin", tree.other_community).unit == tree.city
    assert authorizing_grant(admin, "leader", tree.community) is None


def _scoped_list_queries(admin: Person, extra_grants: int, extra_rows: int, tree, system, make_person) -> int:  # type: ignore[no-untyped-def]
    # More rows: communities under 青云街道, each with a resident's grant on it.
    for i in range(extra_rows):
        unit = do_create_unit(UnitInput(name=f"社区{i}", kind="community"), tree.township, actor=system)
        make_person("resident", unit)
    # More grants: the administrator also on units already inside (or outside) the scope.
    extra_units = list(Unit.objects.filter(kind="community").order_by("path"))[:extra_grants]
    for unit in extra_units:
        if not RoleGrant.objects.active().filter(person=admin, role="admin", unit=unit).exists():
            do_grant_role(admin, "admin", unit, actor=system)
    admin = fresh(admin)
    with CaptureQueriesContext(connection) as ctx:
        grants = list(
            RoleGrant.objects.active().filter(scope_q(admin, "admin")).select_related("person", "unit")
        )
        # The per-row check a page or API list makes: answered from the cached grants.
        assert all(admin.has_perm("core.revoke_role", g) for g in grants)
        labels = [f"{g.person} {g.unit}" for g in grants]
    assert labels
    return len(ctx.captured_queries)


@pytest.mark.parametrize(("grants", "rows"), [(0, 0), (2, 3), (5, 12)])
def test_scoped_list_query_count_is_flat(
    tree, make_person, system, grants, rows, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    admin = make_person("admin", tree.township)
    # One query for the administrator's grants, one for the list, whatever the grants × rows.
    assert _scoped_list_queries(admin, grants, rows, tree, system, make_person) == 2
