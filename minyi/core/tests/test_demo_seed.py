"""Synthetic jurisdictions: bulk paths, yet every unit and person has its creation event and chain head."""

from __future__ import annotations

import pytest

from minyi.core.demo.seed import level_sizes, seed_jurisdiction
from minyi.core.models import ChainHead, Event, Person, Unit
from minyi.core.models.units import subtree_q
from minyi.core.record.hashing import GENESIS, event_hash
from minyi.core.record.write import hashed_fields

pytestmark = pytest.mark.django_db


def test_level_sizes_add_up() -> None:
    for total in (1, 2, 7, 500, 100_000):
        sizes = level_sizes(total)
        assert sum(count for _, count in sizes) == total
        assert sizes[0] == ("city", 1)
    with pytest.raises(ValueError):
        level_sizes(0)


def test_seed_creates_a_valid_tree_with_one_event_per_subject() -> None:
    result = seed_jurisdiction(700, 40, seed=3)
    assert (result.units, result.people, result.events) == (700, 40, 740)
    root = Unit.objects.get(code=result.root_code)
    assert Unit.objects.filter(subtree_q(root.path)).count() == 700
    assert Unit.find_problems() == ([], [], [], [], [])  # treebeard: paths, depths and numchild consistent
    assert {u.kind for u in Unit.objects.all()} == {
        "city",
        "district",
        "township",
        "community",
        "department",
        "grid",
    }

    events = Event.objects.filter(action="core.unit.create")
    assert events.count() == 700
    assert set(events.values_list("subject_id", flat=True)) == {
        str(pk) for pk in Unit.objects.values_list("pk", flat=True)
    }
    assert Event.objects.filter(action="core.person.create").count() == Person.objects.count() == 40
    for event in Event.objects.all():
        assert (event.seq, event.prev_hash) == (1, GENESIS)
        assert event.hash == event_hash(hashed_fields(event))  # exactly what record_event would have written
        assert ChainHead.objects.get(chain=event.chain).hash == event.hash
    township = Unit.objects.filter(kind="township").first()
    parent_event = Event.objects.get(action="core.unit.create", subject_id=str(township.pk))
    assert parent_event.data["parent"] == township.get_parent().pk
    assert all(p.home_unit.kind in ("community", "grid") for p in Person.objects.select_related("home_unit"))


def test_seed_sits_beside_an_existing_tree(tree) -> None:  # type: ignore[no-untyped-def]
    result = seed_jurisdiction(30, 0, seed=1)
    root = Unit.objects.get(code=result.root_code)
    assert root.is_root() and root.path != tree.city.path
    assert Unit.find_problems() == ([], [], [], [], [])
    assert Unit.objects.filter(subtree_q(tree.city.path)).count() == 9
    # The existing tree keeps growing normally after a seed.
    from minyi.core.actions.units import UnitInput, do_create_unit
    from minyi.core.actors import Actor

    do_create_unit(UnitInput(name="新区", kind="district", code="990199"), tree.city, actor=Actor.system())
    assert Unit.find_problems() == ([], [], [], [], [])
