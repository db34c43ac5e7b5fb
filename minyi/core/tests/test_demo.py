"""The demo city: its shape, its accounts, its record, and that one seed always gives the same city."""

from __future__ import annotations

import pytest
from django.db import transaction

from minyi.core.demo import names
from minyi.core.demo.build import DEMO_ACCOUNTS, DEMO_PASSWORD, build_demo
from minyi.core.models import DeputyRecord, Event, Person, RoleGrant, Unit
from minyi.core.record.hashing import event_hash
from minyi.core.record.write import hashed_fields
from minyi.core.roles import ROLES

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def snapshot() -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    units = list(Unit.objects.order_by("path").values_list("code", "name", "address"))
    people = list(Person.objects.order_by("username").values_list("username", "name", "phone"))
    return units, people


def build_and_forget(seed: int) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    try:
        with transaction.atomic():
            build_demo(seed)
            result = snapshot()
            raise Rollback
    except Rollback:
        return result


def test_same_seed_same_city_other_seed_other_names() -> None:
    first = build_and_forget(7)
    assert Unit.objects.count() == 0
    assert build_and_forget(7) == first
    other_units, _ = build_and_forget(8)
    # The shape and the codes the demo accounts are scoped to do not depend on the seed.
    assert len(other_units) == len(first[0])
    account_codes = {a.unit_code for a in DEMO_ACCOUNTS}
    assert account_codes <= {code for code, _, _ in other_units} & {code for code, _, _ in first[0]}
    assert [name for _, name, _ in other_units] != [name for _, name, _ in first[0]]


def test_demo_city_shape_accounts_and_record() -> None:
    demo = build_demo()
    counts = {
        kind: Unit.objects.filter(kind=kind).count() for kind, _ in Unit._meta.get_field("kind").choices
    }
    assert counts["city"] == 1 and demo.city.name == "示范市"
    assert counts["district"] >= 3
    assert counts["township"] == 10
    assert counts["community"] == 50
    assert counts["grid"] > 0
    assert counts["department"] == 20
    assert counts["station"] == 10
    assert any(u.name.endswith("区住房和城乡建设局") for u in demo.departments)
    assert all(u.code and u.address.startswith("示范市") and u.phone for u in Unit.objects.all())

    # Every unit and person has its creation event, and every event hashes as record_event hashed it.
    assert Event.objects.filter(action="core.unit.create").count() == Unit.objects.count()
    assert Event.objects.filter(action="core.person.create").count() == Person.objects.count()
    for event in Event.objects.all():
        assert event.hash == event_hash(hashed_fields(event))

    # One login per role, scoped to the unit the account list names.
    assert {a.role for a in DEMO_ACCOUNTS} == {r.code for r in ROLES}
    assert len({a.username for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        person = Person.objects.get(username=account.username)
        assert person.check_password(DEMO_PASSWORD)
        assert (
            RoleGrant.objects.active()
            .filter(person=person, role=account.role, unit__code=account.unit_code)
            .exists()
        )
    assert Unit.objects.get(
        code=[a for a in DEMO_ACCOUNTS if a.role == "township_staff"][0].unit_code
    ).name.endswith("街道")
    assert Event.objects.filter(action="core.role.grant").count() >= len(DEMO_ACCOUNTS)

    records = DeputyRecord.objects.all()
    assert records.count() == 30
    assert {r.body for r in records} == {"npc", "cppcc", "party"}
    assert {r.level for r in records.filter(body="npc")} == {"township", "county", "city"}
    assert Event.objects.filter(action="core.deputy.add").count() == 30

    for person in Person.objects.all():
        assert 2 <= len(person.name) <= 4
        assert any(person.name.startswith(s) for s in names.SURNAMES)
        assert person.phone[:3] in names.MOBILE_PREFIXES and len(person.phone) == 11
    # Only the demo accounts can log in; generated residents and deputies have no password.
    assert {p.username for p in Person.objects.all() if p.has_usable_password()} == {
        a.username for a in DEMO_ACCOUNTS
    }


def test_demo_refuses_to_build_twice() -> None:
    build_demo()
    from minyi.core.errors import ActionError

    with pytest.raises(ActionError):
        build_demo()


def test_demo_administrator_has_role_requests_waiting() -> None:
    from minyi.core.workbench import awaiting

    build_demo()
    admin = Person.objects.get(username="admin")
    waiting = list(awaiting(admin))
    assert len(waiting) == 5 and {i.process for i in waiting} == {"role_request"}
    assert Event.objects.filter(action="role_request.start").count() == 5
    # The township administrator's workbench is scoped: a community staff member sees none of them.
    community = Person.objects.get(username="community")
    assert not list(awaiting(community))
